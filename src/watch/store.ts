/**
 * The watch history in one SQLite file: every sample, every transition, and each target's debounce
 * state (so a restart carries on). WAL mode lets `statuskit watch history` read while a watcher
 * writes. Times are epoch milliseconds.
 */
import { isLevel, type Level } from '../model/levels.js';
import { availability, type LevelSample } from './availability.js';
import type {
  DayAvailability,
  HistoryStore,
  Pruned,
  ResponseTime,
  Sample,
  StoredTarget,
  TransitionRecord,
} from './history-store.js';
import {
  type ChangeRecord,
  hasRuleValues,
  insertChanges,
  lastValues,
  migrateRuleHistory,
  RULES_SCHEMA_VERSION,
  type RuleSample,
  readChanges,
  readRuleSamples,
  valuesText,
} from './rule-history.js';
import { type Database, HistoryUnavailableError, openDatabase, type Statement } from './sqlite.js';
import type { TargetState, Transition } from './transitions.js';

export type { Pruned, Sample, StoredTarget, TransitionRecord } from './history-store.js';

const DAY_MS = 86_400_000;

/** Version 2 adds the rules' values and changes (rule-history.ts). */
const SCHEMA_VERSION = RULES_SCHEMA_VERSION;
/** Histories this version reads (a version-1 file simply has no rule values). */
const READABLE_VERSIONS = new Set([1, RULES_SCHEMA_VERSION]);

const SCHEMA = `
CREATE TABLE IF NOT EXISTS samples (
  time INTEGER NOT NULL,
  target TEXT NOT NULL,
  level TEXT NOT NULL,
  word TEXT,
  http_code INTEGER,
  duration_ms INTEGER NOT NULL,
  message TEXT,
  interval_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS samples_by_target ON samples (target, time);
CREATE INDEX IF NOT EXISTS samples_by_time ON samples (time);
CREATE TABLE IF NOT EXISTS transitions (
  time INTEGER NOT NULL,
  target TEXT NOT NULL,
  url TEXT NOT NULL,
  from_level TEXT,
  to_level TEXT NOT NULL,
  word TEXT,
  http_code INTEGER,
  message TEXT
);
CREATE INDEX IF NOT EXISTS transitions_by_target ON transitions (target, time);
CREATE INDEX IF NOT EXISTS transitions_by_time ON transitions (time);
CREATE TABLE IF NOT EXISTS targets (
  name TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  level TEXT,
  since INTEGER,
  pending TEXT,
  streak INTEGER NOT NULL DEFAULT 0,
  last_time INTEGER
);
`;

interface SampleRow {
  time: number;
  level: string;
  interval_ms: number;
}

interface TransitionRow {
  time: number;
  target: string;
  url: string;
  from_level: string | null;
  to_level: string;
  word: string | null;
  http_code: number | null;
  message: string | null;
}

interface TargetRow {
  name: string;
  url: string;
  level: string | null;
  since: number | null;
  pending: string | null;
  streak: number;
  last_time: number | null;
}

/** The zero-setup history: one SQLite file, one watcher. Synchronous (better-sqlite3). */
export class SqliteHistoryStore implements HistoryStore {
  readonly kind = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();
  private closed = false;
  /** Built once: better-sqlite3 wraps the function in BEGIN / COMMIT (ROLLBACK on a throw). */
  private readonly recordAll: (
    sample: Sample,
    url: string,
    state: TargetState,
    transition?: Transition,
    changes?: readonly ChangeRecord[],
  ) => void;
  /** False for a version-1 history opened to read: it holds no rule values. */
  private readonly ruleValues: boolean;

  private constructor(
    private readonly db: Database,
    readonly file: string,
  ) {
    this.ruleValues = hasRuleValues(db);
    this.recordAll = db.transaction(
      (
        sample: Sample,
        url: string,
        state: TargetState,
        transition?: Transition,
        changes?: readonly ChangeRecord[],
      ) => {
        this.insert(sample, url, state, transition);
        if (changes && changes.length > 0) insertChanges((sql) => this.statement(sql), changes);
      },
    );
  }

