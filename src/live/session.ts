import type { Disclosure, Principal } from '../access/types.js';
import { getAtPath, PathSyntaxError, parsePath } from '../tree/paths.js';
import { parseDuration } from '../util/duration.js';
import type { CallerLimit } from './caller-limit.js';
import type { LiveEvent } from './event.js';
import type { History } from './history.js';
import type { Channel, Hub, Subscriber } from './hub.js';
import type { LiveConfig } from './options.js';
import {
  type Command,
  formatError,
  HELP,
  isTopic,
  LiveError,
  parseCommand,
  TOPICS,
  type Topic,
} from './protocol.js';
import { TokenBucket } from './rate.js';
import type { SendBudget } from './send-budget.js';
import type { TopicSources } from './sources.js';
import type { StatusWatch } from './status-watch.js';

/** What a session needs of the feed. */
export interface FeedContext {
  config: LiveConfig;
  hub: Hub;
  watch: StatusWatch;
  sources: TopicSources;
  /** The server-side history, unless the feed was made with `history: false`. */
  history: History | undefined;
  budget: SendBudget;
  /** The caller's rate limit, when the feed has a `rateLimiter`. */
  callerLimit: CallerLimit | undefined;
  /** Connects and commands refused by a rate limit. */
  refused: { connects: number; commands: number };
  join(topic: Topic, intervalMs: number | undefined, subscriber: Subscriber): Channel;
  leave(channel: Channel, subscriber: Subscriber): void;
}

/** The transport side of a session: how replies and pushes reach the peer. */
export interface SessionTransport {
  sendText(text: string): void;
  sendEvent(event: LiveEvent, disclosure: Disclosure): void;
  close(code: number, reason: string): void;
  /**
   * Undefined when a reply can be sent now; else a promise settled once the peer has read its
   * backlog (or is gone): no command is executed whose reply could not be sent.
   */
  whenWritable(): Promise<void> | undefined;
  readonly remoteAddress?: string;
}

/** Who the upgrade request's own credentials named. */
export interface Preauthorized {
  disclosure: Disclosure;
  principal: Principal | undefined;
}

/**
 * Refused commands in a row (per-connection rate or the caller's limit) after which the connection
 * is closed (1008): a client that far past its limit ignores the `retryAfter` it was given.
 */
export const MAX_REFUSED_IN_ROW = 100;

/**
 * One client's conversation over the text protocol: authentication state, command rate and
 * subscriptions. Commands run one at a time in arrival order (an `auth` that awaits a JWKS fetch
 * is answered before the command sent right after it).
 */
