/**
 * What the rules add to the watch history, kept apart from the core tables so another store
 * (PostgreSQL) ports it as one piece:
 *
 * - `samples.rule_values`: a plain JSON column per sample: the base judgement before rules, the
 *   values the rules read (by their text), the failed rules with their explanations, why the
 *   sample is maintenance, a push target's last ping, whether its transition was muted;
 * - `changes`: one row per event rule that fired (`changed()`, `becomes()`), like a transition.
 *
 * Replay (replay.ts) runs other rules over these values; a restart reads the last ones back so
 * `changed()` and push deadlines carry on.
 */
import type { Level } from '../model/levels.js';
import type { ChangeRecord, RuleSample, SampleValues } from './history-store.js';
import type { Database, Statement } from './sqlite.js';

export const RULES_SCHEMA_VERSION = 2;

export type { ChangeRecord, RuleSample, SampleValues } from './history-store.js';

const CHANGES = `
CREATE TABLE IF NOT EXISTS changes (
  time INTEGER NOT NULL,
  target TEXT NOT NULL,
  url TEXT NOT NULL,
  rule TEXT NOT NULL,
  message TEXT NOT NULL,
  muted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS changes_by_target ON changes (target, time);
CREATE INDEX IF NOT EXISTS changes_by_time ON changes (time);
`;

/** Adds the rules' column and table to a history of schema 1 (idempotent). */
export function migrateRuleHistory(db: Database): void {
  if (!hasRuleValues(db)) db.exec('ALTER TABLE samples ADD COLUMN rule_values TEXT');
  db.exec(CHANGES);
}

/** A history written before rules has neither the column nor the table. */
export function hasRuleValues(db: Database): boolean {
  const columns = db.prepare('PRAGMA table_info(samples)').all() as { name: string }[];
  return columns.some((column) => column.name === 'rule_values');
}

type Prepare = (sql: string) => Statement;

export function valuesText(values: SampleValues | undefined): string | null {
  return values === undefined || Object.keys(values).length === 0 ? null : JSON.stringify(values);
}

export function insertChanges(prepare: Prepare, changes: readonly ChangeRecord[]): void {
  const insert = prepare(
    'INSERT INTO changes (time, target, url, rule, message, muted) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const change of changes) {
    insert.run(change.time, change.target, change.url, change.rule, change.message, change.muted ? 1 : 0);
  }
}

interface ChangeRow {
  time: number;
  target: string;
  url: string;
  rule: string;
  message: string;
  muted: number;
}

export function readChanges(prepare: Prepare, since: number, target?: string): ChangeRecord[] {
  const rows = (
    target === undefined
      ? prepare('SELECT * FROM changes WHERE time >= ? ORDER BY time, rowid').all(since)
      : prepare('SELECT * FROM changes WHERE target = ? AND time >= ? ORDER BY time, rowid').all(
          target,
          since,
        )
  ) as ChangeRow[];
  return rows.map((row) => ({ ...row, muted: row.muted === 1 }));
}

interface SampleRow {
  time: number;
  target: string;
  level: Level;
  word: string | null;
  http_code: number | null;
  duration_ms: number;
  message: string | null;
  interval_ms: number;
  rule_values: string | null;
}

function parseValues(text: string | null): SampleValues {
  if (text === null) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as SampleValues) : {};
  } catch {
    return {};
  }
}

/** Samples from `since` on, in time order, with their recorded values (replay). */
export function* readRuleSamples(prepare: Prepare, since: number, target?: string): Generator<RuleSample> {
  const rows = (
    target === undefined
      ? prepare('SELECT rowid, * FROM samples WHERE time >= ? ORDER BY time, rowid').iterate(since)
      : prepare('SELECT rowid, * FROM samples WHERE target = ? AND time >= ? ORDER BY time, rowid').iterate(
          target,
          since,
        )
  ) as IterableIterator<SampleRow>;
  for (const row of rows) {
    yield {
      time: row.time,
      target: row.target,
      level: row.level,
      durationMs: row.duration_ms,
      intervalMs: row.interval_ms,
      values: parseValues(row.rule_values),
      ...(row.word === null ? {} : { word: row.word }),
      ...(row.http_code === null ? {} : { httpCode: row.http_code }),
      ...(row.message === null ? {} : { message: row.message }),
    };
  }
}

/** Samples read back at a start for the last known values of each key (and the last ping). */
const LOOK_BACK = 50;

/** The last known value of each recorded key, and the last ping, of one target. */
export function lastValues(
  prepare: Prepare,
  target: string,
): { known: Map<string, unknown>; ping?: SampleValues['ping'] } {
  const rows = prepare(
    'SELECT rule_values FROM samples WHERE target = ? AND rule_values IS NOT NULL ORDER BY time DESC, rowid DESC LIMIT ?',
  ).all(target, LOOK_BACK) as { rule_values: string }[];
  const known = new Map<string, unknown>();
  let ping: SampleValues['ping'];
  for (const row of rows) {
    const values = parseValues(row.rule_values);
    for (const [key, value] of Object.entries(values.recorded ?? {}))
      if (!known.has(key)) known.set(key, value);
    ping ??= values.ping;
  }
  return { known, ...(ping ? { ping } : {}) };
}
