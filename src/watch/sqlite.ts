/**
 * better-sqlite3, loaded only when a history file is used. It is an optional dependency (a native
 * addon built at install time): where it could not be built, everything else still works and the
 * history options say which package is missing.
 */
import { createRequire } from 'node:module';

export interface RunResult {
  changes: number;
}

/** The part of better-sqlite3's API the history store uses. */
export interface Statement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

export interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(text: string, options?: { simple?: boolean }): unknown;
  transaction<F extends (...args: never[]) => unknown>(fn: F): F;
  close(): void;
}

export interface OpenOptions {
  readonly?: boolean;
  fileMustExist?: boolean;
}

type DatabaseConstructor = new (file: string, options?: OpenOptions) => Database;

export class HistoryUnavailableError extends Error {
  override name = 'HistoryUnavailableError';
}

let loaded: DatabaseConstructor | undefined;

export function openDatabase(file: string, options: OpenOptions = {}): Database {
  loaded ??= loadDriver();
  try {
    return new loaded(file, options);
  } catch (error) {
    throw new HistoryUnavailableError(`cannot open history ${file}: ${(error as Error).message}`);
  }
}

function loadDriver(): DatabaseConstructor {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;
  } catch (error) {
    throw new HistoryUnavailableError(
      `history needs the package better-sqlite3 (npm install better-sqlite3): ${(error as Error).message.split('\n')[0]}`,
    );
  }
}
