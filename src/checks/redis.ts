import type { CheckFunction, CheckOutcome } from '../model/index.js';
import { deadline, elapsedMs, onAbort, untilAborted } from './abort.js';
import { quietly } from './closable.js';
import { lazyPeer, type ModuleLoader } from './peer.js';

/** The parts of an ioredis client the check uses. */
export interface RedisClientLike {
  ping(): Promise<string>;
  info(): Promise<string>;
}

interface OwnRedisClient extends RedisClientLike {
  connect(): Promise<void>;
  disconnect(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface RedisCheckOptions {
  /** The app's own ioredis client: reused, never closed. */
  client?: RedisClientLike;
  /** Otherwise a short-lived connection per run: `redis://[:password@]host:port/db`. */
  url?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  db?: number;
  timeoutMs?: number;
  loader?: ModuleLoader;
}

interface IoredisModule {
  Redis: new (...args: unknown[]) => OwnRedisClient;
}

/**
 * PING, then INFO for version, memory, clients and role. With the app's client, ioredis may queue the
 * PING while it is offline (and wait for a reconnect forever); the check does not wait with it — it
 * gives up at the signal and the queued command is left to ioredis.
 */
export function redisCheck(options: RedisCheckOptions): CheckFunction {
  const loadRedis = lazyPeer<IoredisModule>('ioredis', 'redis', options.loader);
  return async (ctx): Promise<CheckOutcome> => {
    const run = deadline(ctx.signal, options.timeoutMs);
    let own: OwnRedisClient | undefined;
    try {
      if (!options.client) {
        own = await openOwnClient(options, await loadRedis());
        const detach = onAbort(run.signal, () => own?.disconnect());
        await untilAborted(own.connect(), run.signal).finally(detach);
      }
      const client = options.client ?? own!;
      const start = performance.now();
      await untilAborted(client.ping(), run.signal);
      const ms = elapsedMs(start);
      const info = parseInfo(await untilAborted(client.info(), run.signal));
      return {
        level: 'ok',
        fields: {
          connected: true,
          version: info.redis_version ?? info.valkey_version,
          role: info.role,
          usedMemory: numberOr(info.used_memory),
          usedMemoryHuman: info.used_memory_human,
          connectedClients: numberOr(info.connected_clients),
        },
        observedValue: ms,
        observedUnit: 'ms',
      };
    } finally {
      if (own) quietly(() => own?.disconnect());
      run.dispose();
    }
  };
}

async function openOwnClient(options: RedisCheckOptions, ioredis: IoredisModule): Promise<OwnRedisClient> {
  const settings = {
    host: options.host,
    port: options.port,
    username: options.username,
    password: options.password,
    db: options.db,
    lazyConnect: true,
    connectTimeout: options.timeoutMs ?? 10_000,
    // One attempt per run: the check reports the failure, the next run tries again.
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  };
  const client = options.url ? new ioredis.Redis(options.url, settings) : new ioredis.Redis(settings);
  client.on('error', () => {}); // reported through the failed command instead; unhandled it is logged
  return client;
}

/** `INFO` text -> key/value map. */
export function parseInfo(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) result[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return result;
}

function numberOr(text: string | undefined): number | undefined {
  const value = Number(text);
  return text === undefined || Number.isNaN(value) ? undefined : value;
}
