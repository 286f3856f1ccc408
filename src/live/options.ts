import type { Access } from '../access/access-control.js';
import type { AccessControl, Disclosure, Principal } from '../access/types.js';
import { FULL_DISCLOSURE, SUMMARY_DISCLOSURE } from '../access/types.js';
import type { StatusHost } from '../host.js';
import type { RateLimiter } from '../limits/limiter.js';
import type { EnvelopeOptions } from '../render/envelope.js';
import { type Duration, optionalDuration } from '../util/duration.js';
import type { History, HistoryOptions } from './history.js';
import type { LogSink } from './log-sink.js';
import type { Topic } from './protocol.js';
import type { SourceInputs } from './sources.js';

/** `principal` names the caller for the rate limiter; without it the connection is limited by address. */
export type AuthResult =
  | { ok: true; disclosure: Disclosure; principal?: Principal }
  | { ok: false; message: string };

/** Checks the credential of an `auth <credential>` message (a JWT, an API key, ...). */
export interface CredentialAuthenticator {
  authenticate(credential: string, remoteAddress?: string): AuthResult | Promise<AuthResult>;
}

export interface LiveFeedOptions extends SourceInputs {
  status: StatusHost;
  /** Lines for the `logs` topic. */
  logs?: LogSink;
  /**
   * Who may use the WebSocket feed: a `CredentialAuthenticator`, or an `Access` from
   * `createAccess()` (its `authenticateCredential`). Default: the status endpoint's access control
   * when it accepts bare credentials; otherwise no authentication.
   */
  auth?: CredentialAuthenticator | Pick<Access, 'authenticateCredential'> | false;
  /** Whether commands wait for `auth` (default true when there is an authenticator). */
  requireAuth?: boolean;
  /** Decides SSE requests (default: the status endpoint's access control; none = full disclosure). */
  access?: AccessControl | false;
  /** Default `/api/health/ws` (seed 003). `false` disables the WebSocket feed. */
  wsPath?: string | false;
  /** Default `/status/stream`. `false` disables SSE. */
  ssePath?: string | false;
  /** A connection that has not authenticated by then is closed. Default 10 s. */
  authTimeout?: Duration;
  /** Failed `auth` attempts before a connection is closed. Default 3. */
  maxAuthFailures?: number;
  /** WebSocket connections plus SSE streams. Default 1000. */
  maxConnections?: number;
  /** Larger messages close the connection with 1009. Default 4096 bytes. */
  maxMessageBytes?: number;
  /** Commands per second per connection, with a burst allowance. Default 20/s, burst 40. */
  commandRate?: { perSecond: number; burst?: number };
  /** Ping every interval; a peer that has not answered the previous ping is terminated. Default 30 s. */
  heartbeatInterval?: Duration;
  /**
   * Unsent bytes one connection may hold (every send counts: replies, errors, pushes, pongs). A
   * WebSocket past it is closed with 1013, an SSE stream is ended. Default 1 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * Unsent bytes all connections together may hold; past it the connections holding the most are
   * dropped first until the total is back under it. Default 32 MiB.
   */
  maxTotalBufferedBytes?: number;
  /**
   * The caller's rate limit (the one guarding `/status`): an SSE connect, a WebSocket upgrade and
   * every WebSocket command spend one unit of the caller's budget.
   */
  rateLimiter?: RateLimiter;
  /** Browser origins allowed (exact `scheme://host[:port]`, or `*`). Requests without Origin pass. */
  allowedOrigins?: readonly string[];
  /** Errors as bare text (seed 003) instead of `{"error","message"}`. */
  plainTextErrors?: boolean;
  /** Default push interval per topic (`status` also pushes on every level change). */
  intervals?: Partial<Record<Topic, Duration>>;
  /** How often the status tree is polled for level changes while someone listens. Default 1 s. */
  statusPollInterval?: Duration;
  /** Shortest interval a client may ask for in `subscribe`. Default 100 ms. */
  minInterval?: Duration;
  /** Events kept per topic for SSE resumption. Default 100. */
  replaySize?: number;
  /**
   * The server-side history behind `history <topics> [since]`, the `history` topic and its SSE
   * replay: sizes and pace (see docs/live.md), a `History` made earlier by `createHistory()` (so it
   * records from the process's start), or `false` for none. Default: one with the default sizes.
   */
  history?: HistoryOptions | History | false;
  /**
   * WebSocket pushes are framed once per broadcast and the same bytes written to every socket
   * (default true); false sends through `ws.send` per socket.
   */
  preframe?: boolean;
  onError?: (error: unknown) => void;
}

export interface LiveConfig {
  wsPath: string | false;
  ssePath: string | false;
  authenticate: CredentialAuthenticator['authenticate'] | undefined;
  requireAuth: boolean;
  access: AccessControl | undefined;
  authTimeoutMs: number;
  maxAuthFailures: number;
  maxConnections: number;
  maxMessageBytes: number;
  commandRate: { perSecond: number; burst: number };
  heartbeatMs: number;
  maxBufferedBytes: number;
  maxTotalBufferedBytes: number;
  /** A WebSocket holding more unsent bytes than this is not read until its buffer drains. */
  readPauseBytes: number;
  rateLimiter: RateLimiter | undefined;
  /** The status endpoint's error envelope, for rate-limit refusals shaped like `/status`'s. */
  envelope: EnvelopeOptions | undefined;
  allowedOrigins: ReadonlySet<string> | undefined;
  plainTextErrors: boolean;
  intervals: Record<Topic, number>;
  statusPollMs: number;
  minIntervalMs: number;
  replaySize: number;
  preframe: boolean;
  /** What an unauthenticated connection sees when auth is not required. */
  openDisclosure: Disclosure;
  onError: (error: unknown) => void;
}

