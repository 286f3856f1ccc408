/**
 * Which history a `--history` names: a `postgres://` URL is the PostgreSQL store (fleet-capable),
 * anything else a SQLite file. Both drivers are loaded only here, only when used.
 */
import type { Logger } from '../client/log.js';
import type { HistoryStore } from './history-store.js';
import { isPostgresUrl } from './postgres/connection.js';

export interface OpenHistoryOptions {
  log: Logger;
  forReading?: boolean;
  bufferLimit?: number;
  idleTransactionMs?: number;
}

export async function openHistory(spec: string, options: OpenHistoryOptions): Promise<HistoryStore> {
  if (isPostgresUrl(spec)) {
    const { PgHistoryStore } = await import('./postgres/store.js');
    return PgHistoryStore.open(spec, options);
  }
  const { SqliteHistoryStore } = await import('./store.js');
  return options.forReading ? SqliteHistoryStore.openForReading(spec) : SqliteHistoryStore.open(spec);
}

export { isPostgresUrl };
