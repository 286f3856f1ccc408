import type { CheckOutcome } from '../model/index.js';
import { abortReason, deadline, elapsedMs, onAbort, untilAborted } from './abort.js';
import { type ClosableCheck, closable, quietly } from './closable.js';
import { lazyPeer, type ModuleLoader } from './peer.js';

/** The parts of a `pg.Pool` the check uses (structural, so `pg` stays an optional dependency). */
export interface PgPoolLike {
  connect(): Promise<PgClientLike>;
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

export interface PgClientLike {
  query(sql: string): Promise<{ rows: Record<string, unknown>[] }>;
  /** `release(error)` destroys the connection instead of returning it to the pool. */
  release(error?: Error | boolean): void;
}

export interface PostgresCheckOptions {
  /** The app's own pool: reused, never closed by the check. */
  pool?: PgPoolLike;
  /** Otherwise the check keeps a small pool of its own, configured from these. */
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean | Record<string, unknown>;
  /** Connections in the check's own pool; default 1. */
  poolSize?: number;
  /** The check's own limit; also the own pool's connect timeout (default 10 000 ms). */
  timeoutMs?: number;
  /** For tests: how `pg` is imported. */
  loader?: ModuleLoader;
}

interface PgModule {
  Pool: new (
    config: Record<string, unknown>,
  ) => PgPoolLike & {
    end(): Promise<void>;
    on(event: 'error', listener: (error: Error) => void): unknown;
  };
  Client: new (config: Record<string, unknown>) => PgRawClient;
}

interface PgRawClient {
  connect(callback?: (error?: Error) => void): unknown;
  end(): Promise<void> | undefined;
  /** Not in pg's typings, but what pg-pool itself destroys on its connect timeout. */
  connection?: { stream?: { destroy(error?: Error): void } };
}

const QUERY = "SELECT 1 AS ok, current_setting('server_version') AS version";

/** `SELECT 1` plus the server version and the pool's counters. Reading: query round trip in ms. */
export function postgresCheck(options: PostgresCheckOptions): ClosableCheck {
  const loadPg = lazyPeer<PgModule>('pg', 'postgres', options.loader);
  const own = options.pool ? undefined : ownPool(options, loadPg);
  const check = async (ctx: { signal: AbortSignal }): Promise<CheckOutcome> => {
    const run = deadline(ctx.signal, options.timeoutMs);
    try {
      const pool = options.pool ?? (await own!.get());
      const detachConnectAbort = own ? onAbort(run.signal, own.abortConnecting) : () => {};
      const client = await untilAborted(pool.connect(), run.signal, (late) => late.release()).finally(
        detachConnectAbort,
      );
      // A query cannot be cancelled in place: on abort the connection is destroyed instead.
      const detach = onAbort(run.signal, () => client.release(abortReason(run.signal)));
      const start = performance.now();
      let result: { rows: Record<string, unknown>[] };
      try {
        result = await untilAborted(client.query(QUERY), run.signal);
      } catch (error) {
        detach();
        if (!run.signal.aborted) client.release(error instanceof Error ? error : true);
        throw error;
      }
      detach();
      client.release();
      const ms = elapsedMs(start);
      const poolStats = { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
      return {
        level: 'ok',
        fields: { connected: true, version: result.rows[0]?.version, pool: poolStats },
        observedValue: ms,
        observedUnit: 'ms',
      };
    } finally {
      run.dispose();
    }
  };
  return closable(check, async () => own?.close());
}

/**
 * The check's own pool, created on first use. Its clients are tracked while they connect, because a
 * pg pool cannot cancel a pending connect: on abort the check destroys their sockets itself, so a
 * server that accepts and never answers leaks nothing.
 */
function ownPool(options: PostgresCheckOptions, loadPg: () => Promise<PgModule>) {
  let pool: (PgPoolLike & { end(): Promise<void> }) | undefined;
  const connecting = new Set<PgRawClient>();
  return {
    async get() {
      if (pool) return pool;
      const pg = await loadPg();
      class TrackedClient extends pg.Client {
        override connect(callback?: (error?: Error) => void) {
          connecting.add(this);
          return super.connect((error?: Error) => {
            connecting.delete(this);
            callback?.(error);
          });
        }
      }
      const created = new pg.Pool({
        connectionString: options.connectionString,
        host: options.host,
        port: options.port,
        user: options.user,
        password: options.password,
        database: options.database,
        ssl: options.ssl,
        max: options.poolSize ?? 1,
        idleTimeoutMillis: 30_000,
        connectionTimeoutMillis: options.timeoutMs ?? 10_000,
        allowExitOnIdle: true,
        Client: TrackedClient,
      });
      // An idle connection that the server drops emits 'error' on the pool; unhandled, it would crash the app.
      created.on('error', () => {});
      pool = created;
      return created;
    },
    abortConnecting() {
      // client.end() would only half-close a socket the server never answers; destroy it, as pg-pool
      // does on its own connect timeout.
      for (const client of connecting) {
        const stream = client.connection?.stream;
        if (stream) stream.destroy(new Error('check aborted'));
        else quietly(() => client.end());
      }
      connecting.clear();
    },
    async close() {
      const closing = pool;
      pool = undefined;
      await closing?.end();
    },
  };
}