const DEFAULT_INTERVALS: Record<Topic, number> = {
  status: 10_000,
  sysinfo: 5_000,
  cpu: 1_000,
  network: 1_000,
  requests: 1_000,
  logs: 0,
  metrics: 5_000,
  history: 0,
};

export function resolveConfig(options: LiveFeedOptions): LiveConfig {
  if (!options || typeof options.status?.snapshot !== 'function')
    throw new TypeError('createLiveFeed: `status` (a StatusKit from createStatus()) is required');
  const endpointAccess = options.status.access;
  const authenticate = authenticatorOf(options.auth, endpointAccess);
  const minIntervalMs = optionalDuration(options.minInterval, 100, 'minInterval');
  const intervals = { ...DEFAULT_INTERVALS };
  for (const [topic, value] of Object.entries(options.intervals ?? {})) {
    if (!(topic in intervals)) throw new TypeError(`createLiveFeed: intervals.${topic} is not a topic`);
    intervals[topic as Topic] = Math.max(minIntervalMs, optionalDuration(value, 0, `intervals.${topic}`));
  }
  const rate = options.commandRate ?? { perSecond: 20 };
  const maxBufferedBytes = positive(options.maxBufferedBytes, 1024 * 1024, 'maxBufferedBytes');
  return {
    wsPath: path(options.wsPath, '/api/health/ws', 'wsPath'),
    ssePath: path(options.ssePath, '/status/stream', 'ssePath'),
    authenticate,
    requireAuth: options.requireAuth ?? authenticate !== undefined,
    access: options.access === false ? undefined : (options.access ?? endpointAccess),
    authTimeoutMs: optionalDuration(options.authTimeout, 10_000, 'authTimeout'),
    maxAuthFailures: positive(options.maxAuthFailures, 3, 'maxAuthFailures'),
    maxConnections: positive(options.maxConnections, 1000, 'maxConnections'),
    maxMessageBytes: positive(options.maxMessageBytes, 4096, 'maxMessageBytes'),
    commandRate: {
      perSecond: positive(rate.perSecond, 20, 'commandRate.perSecond'),
      burst: positive(rate.burst, rate.perSecond * 2, 'commandRate.burst'),
    },
    heartbeatMs: optionalDuration(options.heartbeatInterval, 30_000, 'heartbeatInterval'),
    maxBufferedBytes,
    maxTotalBufferedBytes: positive(options.maxTotalBufferedBytes, 32 * 1024 * 1024, 'maxTotalBufferedBytes'),
    readPauseBytes: Math.min(READ_PAUSE_BYTES, Math.floor(maxBufferedBytes / 2)),
    rateLimiter: rateLimiterOf(options.rateLimiter),
    envelope: options.status.envelope,
    allowedOrigins: options.allowedOrigins ? new Set(options.allowedOrigins) : undefined,
    plainTextErrors: options.plainTextErrors === true,
    intervals,
    statusPollMs: optionalDuration(options.statusPollInterval, 1_000, 'statusPollInterval'),
    minIntervalMs,
    replaySize: positive(options.replaySize, 100, 'replaySize'),
    preframe: options.preframe !== false,
    openDisclosure: authenticate ? SUMMARY_DISCLOSURE : FULL_DISCLOSURE,
    onError: options.onError ?? (() => {}),
  };
}

/**
 * Replies to commands stop being produced once this much is unsent: far more than a client that
 * reads ever has queued, little enough that one that stopped reading costs nothing more.
 */
const READ_PAUSE_BYTES = 64 * 1024;

function rateLimiterOf(limiter: RateLimiter | undefined): RateLimiter | undefined {
  if (limiter === undefined) return undefined;
  if (typeof limiter?.consume !== 'function' || typeof limiter.subjectOf !== 'function')
    throw new TypeError('createLiveFeed: `rateLimiter` must be a RateLimiter from createRateLimiter()');
  return limiter;
}

function authenticatorOf(
  auth: LiveFeedOptions['auth'],
  endpointAccess: AccessControl | undefined,
): CredentialAuthenticator['authenticate'] | undefined {
  if (auth === false) return undefined;
  const source = auth ?? (endpointAccess as Partial<Access> | undefined);
  if (!source) return undefined;
  if ('authenticate' in source && typeof source.authenticate === 'function') {
    return (credential, address) => (source as CredentialAuthenticator).authenticate(credential, address);
  }
  if ('authenticateCredential' in source && typeof source.authenticateCredential === 'function') {
    const access = source as Pick<Access, 'authenticateCredential'>;
    return async (credential, address) => {
      const result = await access.authenticateCredential(credential, address);
      return result.ok
        ? { ok: true, disclosure: result.disclosure, principal: result.principal }
        : { ok: false, message: result.error };
    };
  }
  if (auth) throw new TypeError('createLiveFeed: `auth` needs authenticate() or authenticateCredential()');
  return undefined;
}

function path(value: string | false | undefined, fallback: string, name: string): string | false {
  if (value === false) return false;
  const chosen = value ?? fallback;
  if (typeof chosen !== 'string' || !chosen.startsWith('/'))
    throw new TypeError(`createLiveFeed: ${name} must start with "/", got ${String(chosen)}`);
  return chosen;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const chosen = value ?? fallback;
  if (typeof chosen !== 'number' || !Number.isFinite(chosen) || chosen <= 0)
    throw new RangeError(`createLiveFeed: ${name} must be a positive number, got ${String(value)}`);
  return chosen;
}
