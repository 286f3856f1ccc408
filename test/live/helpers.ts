import { createServer, get as httpGet, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { createStatus, type StatusKit, type StatusOptions } from '../../src/index.js';
import { createLiveFeed, type LiveFeed, type LiveFeedOptions } from '../../src/live/index.js';

export interface Served {
  status: StatusKit;
  feed: LiveFeed;
  server: Server;
  port: number;
  wsUrl: string;
  httpUrl: string;
  stop(): Promise<void>;
}

/** A status + live feed on the app's own node:http server (the way a service mounts it). */
export async function serveFeed(
  declare: (status: StatusKit) => void,
  feedOptions: Omit<LiveFeedOptions, 'status'> = {},
  statusOptions: StatusOptions = {},
): Promise<Served> {
  const status = createStatus(statusOptions);
  declare(status);
  const feed = createLiveFeed({ status, ...feedOptions });
  const server = createServer(feed.nodeListener(status.nodeListener()));
  feed.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    status,
    feed,
    server,
    port,
    wsUrl: `ws://127.0.0.1:${port}/api/health/ws`,
    httpUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      await feed.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await status.close();
    },
  };
}

/** A real `ws` client that queues what it receives, so tests read a transcript in order. */
export class Client {
  readonly ws: WebSocket;
  private readonly inbox: string[] = [];
  private waiting: ((text: string) => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(url: string, options?: ConstructorParameters<typeof WebSocket>[2]) {
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (data) => {
      const text = String(data);
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve(text);
      } else this.inbox.push(text);
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  static async open(url: string, options?: ConstructorParameters<typeof WebSocket>[2]): Promise<Client> {
    const client = new Client(url, options);
    await client.opened;
    return client;
  }

  send(text: string): void {
    this.ws.send(text);
  }

  next(timeoutMs = 5000): Promise<string> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within timeout')), timeoutMs);
      this.waiting = (text) => {
        clearTimeout(timer);
        resolve(text);
      };
    });
  }

  async ask(command: string): Promise<string> {
    this.send(command);
    return this.next();
  }

  async askJson(command: string): Promise<any> {
    return JSON.parse(await this.ask(command));
  }

  /** Sends a command and returns its reply, skipping pushes already on the way (subscribed topics). */
  async reply(command: string): Promise<string> {
    this.send(command);
    for (;;) {
      const text = await this.next();
      if (!isPush(text)) return text;
    }
  }

  /** The next push of a topic, skipping other messages. */
  async nextPush(topic: string, timeoutMs = 5000): Promise<{ topic: string; id: number; data: any }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.next(Math.max(1, deadline - Date.now()));
      const message = JSON.parse(text);
      if (message?.topic === topic && 'id' in message) return message;
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** A real SSE client over node:http, parsing the stream into events. */
export class SseClient {
  readonly events: SseEvent[] = [];
  response!: IncomingMessage;
  private buffer = '';
  private received = '';
  private ended!: Promise<void>;
  private readonly waiters = new Set<() => void>();
  private request!: ReturnType<typeof httpGet>;

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      client.request = httpGet(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        client.response = res;
        client.ended = new Promise((done) => res.once('end', done));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('error', () => {});
        resolve(client);
      });
      client.request.on('error', reject);
    });
  }

  /** Waits until at least `count` events have arrived. */
  waitFor(count: number, timeoutMs = 5000): Promise<SseEvent[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.events.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.events);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`only ${this.events.length} of ${count} SSE events`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** The whole response body, once it has ended (for refusals, which are not streams). */
  async body(): Promise<string> {
    await this.ended;
    return this.received;
  }

  close(): void {
    this.request.destroy();
  }

  private feed(chunk: string): void {
    this.received += chunk;
    this.buffer += chunk;
    let end = this.buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { data: '' };
      let hasData = false;
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue;
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') {
          event.data += value;
          hasData = true;
        }
      }
      if (hasData) this.events.push(event);
      end = this.buffer.indexOf('\n\n');
    }
    for (const check of this.waiters) check();
  }
}

/**
 * Resolves once `condition()` holds — a state of the server, such as a connection count after a
 * close — looking again every few milliseconds; fails after `timeoutMs`.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function isPush(text: string): boolean {
  try {
    const message = JSON.parse(text);
    return typeof message?.topic === 'string' && 'id' in message;
  } catch {
    return false;
  }
}
