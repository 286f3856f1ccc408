/**
 * The PostgreSQL connection of a fleet history: `pg` loaded lazily (an optional peer, like the
 * postgres check's), the URL shown without its password, the schema chosen by `?schema=` (default
 * `statuskit`), and a clear error when the database cannot be reached or refuses us.
 */
import { createRequire } from 'node:module';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import { HistoryUnavailableError } from '../sqlite.js';

export const DEFAULT_SCHEMA = 'statuskit';

export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/** The URL with its password masked: what every message about the database names. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

export interface PgTarget {
  /** The connection string without statuskit's own parameters. */
  connectionString: string;
  schema: string;
  shown: string;
}

export function parsePgUrl(url: string): PgTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HistoryUnavailableError(`not a database URL: ${safeUrl(url)}`);
  }
  const schema = parsed.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new HistoryUnavailableError(
      `${safeUrl(url)}: schema must be a lower-case SQL name, got "${schema}"`,
    );
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema, shown: safeUrl(url) };
}

type PgModule = { Pool: new (config: PoolConfig) => Pool };
let loaded: PgModule | undefined;

function loadPg(): PgModule {
  if (loaded) return loaded;
  try {
    const module = createRequire(import.meta.url)('pg') as PgModule & { default?: PgModule };
    loaded = module.default ?? module;
    return loaded;
  } catch (error) {
    throw new HistoryUnavailableError(
      `a postgres:// history needs the package pg (npm install pg): ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/** How long the server lets a transaction sit idle before it ends the session (default). */
export const DEFAULT_IDLE_TRANSACTION_MS = 5000;

/**
 * A pool whose every connection works in the history's schema; idle errors are the caller's to log.
 * A member paused in the middle of a transaction (SIGSTOP, a VM freeze) would hold its row locks and
 * block the member taking over: the server ends such a session after `idleTransactionMs`.
 */
export function createPool(
  target: PgTarget,
  onIdleError: (error: Error) => void,
  max = 4,
  idleTransactionMs = DEFAULT_IDLE_TRANSACTION_MS,
): Pool {
  const { Pool: PoolClass } = loadPg();
  const pool = new PoolClass({
    connectionString: target.connectionString,
    max,
    connectionTimeoutMillis: 5000,
    // The schema as the search path: the SQL below names tables bare.
    options: `-c search_path=${target.schema} -c idle_in_transaction_session_timeout=${Math.round(idleTransactionMs)}`,
  });
  pool.on('error', onIdleError);
  return pool;
}

/** The first connection, with the reason it failed said plainly (no password in it). */
export async function connectOrExplain(pool: Pool, target: PgTarget): Promise<PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    await pool.end().catch(() => {});
    const err = error as Error & { code?: string };
    const why = err.code === 'ECONNREFUSED' ? 'connection refused' : err.message || err.code || String(err);
    throw new HistoryUnavailableError(`cannot connect to history database ${target.shown}: ${why}`);
  }
}
