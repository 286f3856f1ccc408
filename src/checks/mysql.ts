import type { CheckOutcome } from '../model/index.js';
import { deadline, elapsedMs, onAbort, untilAborted } from './abort.js';
import { type ClosableCheck, closable, quietly } from './closable.js';
import { lazyPeer, type ModuleLoader } from './peer.js';

/** A mysql2 pool (callback API). A `mysql2/promise` pool is accepted too: its `.pool` is used. */
export interface MysqlPoolLike {
  getConnection(callback: (error: Error | null, connection: MysqlConnectionLike) => void): void;
}

export interface MysqlConnectionLike {
  query(sql: string, callback: (error: Error | null, rows: unknown) => void): unknown;
  release(): void;
  destroy(): void;
}

export interface MysqlCheckOptions {
  /** The app's own pool (`mysql2` or `mysql2/promise`): reused, never closed by the check. */
  pool?: MysqlPoolLike | { pool: MysqlPoolLike };
  uri?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** Connections in the check's own pool; default 1. */
  poolSize?: number;
  /** The check's own limit; also the own pool's connect timeout (default 10 000 ms). */
  timeoutMs?: number;
  loader?: ModuleLoader;
}

interface Mysql2Module {
  createPool(
    config: Record<string, unknown> | string,
  ): MysqlPoolLike & { end(callback?: (error?: Error) => void): void };
}

/** Internal counters of mysql2's pool; read defensively, they are not a public API. */
interface PoolInternals {
  _allConnections?: { length: number; get?(i: number): MysqlConnectionLike };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

const QUERY = 'SELECT 1 AS ok, VERSION() AS version';

/** `SELECT 1` plus the server version and the pool's counters (MySQL and MariaDB). Reading: query ms. */
export function mysqlCheck(options: MysqlCheckOptions): ClosableCheck {
  const loadMysql = lazyPeer<Mysql2Module>('mysql2', 'mysql', options.loader);
  const given = options.pool && 'pool' in options.pool ? options.pool.pool : options.pool;
  const own = given ? undefined : ownPool(options, loadMysql);
  const check = async (ctx: { signal: AbortSignal }): Promise<CheckOutcome> => {
    const run = deadline(ctx.signal, options.timeoutMs);
    try {
      const pool = given ?? (await own!.get());
      const detachConnectAbort = own ? onAbort(run.signal, own.discard) : () => {};
      const connection = await untilAborted(acquire(pool), run.signal, (late) => late.release()).finally(
        detachConnectAbort,
      );
      const detach = onAbort(run.signal, () => connection.destroy());
      const start = performance.now();
      let rows: unknown;
      try {
        rows = await untilAborted(query(connection, QUERY), run.signal);
      } catch (error) {
        detach();
        if (!run.signal.aborted) connection.destroy();
        throw error;
      }
      detach();
      connection.release();
      const ms = elapsedMs(start);
      const version = Array.isArray(rows)
        ? (rows[0] as { version?: string } | undefined)?.version
        : undefined;
      return {
        level: 'ok',
        fields: { connected: true, version, pool: poolStats(pool as PoolInternals) },
        observedValue: ms,
        observedUnit: 'ms',
      };
    } finally {
      run.dispose();
    }
  };
  return closable(check, async () => own?.close());
}

function acquire(pool: MysqlPoolLike): Promise<MysqlConnectionLike> {
  return new Promise((resolve, reject) => {
    pool.getConnection((error, connection) => (error ? reject(error) : resolve(connection)));
  });
}

function query(connection: MysqlConnectionLike, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    connection.query(sql, (error, rows) => (error ? reject(error) : resolve(rows)));
  });
}

function poolStats(pool: PoolInternals) {
  const total = pool._allConnections?.length;
  const idle = pool._freeConnections?.length;
  if (total === undefined || idle === undefined) return undefined;
  return { total, idle, waiting: pool._connectionQueue?.length ?? 0 };
}

/**
 * The check's own pool, created on first use. mysql2 cannot cancel a pending connect, so on abort the
 * whole own pool is discarded (every connection destroyed) and a fresh one is made on the next run.
 */
function ownPool(options: MysqlCheckOptions, loadMysql: () => Promise<Mysql2Module>) {
  let pool: ReturnType<Mysql2Module['createPool']> | undefined;
  const destroyAll = (target: NonNullable<typeof pool>) => {
    const all = (target as PoolInternals)._allConnections;
    const connections: MysqlConnectionLike[] = [];
    for (let i = 0; all?.get && i < all.length; i++) connections.push(all.get(i));
    for (const connection of connections) quietly(() => connection.destroy());
    quietly(() => target.end(() => {}));
  };
  return {
    async get() {
      if (pool) return pool;
      const mysql = await loadMysql();
      const base = {
        connectionLimit: options.poolSize ?? 1,
        maxIdle: options.poolSize ?? 1,
        idleTimeout: 30_000,
        connectTimeout: options.timeoutMs ?? 10_000,
      };
      const connection = options.uri
        ? { uri: options.uri }
        : { host: options.host, port: options.port, user: options.user, password: options.password };
      pool = mysql.createPool({
        ...base,
        ...connection,
        ...(options.database ? { database: options.database } : {}),
      });
      return pool;
    },
    discard() {
      if (pool) destroyAll(pool);
      pool = undefined;
    },
    async close() {
      const closing = pool;
      pool = undefined;
      if (closing) await new Promise<void>((resolve) => closing.end(() => resolve()));
    },
  };
}
