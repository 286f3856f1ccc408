import { connectRedis, quitRedis } from '../util/redis-client.js';
import { withTimeout } from '../util/timeout.js';
import { type GcraOutcome, gcra, type RatePolicy } from './gcra.js';
import type { LimitStore } from './store.js';

/** The part of an ioredis client the store uses (ioredis 5 and 6). */
export interface RedisClientLike {
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  ping(): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
}

export interface RedisStoreOptions {
  /** An ioredis client. Prefer `enableOfflineQueue: false` so a down Redis fails fast. */
  client?: RedisClientLike;
  /** Or a URL (`redis://127.0.0.1:6379/0`): the store creates (and closes) its own ioredis client. */
  url?: string;
  /** Prefix of every key; give each service (or test run) its own. Default `statuskit:rl:`. */
  prefix?: string;
  /**
   * Whose clock decides: `server` (Redis `TIME`, default) keeps instances with skewed clocks on one
   * schedule; `client` uses the limiter's clock (injectable, for tests).
   */
  time?: 'server' | 'client';
  /** A decision that takes longer fails (and the limiter's failure policy applies). Default 250 ms. */
  timeoutMs?: number;
}

// One round trip: read the TAT, decide, store the new TAT with an expiry at which the budget is
// full again (so idle keys vanish by themselves). Returns the TAT it read and the time it used; the
// client recomputes the same pure decision for the numbers it reports. Numbers travel as strings
// because Redis truncates Lua numbers to integers.
const GCRA_LUA = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local interval = window / limit
local tat = tonumber(redis.call('GET', KEYS[1])) or 0
local base = math.max(tat, now)
local nxt = base + cost * interval
local ahead = nxt - now
if ahead > window + 1e-6 then
  return {0, string.format('%.3f', tat), string.format('%.3f', now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', nxt), 'PX', math.max(1, math.ceil(ahead)))
return {1, string.format('%.3f', tat), string.format('%.3f', now)}
`;

const COMMAND = 'statuskitGcra';

/**
 * Rate-limit state in Redis, shared by every instance of a service: one atomic script call
 * (EVALSHA; ioredis falls back to EVAL once when the script cache is empty) per decision.
 */
export class RedisStore implements LimitStore {
  readonly kind = 'redis';
  readonly prefix: string;
  private readonly client: RedisClientLike;
  private readonly ownsClient: boolean;
  private readonly serverTime: boolean;
  private readonly timeoutMs: number;

  constructor(client: RedisClientLike, options: RedisStoreOptions = {}, ownsClient = false) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.prefix = options.prefix ?? 'statuskit:rl:';
    this.serverTime = (options.time ?? 'server') === 'server';
    this.timeoutMs = options.timeoutMs ?? 250;
    if (!(this.timeoutMs > 0)) throw new RangeError('redisStore: `timeoutMs` must be positive');
    client.defineCommand(COMMAND, { numberOfKeys: 1, lua: GCRA_LUA });
  }

  async consume(key: string, policy: RatePolicy, now: number, cost: number): Promise<GcraOutcome> {
    const run = (this.client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[COMMAND];
    const reply = await this.withTimeout(
      run.call(
        this.client,
        `${this.prefix}${policy.name}:${key}`,
        policy.limit,
        policy.windowMs,
        cost,
        this.serverTime ? '' : now,
      ) as Promise<[number, string, string]>,
    );
    const [allowed, tat, usedNow] = reply;
    const outcome = gcra(Number(tat), Number(usedNow), policy, cost);
    // The script decided; the recomputation only supplies remaining/reset. They agree by construction.
    outcome.allowed = allowed === 1;
    return outcome;
  }

  async ping(): Promise<void> {
    await this.withTimeout(this.client.ping());
  }

  async close(): Promise<void> {
    if (this.ownsClient) await quitRedis(this.client);
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    return withTimeout(promise, this.timeoutMs, 'redis');
  }
}

/**
 * A Redis store. With `url`, ioredis is loaded lazily (it is an optional dependency) and configured
 * to fail fast while Redis is away (src/util/redis-client.ts), so decisions recover by themselves
 * when Redis returns.
 */
export async function redisStore(options: RedisStoreOptions): Promise<RedisStore> {
  if (options.client) return new RedisStore(options.client, options);
  if (typeof options.url !== 'string') throw new TypeError('redisStore: give `client` or `url`');
  const client = await connectRedis<RedisClientLike>(options.url, 'redisStore');
  return new RedisStore(client, options, true);
}
