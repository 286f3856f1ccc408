/**
 * Push targets, a dead man's switch (Healthchecks' model): a job calls `POST /push/<token>` on the
 * watcher's `--serve` each time it runs; no ping within `period + grace` is critical.
 *
 * - A ping may say how the run went: `?status=fail&message=…`, or a JSON body `{ "status": "fail",
 *   "message": "…" }` (any built-in status word); without one, a ping is ok. A JSON body is also
 *   the answer the target's rules read (`body.rows > 0`).
 * - Tokens are compared in constant time, over their SHA-256 digests (all of the same length),
 *   against every push target: the answer's timing says nothing about how much of a token matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BodyError } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import type { Route } from '../http/handler.js';
import { json } from '../http/responses.js';
import type { StatusResponse } from '../http/types.js';
import type { Level } from '../model/levels.js';
import { parseWord } from '../model/vocabulary.js';
import { formatSpan } from './table.js';
import type { WatchTarget } from './target.js';

/** The grace of a push target that does not set one is a tenth of its period, at least this. */
export const MIN_GRACE_MS = 60_000;
/** Where pings go, under the watcher's `--serve`. */
export const PUSH_PATH = '/push/';

const MAX_MESSAGE = 500;

export interface Ping {
  at: number;
  level: Level;
  message?: string;
  /** The JSON body the job sent, as text (the rules' `body`). */
  body?: string;
}

interface Entry {
  digest: Buffer;
  token: string;
  ping?: Ping;
}

export class PushBoard {
  private entries = new Map<string, Entry>();
  /** When the board started waiting for each target's first ping. */
  private readonly since = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The push targets of a (re)load; a target whose token is unchanged keeps its last ping. */
  configure(targets: readonly WatchTarget[]): void {
    const next = new Map<string, Entry>();
    for (const target of targets) {
      if (target.source.kind !== 'push') continue;
      const { token } = target.source;
      const old = this.entries.get(target.name);
      next.set(target.name, old?.token === token ? old : { digest: digestOf(token), token });
      if (!this.since.has(target.name) || old?.token !== token) this.since.set(target.name, this.now());
    }
    this.entries = next;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The target a token belongs to: every digest is compared, so the time taken is the same. */
  find(token: string): string | undefined {
    const digest = digestOf(token);
    let found: string | undefined;
    for (const [name, entry] of this.entries) {
      if (timingSafeEqual(entry.digest, digest)) found = name;
    }
    return found;
  }

  record(name: string, ping: Ping): void {
    const entry = this.entries.get(name);
    if (entry) entry.ping = ping;
  }

  /** A ping read back from the history at start, unless a newer one arrived. */
  restore(name: string, ping: Ping): void {
    const entry = this.entries.get(name);
    if (entry && (entry.ping === undefined || entry.ping.at < ping.at)) entry.ping = ping;
  }

  last(name: string): Ping | undefined {
    return this.entries.get(name)?.ping;
  }

  waitingSince(name: string): number {
    return this.since.get(name) ?? this.now();
  }
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export interface PushVerdict {
  level: Level;
  message?: string;
  ping?: Ping;
  /** Age of the last ping, ms. */
  ageMs?: number;
}

/** How a push target is now: pure in the board's state and the time. */
export function pushVerdict(target: WatchTarget, board: PushBoard, now: number): PushVerdict {
  if (target.source.kind !== 'push') throw new Error(`${target.name} is not a push target`);
  const { periodMs, graceMs } = target.source;
  const due = periodMs + graceMs;
  const expected = `expected every ${formatSpan(periodMs)}, grace ${formatSpan(graceMs)}`;
  const ping = board.last(target.name);
  if (!ping) {
    const waited = now - board.waitingSince(target.name);
    if (waited <= due) return { level: 'unknown', message: `waiting for the first ping (${expected})` };
    return {
      level: 'critical',
      message: `no ping in ${formatSpan(waited)} since the watcher started (${expected})`,
    };
  }
  const ageMs = Math.max(0, now - ping.at);
  if (ageMs > due)
    return { level: 'critical', message: `no ping for ${formatSpan(ageMs)} (${expected})`, ping, ageMs };
  return { level: ping.level, ...(ping.message ? { message: ping.message } : {}), ping, ageMs };
}

/**
 * `POST /push/<token>`: 200 `{ "ok": true, "target": NAME }`; 404 for a token no target has, 405
 * for another method, 400 for a status word nobody knows or a body that is not JSON, 413 above
 * 16 KiB. `onPing` is told of each accepted ping (the watcher judges the target at once).
 */
export function pushRoute(
  board: PushBoard,
  onPing: (name: string) => void,
  now: () => number = Date.now,
): Route {
  const refuse = (status: number, code: string, message: string) =>
    json(status, { error: code, message }, false);
  return async (context: RequestContext): Promise<StatusResponse | undefined> => {
    if (!context.pathname.startsWith(PUSH_PATH) || board.size === 0) return undefined;
    if (context.method.toUpperCase() !== 'POST') {
      const response = refuse(405, 'method_not_allowed', 'push with POST');
      response.headers.allow = 'POST';
      return response;
    }
    const token = context.pathname.slice(PUSH_PATH.length);
    const name = token === '' || token.includes('/') ? undefined : board.find(safeDecode(token));
    if (name === undefined) return refuse(404, 'not_found', 'no push target has this token');
    let ping: Ping;
    try {
      ping = pingOf(context, await context.readBody?.(), now());
    } catch (error) {
      if (error instanceof BodyError) return refuse(error.status, 'bad_request', error.message);
      throw error;
    }
    board.record(name, ping);
    onPing(name);
    return json(200, { ok: true, target: name, level: ping.level }, false);
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The ping's status and message, from the query or a JSON body (the query wins). */
function pingOf(context: RequestContext, raw: unknown, at: number): Ping {
  const text = bodyText(raw);
  let fromBody: Record<string, unknown> = {};
  if (text !== undefined && text.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BodyError('the body is not JSON');
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      fromBody = parsed as Record<string, unknown>;
  }
  const status = context.params.get('status') ?? fromBody.status;
  const message = context.params.get('message') ?? fromBody.message;
  let level: Level = 'ok';
  if (status !== undefined && status !== null) {
    const word = typeof status === 'boolean' ? (status ? 'ok' : 'critical') : String(status);
    const read = parseWord(word);
    if (read === undefined)
      throw new BodyError(`unknown status word ${JSON.stringify(word.slice(0, 40))}; use ok, fail, …`);
    level = read;
  }
  if (message !== undefined && typeof message !== 'string') throw new BodyError('`message` must be text');
  return {
    at,
    level,
    ...(typeof message === 'string' && message !== '' ? { message: message.slice(0, MAX_MESSAGE) } : {}),
    ...(text !== undefined && text.trim() !== '' ? { body: text } : {}),
  };
}

function bodyText(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
  return JSON.stringify(raw);
}
