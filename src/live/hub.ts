import type { Disclosure } from '../access/types.js';
import type { LiveEvent } from './event.js';

/** Anything that receives a topic's events: a WebSocket connection, an SSE stream. */
export interface Subscriber {
  readonly disclosure: Disclosure;
  deliver(event: LiveEvent): void;
}

/** Where a topic's data comes from. */
export interface TopicProducer {
  /** An event carrying the current state (for ticks, new subscribers and resumes). */
  current(id: number): LiveEvent | Promise<LiveEvent>;
  /** Interval of periodic pushes when the subscriber names none, in ms. */
  defaultIntervalMs: number;
  /** The topic pushes by itself (logs) instead of on an interval. */
  pushOnly?: boolean;
}

/**
 * The subscribers of one topic at one interval. Each tick reads the source once and builds one
 * event, whose bytes are shared by every subscriber. A bounded ring of recent events lets SSE
 * clients resume with `Last-Event-ID`.
 */
export class Channel {
  readonly subscribers = new Set<Subscriber>();
  private readonly ring: LiveEvent[] = [];
  /** Highest event id dropped from the ring: a client that saw less than this missed something. */
  private droppedUpTo = 0;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(
    readonly topic: string,
    readonly intervalMs: number,
    private readonly hub: Hub,
    private readonly producer: TopicProducer,
  ) {}

  add(subscriber: Subscriber): void {
    this.subscribers.add(subscriber);
    if (!this.timer && !this.producer.pushOnly) {
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      this.timer.unref();
    }
  }

  delete(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) this.stop();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  publish(event: LiveEvent): void {
    this.ring.push(event);
    if (this.ring.length > this.hub.replaySize) this.droppedUpTo = this.ring.shift()!.id;
    for (const subscriber of this.subscribers) {
      try {
        subscriber.deliver(event);
      } catch (error) {
        this.hub.onError(error);
      }
    }
  }

  /**
   * Events after `lastId`; undefined when some were already dropped from the ring, or when the id
   * was never issued (a client of an earlier server process).
   */
  since(lastId: number): LiveEvent[] | undefined {
    if (lastId < this.droppedUpTo || lastId > this.hub.lastIssued) return undefined;
    return this.ring.filter((event) => event.id > lastId);
  }

  private async tick(): Promise<void> {
    // A slow source (a status check past its interval) skips ticks instead of piling them up.
    if (this.ticking) return;
    this.ticking = true;
    try {
      this.publish(await this.producer.current(this.hub.nextId()));
    } catch (error) {
      this.hub.onError(error);
    } finally {
      this.ticking = false;
    }
  }
}

/** All channels of all topics, and the one event id counter they share (ids grow across topics). */
export class Hub {
  private lastId = 0;
  private readonly channels = new Map<string, Channel>();

  constructor(
    readonly producers: ReadonlyMap<string, TopicProducer>,
    readonly replaySize: number,
    readonly onError: (error: unknown) => void,
  ) {}

  get lastIssued(): number {
    return this.lastId;
  }

  nextId(): number {
    return ++this.lastId;
  }

  has(topic: string): boolean {
    return this.producers.has(topic);
  }

  /** The channel of a topic at an interval (the topic's default when undefined), created on demand. */
  channel(topic: string, intervalMs?: number): Channel {
    const producer = this.producers.get(topic);
    if (!producer) throw new Error(`live feed: topic "${topic}" has no source`);
    const interval = producer.pushOnly ? 0 : (intervalMs ?? producer.defaultIntervalMs);
    const key = `${topic}@${interval}`;
    let channel = this.channels.get(key);
    if (!channel) {
      channel = new Channel(topic, interval, this, producer);
      this.channels.set(key, channel);
    }
    return channel;
  }

  /** Releases a channel with no subscribers, except a topic's default one (it keeps the replay ring). */
  release(channel: Channel): void {
    const producer = this.producers.get(channel.topic)!;
    const isDefault = producer.pushOnly || channel.intervalMs === producer.defaultIntervalMs;
    if (channel.subscribers.size === 0 && !isDefault)
      this.channels.delete(`${channel.topic}@${channel.intervalMs}`);
  }

  /** Pushes one event to every channel of a topic (a status level change, a batch of log lines). */
  publish(topic: string, make: (id: number) => LiveEvent): void {
    let event: LiveEvent | undefined;
    for (const channel of this.channels.values()) {
      if (channel.topic !== topic) continue;
      event ??= make(this.nextId());
      channel.publish(event);
    }
  }

  subscriberCount(topic: string): number {
    let count = 0;
    for (const channel of this.channels.values())
      if (channel.topic === topic) count += channel.subscribers.size;
    return count;
  }

  async current(topic: string): Promise<LiveEvent> {
    return this.producers.get(topic)!.current(this.nextId());
  }

  close(): void {
    for (const channel of this.channels.values()) channel.stop();
    this.channels.clear();
  }
}
