import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import type { Snapshot } from '../tree/snapshot.js';
import { listenOn } from '../util/listen.js';
import { CallerLimit } from './caller-limit.js';
import { LiveEvent } from './event.js';
import {
  DEFAULT_RANGE,
  History,
  type HistorySample,
  type HistoryStats,
  historySampleEvent,
  historyWindowEvent,
} from './history.js';
import { type Channel, Hub, type Subscriber, type TopicProducer } from './hub.js';
import type { LogSink } from './log-sink.js';
import { type LiveConfig, type LiveFeedOptions, resolveConfig } from './options.js';
import type { Topic } from './protocol.js';
import { SendBudget } from './send-budget.js';
import type { FeedContext } from './session.js';
import { resolveSources, type TopicSources } from './sources.js';
import { SseFront } from './sse.js';
import { StatusWatch } from './status-watch.js';
import { type Capacity, WsFront } from './ws-front.js';

/** What the feed is doing, and what it refused or cut: for logs, dashboards and tests. */
export interface LiveStats {
  /** Open WebSocket connections plus SSE streams. */
  connections: number;
  websockets: number;
  streams: number;
  /** Bytes written to connections and not yet taken by their sockets (as last reported). */
  bufferedBytes: number;
  /** Connections closed for not reading: past `maxBufferedBytes` or stalled (WebSocket 1013). */
  slowClosed: number;
  /** Connections dropped because all together held more than `maxTotalBufferedBytes`. */
  budgetDropped: number;
  /** WebSocket peers terminated for not answering a heartbeat ping (nothing unsent: gone). */
  pingTimeouts: number;
  /** SSE connects and WebSocket upgrades refused by the caller's rate limit (429). */
  rateLimitedConnects: number;
  /** WebSocket commands refused by the caller's rate limit or the per-connection `commandRate`. */
  rateLimitedCommands: number;
  /** The history's size (absent with `history: false`). */
  history?: HistoryStats;
}

export interface LiveServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * The live feed: a WebSocket command API and Server-Sent Events over the same topics, sharing one
 * hub so each update is read and serialized once for all subscribers of every transport.
 */
export class LiveFeed {
  readonly config: LiveConfig;
  private readonly hub: Hub;
  private readonly watch: StatusWatch;
  private readonly ws: WsFront;
  private readonly sse: SseFront;
  private readonly context: FeedContext;
  private readonly detachers = new Set<() => void>();
  private readonly servers = new Set<Server>();
  private readonly unsubscribeLogs: (() => void) | undefined;
  private readonly history: History | undefined;
  /** Whether the history was made here (and so is stopped with the feed). */
  private readonly ownsHistory: boolean;
  private readonly unsubscribeHistory: (() => void) | undefined;
  private connections = 0;

  constructor(options: LiveFeedOptions) {
    this.config = resolveConfig(options);
    const status = options.status;
    const sources = resolveSources(options);
    this.ownsHistory = options.history !== false && !(options.history instanceof History);
    this.history = historyOf(options, this.config.onError);
    this.watch = new StatusWatch(
      status,
      this.config.statusPollMs,
      (snapshot) => this.hub.publish('status', (id) => this.statusEvent(snapshot, id)),
      this.config.onError,
      (snapshot) => this.history?.observe(snapshot),
    );
    this.hub = new Hub(this.producers(sources, options.logs), this.config.replaySize, this.config.onError);
    this.unsubscribeHistory = this.history?.onSample((sample) => this.pushSample(sample));
    if (options.logs) {
      const logs = options.logs;
      this.hub.channel('logs'); // exists from the start, so its replay ring covers lines before any client
      this.unsubscribeLogs = logs.subscribe((entries) =>
        this.hub.publish('logs', (id) => LiveEvent.shared('logs', id, entries)),
      );
    }
    this.context = {
      config: this.config,
      hub: this.hub,
      watch: this.watch,
      sources,
      history: this.history,
      budget: new SendBudget(this.config.maxBufferedBytes, this.config.maxTotalBufferedBytes),
      callerLimit: this.config.rateLimiter && new CallerLimit(this.config.rateLimiter, this.config.envelope),
      refused: { connects: 0, commands: 0 },
      join: (topic, intervalMs, subscriber) => this.join(topic, intervalMs, subscriber),
      leave: (channel, subscriber) => this.leave(channel, subscriber),
    };
    const capacity: Capacity = {
      tryAcquire: () => {
        if (this.connections >= this.config.maxConnections) return false;
        this.connections += 1;
        return true;
      },
      release: () => {
        this.connections -= 1;
      },
    };
    this.ws = new WsFront(this.context, capacity);
    this.sse = new SseFront(this.context, capacity);
  }

  /** Open WebSocket connections and SSE streams. */
  get connectionCount(): number {
    return this.connections;
  }

  stats(): LiveStats {
    const { budget, refused } = this.context;
    return {
      connections: this.connections,
      websockets: this.ws.size,
      streams: this.sse.size,
      bufferedBytes: budget.total,
      slowClosed: budget.slowClosed,
      budgetDropped: budget.budgetDropped,
      pingTimeouts: budget.pingTimeouts,
      rateLimitedConnects: refused.connects,
      rateLimitedCommands: refused.commands,
      ...(this.history ? { history: this.history.stats() } : {}),
    };
  }