  /** Opens (creating if needed) a history file for writing. */
  static open(file: string): SqliteHistoryStore {
    const db = openDatabase(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new HistoryUnavailableError(`${file} was written by a newer statuskit (schema ${version})`);
      }
      db.exec(SCHEMA);
      migrateRuleHistory(db);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    } catch (error) {
      db.close();
      if (error instanceof HistoryUnavailableError) throw error;
      throw new HistoryUnavailableError(`cannot use ${file} as a history: ${(error as Error).message}`);
    }
    return new SqliteHistoryStore(db, file);
  }

  /**
   * Opens an existing history to read it (a watcher may be writing it). Not `readonly`: a read-only
   * connection to a WAL database leaves its -wal and -shm files behind, while a normal one removes
   * them on close when it is the last; SQLite still falls back to read-only for a write-protected file.
   */
  static openForReading(file: string): SqliteHistoryStore {
    const db = openDatabase(file, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (!READABLE_VERSIONS.has(version)) {
        throw new HistoryUnavailableError(`${file} is not a statuskit watch history`);
      }
    } catch (error) {
      db.close();
      if (error instanceof HistoryUnavailableError) throw error;
      throw new HistoryUnavailableError(`cannot read ${file}: ${(error as Error).message}`);
    }
    return new SqliteHistoryStore(db, file);
  }

  /** The debounce state of every target seen before, by name. */
  loadStates(): Map<string, TargetState> {
    return new Map(this.targets().map((target) => [target.name, target.state]));
  }

  targets(): StoredTarget[] {
    const rows = this.statement('SELECT * FROM targets ORDER BY name').all() as TargetRow[];
    return rows.map((row) => ({
      name: row.name,
      url: row.url,
      state: {
        level: levelOrUndefined(row.level),
        since: row.since ?? undefined,
        pending: levelOrUndefined(row.pending),
        streak: row.streak,
      },
      lastTime: row.last_time ?? undefined,
    }));
  }

  /** A sample, the transition and value changes it caused (if any) and the target's new state, atomically. */
  record(
    sample: Sample,
    url: string,
    state: TargetState,
    transition?: Transition,
    changes?: readonly ChangeRecord[],
  ): void {
    if (!this.closed) this.recordAll(sample, url, state, transition, changes);
  }

  /** Value changes since `since`, oldest first (empty in a history written before rules). */
  changes(since: number, target?: string): ChangeRecord[] {
    return this.ruleValues ? readChanges((sql) => this.statement(sql), since, target) : [];
  }

  /** Samples with their rule values since `since`, in time order (for `watch replay`). */
  ruleSamples(since: number, target?: string): Iterable<RuleSample> {
    return this.ruleValues ? readRuleSamples((sql) => this.statement(sql), since, target) : [];
  }

  /** A target's last known rule values and last ping (a restart carries `changed()` and pushes on). */
  lastValues(target: string): ReturnType<typeof lastValues> {
    return this.ruleValues ? lastValues((sql) => this.statement(sql), target) : { known: new Map() };
  }

  private insert(sample: Sample, url: string, state: TargetState, transition?: Transition): void {
    this.statement(
      `INSERT INTO samples (time, target, level, word, http_code, duration_ms, message, interval_ms, rule_values)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      sample.time,
      sample.target,
      sample.level,
      sample.word ?? null,
      sample.httpCode ?? null,
      Math.round(sample.durationMs),
      sample.message ?? null,
      sample.intervalMs,
      valuesText(sample.values),
    );
    if (transition) {
      this.statement(
        `INSERT INTO transitions (time, target, url, from_level, to_level, word, http_code, message)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        transition.at,
        sample.target,
        url,
        transition.from ?? null,
        transition.to,
        sample.word ?? null,
        sample.httpCode ?? null,
        sample.message ?? null,
      );
    }
    this.statement(
      `INSERT INTO targets (name, url, level, since, pending, streak, last_time) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET url = excluded.url, level = excluded.level, since = excluded.since,
           pending = excluded.pending, streak = excluded.streak, last_time = excluded.last_time`,
    ).run(
      sample.target,
      url,
      state.level ?? null,
      state.since ?? null,
      state.pending ?? null,
      state.streak,
      sample.time,
    );
  }

  /** Deletes samples and transitions older than `cutoff`; each target's current state stays. */
  prune(cutoff: number): Pruned {
    if (this.closed) return { samples: 0, transitions: 0 };
    return this.db.transaction(() => ({
      samples: this.statement('DELETE FROM samples WHERE time < ?').run(cutoff).changes,
      transitions: this.statement('DELETE FROM transitions WHERE time < ?').run(cutoff).changes,
      ...(this.ruleValues
        ? { changes: this.statement('DELETE FROM changes WHERE time < ?').run(cutoff).changes }
        : {}),
    }))();
  }

  /** Transitions since `since`, oldest first, of one target or all. */
  transitions(since: number, target?: string): TransitionRecord[] {
    const rows = (
      target === undefined
        ? this.statement('SELECT * FROM transitions WHERE time >= ? ORDER BY time, rowid').all(since)
        : this.statement('SELECT * FROM transitions WHERE target = ? AND time >= ? ORDER BY time, rowid').all(
            target,
            since,
          )
    ) as TransitionRow[];
    return rows.map((row) => ({
      time: row.time,
      target: row.target,
      url: row.url,
      from: levelOrUndefined(row.from_level),
      to: levelOrUndefined(row.to_level) ?? 'unknown',
      word: row.word ?? undefined,
      httpCode: row.http_code ?? undefined,
      message: row.message ?? undefined,
    }));
  }

  /**
   * A target's samples from `start` on, preceded by the last one before it (which tells the level at
   * the window's start), streamed in time order for the availability computation.
   */
  *levelSamples(target: string, start: number): Generator<LevelSample> {
    const before = this.statement(
      'SELECT time, level, interval_ms FROM samples WHERE target = ? AND time < ? ORDER BY time DESC LIMIT 1',
    ).get(target, start) as SampleRow | undefined;
    if (before) yield toLevelSample(before);
    const rows = this.statement(
      'SELECT time, level, interval_ms FROM samples WHERE target = ? AND time >= ? ORDER BY time',
    ).iterate(target, start) as IterableIterator<SampleRow>;
    for (const row of rows) yield toLevelSample(row);
  }

  /**
   * Per-UTC-day availability from the raw samples (SQLite keeps no rollups: one watcher's file is
   * small enough to read). Days oldest first, today last.
   */
  dailyAvailability(target: string, days: number, now = Date.now()): DayAvailability[] {
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const first = today - (days - 1) * DAY_MS;
    const samples = [...this.levelSamples(target, first)];
    return Array.from({ length: days }, (_, i) => {
      const day = first + i * DAY_MS;
      const end = Math.min(day + DAY_MS, now);
      const inDay = samples.filter((s) => s.time >= day && s.time < end).length;
      const found = availability(samples, { start: day, end });
      return {
        day,
        byLevel: found.byLevel,
        gapMs: 0,
        samples: inDay,
        ...(found.ratio === undefined ? {} : { ratio: found.ratio }),
      };
    });
  }

  responseTimes(target: string, since: number): ResponseTime[] {
    const rows = this.statement(
      'SELECT time, duration_ms, level FROM samples WHERE target = ? AND time >= ? ORDER BY time',
    ).all(target, since) as { time: number; duration_ms: number; level: string }[];
    return rows.map((row) => ({
      time: row.time,
      durationMs: row.duration_ms,
      level: levelOrUndefined(row.level) ?? 'unknown',
    }));
  }

  /** Counts, for tests and the report. */
  count(table: 'samples' | 'transitions', target?: string): number {
    const row = (
      target === undefined
        ? this.statement(`SELECT count(*) AS n FROM ${table}`).get()
        : this.statement(`SELECT count(*) AS n FROM ${table} WHERE target = ?`).get(target)
    ) as { n: number };
    return row.n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function levelOrUndefined(value: string | null): Level | undefined {
  return isLevel(value) ? value : undefined;
}

function toLevelSample(row: SampleRow): LevelSample {
  return { time: row.time, level: levelOrUndefined(row.level) ?? 'unknown', intervalMs: row.interval_ms };
}
