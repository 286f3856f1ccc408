import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Disclosure, FULL_DISCLOSURE, type Principal } from '../access/types.js';
import { fromIncoming, writeResponse } from '../http/adapters/node.js';
import { paramsOf, pathnameOf } from '../http/context.js';
import type { StatusResponse } from '../http/types.js';
import { DEFAULT_RANGE, historyWindowEvent, TRANSITIONS } from './history.js';
import type { Channel, Subscriber } from './hub.js';
import { originAllowed } from './origin.js';
import { isTopic, TOPICS, type Topic } from './protocol.js';
import type { FeedContext } from './session.js';
import { SseStream } from './sse-stream.js';
import type { Capacity } from './ws-front.js';

const RETRY_MS = 3000;

/**
 * Server-Sent Events for the feed's topics: `GET <ssePath>?topics=status,cpu`. Every event has an
 * `event:` (the topic) and an `id:`; a client reconnecting with `Last-Event-ID` (or
 * `?lastEventId=`) gets the events it missed, or the current state when they are gone.
 */
export class SseFront {
  private readonly streams = new Set<SseStream>();
  private readonly keepAlive: NodeJS.Timeout | undefined;

  constructor(
    private readonly feed: FeedContext,
    private readonly capacity: Capacity,
  ) {
    if (feed.config.heartbeatMs > 0) {
      // A comment line keeps proxies from timing the stream out, and surfaces dead peers as write errors.
      this.keepAlive = setInterval(() => {
        for (const stream of this.streams) stream.keepAlive();
      }, feed.config.heartbeatMs);
      this.keepAlive.unref();
    }
  }

  get size(): number {
    return this.streams.size;
  }

  /** Serves the request when it is for the SSE path; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const { ssePath } = this.feed.config;
    if (!ssePath || pathnameOf(req.url) !== ssePath) return false;
    this.serve(req, res).catch((error) => {
      this.feed.config.onError(error);
      if (!res.headersSent) refuse(res, 500, 'internal_error', 'internal error');
      else res.destroy();
    });
    return true;
  }

  close(): void {
    clearInterval(this.keepAlive);
    for (const stream of this.streams) stream.end();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { config } = this.feed;
    if (req.method !== 'GET') return refuse(res, 405, 'method_not_allowed', 'use GET');
    if (!originAllowed(req, config.allowedOrigins))
      return refuse(res, 403, 'forbidden', 'origin not allowed');
    const decision = config.access ? await config.access.authorize(fromIncoming(req)) : undefined;
    // Spent before the access refusal, as `/status` does: a refused caller is limited by address.
    const principal = decision?.allowed ? decision.principal : undefined;
    const limited = await this.spend(req, principal);
    if (limited) return writeResponse(res, limited);
    if (decision && !decision.allowed) return writeResponse(res, decision.response);
    const disclosure = decision?.disclosure ?? FULL_DISCLOSURE;
    const query = paramsOf({ url: req.url ?? '/' });
    const topics = parseTopics(query.get('topics'));
    if (typeof topics === 'string') return refuse(res, 400, 'bad_request', topics);
    for (const topic of topics) {
      if (!this.feed.hub.has(topic)) return refuse(res, 404, 'not_found', `topic ${topic} is not available`);
      if (topic !== 'status' && topic !== 'history' && !disclosure.details)
        return refuse(res, 403, 'forbidden', `${topic} is not visible to this caller`);
    }
    const range = this.historyRange(query.get('history'), disclosure);
    if (typeof range !== 'string') return refuse(res, 400, 'bad_request', range.message);
    if (!this.capacity.tryAcquire()) return refuse(res, 503, 'unavailable', 'too many connections');

    const headers: Record<string, string> = {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    };
    if (req.headers.origin && config.allowedOrigins)
      headers['access-control-allow-origin'] = req.headers.origin;
    res.writeHead(200, headers);
    res.write(`retry: ${RETRY_MS}\n\n`);

    const stream = new SseStream(res, disclosure, this.feed.budget);
    const channels: Channel[] = topics.map((topic) => this.feed.join(topic, undefined, stream));
    this.streams.add(stream);
    res.on('error', () => {});
    res.once('close', () => {
      this.streams.delete(stream);
      for (const channel of channels) this.feed.leave(channel, stream);
      this.capacity.release();
    });
    const lastId = Number(req.headers['last-event-id'] ?? query.get('lastEventId') ?? Number.NaN);
    for (const channel of channels) await this.catchUp(channel, lastId, stream, range);
  }

  /** `?history=1h` (or epoch ms): how far back the `history` topic replays on connect. */
  private historyRange(text: string | null, disclosure: Disclosure): string | { message: string } {
    const history = this.feed.history;
    if (text === null || text === '' || !history) return DEFAULT_RANGE;
    try {
      history.request([TRANSITIONS, text], disclosure);
      return text;
    } catch (error) {
      return { message: `history: ${(error as Error).message}` };
    }
  }

  /** One unit of the caller's rate limit for the connect; the refusal to answer when refused. */
  private async spend(
    req: IncomingMessage,
    principal: Principal | undefined,
  ): Promise<StatusResponse | undefined> {
    const limit = this.feed.callerLimit;
    if (!limit) return undefined;
    const decision = await limit.spend(req.socket.remoteAddress, principal);
    if (decision.allowed) return undefined;
    this.feed.refused.connects += 1;
    return limit.response(decision);
  }

  /**
   * Missed events when they are all still in the ring; the current state otherwise (for `history`:
   * the window of the range asked for).
   */
  private async catchUp(
    channel: Channel,
    lastId: number,
    subscriber: Subscriber,
    range: string,
  ): Promise<void> {
    const missed = Number.isInteger(lastId) ? channel.since(lastId) : undefined;
    // Nothing missed: a log stream is up to date; a state topic still gets its current state.
    const pushOnly = this.feed.hub.producers.get(channel.topic)?.pushOnly === true;
    if (missed && (missed.length > 0 || pushOnly)) {
      for (const event of missed) subscriber.deliver(event);
      return;
    }
    const history = this.feed.history;
    if (channel.topic === 'history' && history) {
      subscriber.deliver(historyWindowEvent(history, this.feed.hub.nextId(), range));
      return;
    }
    subscriber.deliver(await this.feed.hub.current(channel.topic));
  }
}

function parseTopics(text: string | null): Topic[] | string {
  if (text === null || text === '') return ['status'];
  const topics = [...new Set(text.split(',').map((t) => t.trim()))];
  const unknown = topics.find((t) => !isTopic(t));
  if (unknown !== undefined) return `unknown topic "${unknown.slice(0, 50)}"; topics: ${TOPICS.join(', ')}`;
  return topics as Topic[];
}

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  const response: StatusResponse = {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify({ error: code, message }),
  };
  writeResponse(res, response);
}