  /** Serves the WebSocket feed on an existing server's `upgrade` event; returns a function that detaches it. */
  attach(server: Server): () => void {
    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.ws.handleUpgrade(request, socket, head)) return;
      // Other paths belong to the app's own WebSocket (or socket.io) server; when there is none,
      // answer rather than leave the socket hanging forever.
      if (server.listenerCount('upgrade') === 1) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
    };
    server.on('upgrade', onUpgrade);
    const detach = () => {
      server.off('upgrade', onUpgrade);
      this.detachers.delete(detach);
    };
    this.detachers.add(detach);
    return detach;
  }

  /** For servers whose `upgrade` is dispatched by the app: true when the feed took the request. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.ws.handleUpgrade(request, socket, head);
  }

  /** Serves the SSE path; true when it took the request. */
  handleSse(req: IncomingMessage, res: ServerResponse): boolean {
    return this.sse.handle(req, res);
  }

  /** A request listener serving SSE, passing everything else to `next` (404 without one). */
  nodeListener(next?: RequestListener): RequestListener {
    return (req, res) => {
      if (this.sse.handle(req, res)) return;
      if (next) return next(req, res);
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: 'not_found', message: 'no route' }));
    };
  }

  /** A standalone server: the feed plus, for other paths, `fallback` (e.g. `status.nodeListener()`). */
  async listen(
    options: { port?: number; host?: string; fallback?: RequestListener } = {},
  ): Promise<LiveServer> {
    const server = createServer(this.nodeListener(options.fallback));
    this.attach(server);
    const { port, url } = await listenOn(server, options.port ?? 0, options.host ?? '127.0.0.1');
    this.servers.add(server);
    return { server, port, url, close: () => this.closeServer(server) };
  }

  /** Closes every connection and stream, stops timers, detaches from servers and closes `listen()` ones. */
  async close(): Promise<void> {
    this.ws.close();
    this.sse.close();
    this.watch.stop();
    this.hub.close();
    this.unsubscribeLogs?.();
    this.unsubscribeHistory?.();
    if (this.ownsHistory) this.history?.stop();
    for (const detach of [...this.detachers]) detach();
    await Promise.all([...this.servers].map((server) => this.closeServer(server)));
  }

  private closeServer(server: Server): Promise<void> {
    if (!this.servers.delete(server)) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private join(topic: Topic, intervalMs: number | undefined, subscriber: Subscriber): Channel {
    const channel = this.hub.channel(topic, intervalMs);
    channel.add(subscriber);
    if (topic === 'status') this.watch.setActive(true);
    return channel;
  }

  private leave(channel: Channel, subscriber: Subscriber): void {
    channel.delete(subscriber);
    this.hub.release(channel);
    if (channel.topic === 'status' && this.hub.subscriberCount('status') === 0) this.watch.setActive(false);
  }

  private statusEvent(snapshot: Snapshot, id: number): LiveEvent {
    return new LiveEvent('status', id, (disclosure) => this.watch.documentJson(snapshot, disclosure), true);
  }

  /** A sample to `history` subscribers; nothing at all is built while there are none. */
  private pushSample(sample: HistorySample): void {
    const history = this.history!;
    if (this.hub.subscriberCount('history') === 0) return;
    this.hub.publish('history', (id) => historySampleEvent(history, sample, id));
  }

  private producers(sources: TopicSources, logs: LogSink | undefined): Map<string, TopicProducer> {
    const { intervals } = this.config;
    const producers = new Map<string, TopicProducer>();
    producers.set('status', {
      defaultIntervalMs: intervals.status,
      current: async (id) => this.statusEvent(await this.watch.poll(), id),
    });
    for (const [topic, read] of Object.entries(sources)) {
      producers.set(topic, {
        defaultIntervalMs: intervals[topic as Topic],
        current: (id) => LiveEvent.shared(topic, id, read()),
      });
    }
    const history = this.history;
    if (history) {
      producers.set('history', {
        defaultIntervalMs: 0,
        pushOnly: true,
        // What a new subscriber gets first: the default range of every chart and the transitions.
        current: (id) => historyWindowEvent(history, id, DEFAULT_RANGE),
      });
    }
    if (logs) {
      producers.set('logs', {
        defaultIntervalMs: 0,
        pushOnly: true,
        current: (id) => LiveEvent.shared('logs', id, logs.recent()),
      });
    }
    return producers;
  }
}

function historyOf(options: LiveFeedOptions, onError: (error: unknown) => void): History | undefined {
  const { history } = options;
  if (history === false) return undefined;
  if (history instanceof History) return history;
  const { status, vitals, requests, metrics, sources } = options;
  return new History({ onError, ...history, status, vitals, requests, metrics, sources }).start();
}

export function createLiveFeed(options: LiveFeedOptions): LiveFeed {
  return new LiveFeed(options);
}