export class Session implements Subscriber {
  disclosure: Disclosure;
  private authenticated: boolean;
  private authFailures = 0;
  private authTimer: NodeJS.Timeout | undefined;
  /** Names the caller for the rate limiter; undefined until authenticated (limited by address). */
  private principal: Principal | undefined;
  private refusedInRow = 0;
  private readonly bucket: TokenBucket;
  private readonly subscriptions = new Map<Topic, Channel>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly feed: FeedContext,
    private readonly transport: SessionTransport,
    /** Set when the upgrade request itself carried accepted credentials (Basic, Digest, API key header). */
    preauthorized?: Preauthorized,
  ) {
    const { config } = feed;
    this.authenticated = !config.requireAuth || preauthorized !== undefined;
    this.disclosure = preauthorized?.disclosure ?? config.openDisclosure;
    this.principal = preauthorized?.principal;
    this.bucket = new TokenBucket(config.commandRate.perSecond, config.commandRate.burst);
    if (!this.authenticated) {
      this.authTimer = setTimeout(() => this.authTimedOut(), config.authTimeoutMs);
      this.authTimer.unref();
    }
  }

  receive(text: string): void {
    if (this.closed) return;
    if (!this.bucket.take()) {
      this.refuse(
        new LiveError('rate_limited', 'too many commands; slow down', this.bucket.secondsUntilNext()),
      );
      return;
    }
    this.queue = this.queue.then(() => this.run(parseCommand(text)));
  }

  deliver(event: LiveEvent): void {
    if (!this.closed) this.transport.sendEvent(event, this.disclosure);
  }

  /** Leaves every channel; the transport calls it once the connection is gone. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.authTimer);
    for (const channel of this.subscriptions.values()) this.feed.leave(channel, this);
    this.subscriptions.clear();
  }

  private async run(command: Command): Promise<void> {
    await this.transport.whenWritable();
    if (this.closed || !(await this.spend())) return;
    this.refusedInRow = 0;
    try {
      const reply = await this.execute(command);
      if (reply !== undefined && !this.closed) this.transport.sendText(reply);
    } catch (error) {
      if (error instanceof LiveError) this.replyError(error);
      else {
        this.feed.config.onError(error);
        this.replyError(new LiveError('internal_error', `command "${command.name}" failed`));
      }
    }
  }

  private async execute(command: Command): Promise<string | undefined> {
    if (command.name === 'auth') return this.auth(command.rest);
    if (!this.authenticated)
      throw new LiveError('unauthenticated', 'not authenticated: send "auth <credential>" first');
    switch (command.name) {
      case 'ping':
        return 'pong';
      case 'help':
        return JSON.stringify(HELP);
      case 'sysinfo':
        return JSON.stringify(this.read('sysinfo'));
      case 'status':
        return this.feed.watch.documentJson(await this.feed.watch.poll(), this.disclosure);
      case 'get':
        return this.get(command.rest);
      case 'subscribe':
        return this.subscribe(command.args);
      case 'unsubscribe':
        return this.unsubscribe(command.args[0]);
      case 'history':
        return this.history(command.args);
      case '':
        throw new LiveError('empty_command', 'empty message; send "help" for the commands');
      default:
        throw new LiveError('unknown_command', `unknown command "${command.name.slice(0, 50)}"; send "help"`);
    }
  }

  /** One unit of the caller's rate limit; false (and an error reply) when refused. */
  private async spend(): Promise<boolean> {
    const limit = this.feed.callerLimit;
    if (!limit) return true;
    const decision = await limit.spend(this.transport.remoteAddress, this.principal);
    if (decision.allowed) return true;
    if (!this.closed) this.refuse(limit.commandError(decision));
    return false;
  }

  /** Answers a refused command; a client that keeps going far past its limit is closed. */
  private refuse(error: LiveError): void {
    this.feed.refused.commands += 1;
    this.refusedInRow += 1;
    this.replyError(error);
    if (this.refusedInRow >= MAX_REFUSED_IN_ROW) {
      this.transport.close(1008, 'rate limit exceeded');
      this.end();
    }
  }

  private async auth(credential: string): Promise<string> {
    const authenticate = this.feed.config.authenticate;
    if (!authenticate) return 'ok';
    if (credential === '') throw new LiveError('bad_request', 'auth needs a credential: "auth <credential>"');
    const result = await authenticate(credential, this.transport.remoteAddress);
    if (result.ok) {
      this.authenticated = true;
      this.disclosure = result.disclosure;
      this.principal = result.principal;
      clearTimeout(this.authTimer);
      return 'ok';
    }
    this.authFailures += 1;
    const error = new LiveError('unauthorized', result.message || 'authentication failed');
    if (this.authFailures >= this.feed.config.maxAuthFailures) {
      this.replyError(error);
      this.transport.close(1008, 'too many failed authentications');
      this.end();
      return '';
    }
    throw error;
  }

  private read(topic: keyof TopicSources): unknown {
    this.requireDetails(topic);
    const source = this.feed.sources[topic];
    if (!source) throw new LiveError('unavailable', `${topic} is not available on this server`);
    return source();
  }

  private async get(pathText: string): Promise<string> {
    if (pathText === '') throw new LiveError('bad_request', 'get needs a path: "get a.b.c"');
    let segments: ReturnType<typeof parsePath>;
    try {
      segments = parsePath(pathText);
    } catch (error) {
      if (error instanceof PathSyntaxError) throw new LiveError('bad_path', error.message);
      throw error;
    }
    const document = this.feed.watch.document(await this.feed.watch.poll(), this.disclosure);
    const found = getAtPath(document, segments);
    if (!found.found) throw new LiveError('not_found', `path "${pathText.slice(0, 200)}" not found`);
    return JSON.stringify(found.value) ?? 'null';
  }

  private async subscribe(args: string[]): Promise<string | undefined> {
    const [topic, intervalText] = args;
    if (!topic || !isTopic(topic))
      throw new LiveError(
        'unknown_topic',
        `unknown topic "${String(topic).slice(0, 50)}"; topics: ${TOPICS.join(', ')}`,
      );
    // The history's pushes are cut per tier (transitions only for summaries), like the status.
    if (topic !== 'status' && topic !== 'history') this.requireDetails(topic);
    if (!this.feed.hub.has(topic))
      throw new LiveError('unavailable', `topic ${topic} is not available on this server`);
    const intervalMs = intervalText === undefined ? undefined : this.interval(intervalText);
    const previous = this.subscriptions.get(topic);
    if (previous) this.feed.leave(previous, this);
    const channel = this.feed.join(topic, intervalMs, this);
    this.subscriptions.set(topic, channel);
    this.transport.sendText(JSON.stringify({ subscribed: topic, interval: channel.intervalMs }));
    // The current state at once, so a client never waits a whole interval for its first data.
    const current = await this.feed.hub.current(topic);
    if (this.subscriptions.get(topic) === channel) this.deliver(current);
    return undefined;
  }

  /**
   * `history <topics> [since]`: one reply served from the rings. It obeys the send caps like any
   * reply; one that could not reach the client under them is refused instead of being cut off.
   */
  private history(args: string[]): string {
    const history = this.feed.history;
    if (!history) throw new LiveError('unavailable', 'this server keeps no history');
    const answer = history.window(history.request(args, this.disclosure), this.disclosure);
    const limit = this.feed.config.maxBufferedBytes;
    if (answer.length > limit)
      throw new LiveError(
        'too_large',
        `the answer would be ${answer.length} bytes, more than this connection may hold (${limit}); ask for fewer topics or a shorter range`,
      );
    return answer;
  }

  private unsubscribe(topic: string | undefined): string {
    const channel = topic && isTopic(topic) ? this.subscriptions.get(topic) : undefined;
    if (!channel) throw new LiveError('not_subscribed', `not subscribed to "${String(topic).slice(0, 50)}"`);
    this.feed.leave(channel, this);
    this.subscriptions.delete(topic as Topic);
    return JSON.stringify({ unsubscribed: topic });
  }

  private interval(text: string): number {
    let ms: number;
    try {
      // On the wire a bare number is milliseconds (seed 003's clients send `subscribe cpu 500`).
      ms = parseDuration(/^\d+$/.test(text) ? Number(text) : text, 'interval');
    } catch (error) {
      throw new LiveError('bad_interval', (error as Error).message);
    }
    const { minIntervalMs } = this.feed.config;
    if (ms < minIntervalMs || ms > 3_600_000)
      throw new LiveError('bad_interval', `interval must be between ${minIntervalMs} ms and 1 h`);
    return ms;
  }

  private requireDetails(topic: string): void {
    if (!this.disclosure.details) throw new LiveError('forbidden', `${topic} is not visible to this caller`);
  }

  private replyError(error: LiveError): void {
    if (!this.closed) this.transport.sendText(formatError(error, this.feed.config.plainTextErrors));
  }

  private authTimedOut(): void {
    if (this.authenticated || this.closed) return;
    this.replyError(new LiveError('auth_timeout', 'authentication timed out'));
    this.transport.close(1008, 'authentication timeout');
    this.end();
  }
}
