/**
 * The cluster's reports in Redis: one hash of reports and one sorted set of when each instance was
 * last heard from, both under one hash tag so a Redis Cluster keeps them in one slot. Publishing
 * and reading are one script call per interval (one write), timed by Redis' own clock.
 */
import { connectRedis, quitRedis } from '../util/redis-client.js';
import { withTimeout } from '../util/timeout.js';
import { parseReport } from './report.js';
import type { ClusterStore, StoreSettings } from './store.js';
import type { StoredReport } from './view.js';

/** The part of an ioredis client the store uses (ioredis 5 and 6). */
export interface ClusterRedisClient {
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  /** ioredis' connection state (`ready` once commands can be sent). */
  readonly status?: string;
  once?(event: 'ready', listener: () => void): unknown;
  off?(event: 'ready', listener: () => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}

export interface RedisClusterOptions {
  /** The app's ioredis client (prefer `enableOfflineQueue: false`, so a down Redis fails fast). */
  client?: ClusterRedisClient;
  /** Or a URL (`redis://127.0.0.1:6379/0`): the store opens and closes its own client. */
  url?: string;
  /** Prefix of the store's two keys. Default `statuskit:cluster:`. */
  prefix?: string;
}

/** Most instances one exchange returns (the most recently heard from). */
const MAX_INSTANCES = 1000;

// KEYS: reports hash, seen sorted set. ARGV: id ('' = read only), report JSON, forget ms, limit.
// Returns Redis' now, then id, last-seen time and report for each instance, newest first.
const EXCHANGE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local forget = tonumber(ARGV[3])
if ARGV[1] ~= '' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('ZADD', KEYS[2], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], forget)
  redis.call('PEXPIRE', KEYS[2], forget)
end
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - forget)
for _, id in ipairs(gone) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[1], id)
end
local seen = redis.call('ZREVRANGE', KEYS[2], 0, tonumber(ARGV[4]) - 1, 'WITHSCORES')
local out = { tostring(now) }
for i = 1, #seen, 2 do
  out[#out + 1] = seen[i]
  out[#out + 1] = seen[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[1], seen[i]) or ''
end
return out
`;

const COMMAND = 'statuskitClusterExchange';

export class RedisClusterStore implements ClusterStore {
  readonly kind = 'redis';
  readonly keys: readonly [reports: string, seen: string];

  constructor(
    private readonly client: ClusterRedisClient,
    private readonly settings: StoreSettings,
    prefix = 'statuskit:cluster:',
    private readonly ownsClient = false,
  ) {
    const base = `${prefix}{${settings.service}}`;
    this.keys = [`${base}:reports`, `${base}:seen`];
    client.defineCommand(COMMAND, { numberOfKeys: 2, lua: EXCHANGE_LUA });
  }

  async exchange(report: Parameters<ClusterStore['exchange']>[0]): Promise<StoredReport[]> {
    const client = this.client as unknown as Record<string, (...args: unknown[]) => Promise<string[]>>;
    const args = [
      ...this.keys,
      report?.id ?? '',
      report ? JSON.stringify(report) : '',
      this.settings.forgetMs,
      MAX_INSTANCES,
    ];
    const call = this.connected().then(() => client[COMMAND](...args));
    return readReply(await withTimeout(call, this.settings.timeoutMs, 'redis'));
  }

  /**
   * Resolves once the client can send: a client without an offline queue refuses commands while
   * it connects, and the first exchange usually comes right after it was opened.
   */
  private connected(): Promise<void> {
    const client = this.client;
    if (client.status === undefined || client.status === 'ready' || !client.once) return Promise.resolve();
    return new Promise((resolve) => {
      const ready = () => {
        clearTimeout(timer);
        resolve();
      };
      // Past the timeout the command runs and fails with the client's own reason.
      const timer = setTimeout(() => {
        client.off?.('ready', ready);
        resolve();
      }, this.settings.timeoutMs);
      client.once!('ready', ready);
    });
  }

  async close(): Promise<void> {
    if (this.ownsClient) await quitRedis(this.client);
  }
}

function readReply(reply: string[]): StoredReport[] {
  const now = Number(reply[0]);
  const stored: StoredReport[] = [];
  for (let i = 1; i + 2 < reply.length; i += 3) {
    // A last-seen time in the future (written by hand, or `+inf`) counts as now; none at all, as gone.
    const ageMs = Math.max(0, now - Number(reply[i + 1]));
    const report = Number.isFinite(ageMs) ? parseReport(reply[i + 2], reply[i]) : undefined;
    if (report) stored.push({ report, ageMs });
  }
  return stored;
}

/** A Redis store from an app's client or a URL (ioredis loaded on first use). */
export async function redisClusterStore(
  options: RedisClusterOptions,
  settings: StoreSettings,
): Promise<RedisClusterStore> {
  if (options.client) return new RedisClusterStore(options.client, settings, options.prefix);
  if (typeof options.url !== 'string') throw new TypeError('cluster.redis: give `client` or `url`');
  const client = await connectRedis<ClusterRedisClient>(options.url, 'cluster.redis');
  return new RedisClusterStore(client, settings, options.prefix, true);
}
