/**
 * The common write, set-based: samples of many targets with no transition, no value change and no
 * quorum (the vast majority: a target that stays up) written in three statements for the whole
 * group, whatever its size: the samples, the targets' state, the rollups. A write per target would
 * be five round trips each; at 10,000 targets every 30 s the database would spend its time on
 * round trips, and the watcher its CPU on building them.
 *
 * The caller has fenced the group and locked its targets rows (store.ts), and says where each
 * target's last span was left open; what this writes leaves the samples' spans open in turn.
 */
import type { QueryResult } from 'pg';
import { COVER_INTERVALS } from '../availability.js';
import type { Sample } from '../history-store.js';
import type { TargetState } from '../transitions.js';
import { mergeRows, type RollupRow, sampleRows, spanRows } from './rollups.js';

export type Run = (sql: string, params: unknown[]) => Promise<QueryResult>;

/** A target's last sample whose span the rollups have not counted yet. */
export interface OpenSpan {
  time: number;
  level: string;
  intervalMs: number;
}

export interface PlainWrite {
  sample: Sample;
  url: string;
  state: TargetState;
  member: string | null;
  epoch: number | null;
  region: string | null;
  values: string | null;
}

/** Writes a group of distinct targets' samples; `open` is read and moved on, target by target. */
export async function writePlainGroup(
  run: Run,
  writes: readonly PlainWrite[],
  open: Map<string, OpenSpan | undefined>,
): Promise<void> {
  if (writes.length === 0) return;
  await insertSamples(run, writes);
  const byName = [...writes].sort((a, b) => (a.sample.target < b.sample.target ? -1 : 1));
  await upsertTargets(run, byName);
  const rollups = byName.flatMap((write) => rollupRowsOf(write.sample, open.get(write.sample.target)));
  await upsertRollupRows(run, rollups);
  for (const { sample } of writes)
    open.set(sample.target, { time: sample.time, level: sample.level, intervalMs: sample.intervalMs });
}

/** The sample counted in its buckets, and the span of the one before it closed where it ends. */
function rollupRowsOf(sample: Sample, previous: OpenSpan | undefined): (RollupRow & { target: string })[] {
  const rows: RollupRow[] = sampleRows(sample.level, sample.time, sample.durationMs);
  if (previous) {
    const to = Math.min(sample.time, previous.time + COVER_INTERVALS * previous.intervalMs);
    if (to > previous.time) rows.push(...spanRows(previous.level, previous.time, to));
  }
  return mergeRows(rows).map((row) => ({ ...row, target: sample.target }));
}

function insertSamples(run: Run, writes: readonly PlainWrite[]): Promise<QueryResult> {
  const column = <T>(pick: (write: PlainWrite) => T) => writes.map(pick);
  return run(
    `INSERT INTO samples (time, target, level, word, http_code, duration_ms, message, interval_ms, rule_values, member, epoch, region)
       SELECT time, target, level, word, http_code, duration_ms, message, interval_ms, rule_values::jsonb, member, epoch, region
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[],
                     $8::int[], $9::text[], $10::text[], $11::bigint[], $12::text[])
           AS s (time, target, level, word, http_code, duration_ms, message, interval_ms, rule_values, member, epoch, region)`,
    [
      column((w) => w.sample.time),
      column((w) => w.sample.target),
      column((w) => w.sample.level),
      column((w) => w.sample.word ?? null),
      column((w) => w.sample.httpCode ?? null),
      column((w) => Math.round(w.sample.durationMs)),
      column((w) => w.sample.message ?? null),
      column((w) => w.sample.intervalMs),
      column((w) => w.values),
      column((w) => w.member),
      column((w) => w.epoch),
      column((w) => w.region),
    ],
  );
}

/** In name order, as every writer locks targets rows: two transactions never wait on each other in a circle. */
function upsertTargets(run: Run, writes: readonly PlainWrite[]): Promise<QueryResult> {
  const column = <T>(pick: (write: PlainWrite) => T) => writes.map(pick);
  return run(
    `INSERT INTO targets (name, url, level, since, pending, streak, last_time, open_time, open_level, open_interval, epoch)
       SELECT name, url, level, since, pending, streak, last_time, last_time, open_level, open_interval, epoch
         FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::bigint[],
                     $8::text[], $9::int[], $10::bigint[])
           AS t (name, url, level, since, pending, streak, last_time, open_level, open_interval, epoch)
       ON CONFLICT (name) DO UPDATE SET url = excluded.url, level = excluded.level, since = excluded.since,
         pending = excluded.pending, streak = excluded.streak, last_time = excluded.last_time,
         open_time = excluded.open_time, open_level = excluded.open_level,
         open_interval = excluded.open_interval, epoch = excluded.epoch`,
    [
      column((w) => w.sample.target),
      column((w) => w.url),
      column((w) => w.state.level ?? null),
      column((w) => w.state.since ?? null),
      column((w) => w.state.pending ?? null),
      column((w) => w.state.streak),
      column((w) => w.sample.time),
      column((w) => w.sample.level),
      column((w) => w.sample.intervalMs),
      column((w) => w.epoch),
    ],
  );
}

/** Rollup rows of several targets in one upsert (no key twice: each target's rows are merged). */
export async function upsertRollupRows(
  run: Run,
  rows: readonly (RollupRow & { target: string })[],
): Promise<void> {
  if (rows.length === 0) return;
  const column = <T>(pick: (row: RollupRow & { target: string }) => T) => rows.map(pick);
  await run(
    `INSERT INTO rollups (tier, bucket, target, level, ms, samples, duration_sum)
       SELECT tier, bucket, target, level, ms, samples, duration_sum
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::int[], $7::bigint[])
           AS r (tier, bucket, target, level, ms, samples, duration_sum)
       ON CONFLICT (target, tier, bucket, level) DO UPDATE SET ms = rollups.ms + excluded.ms,
         samples = rollups.samples + excluded.samples, duration_sum = rollups.duration_sum + excluded.duration_sum`,
    [
      column((r) => r.tier),
      column((r) => r.bucket),
      column((r) => r.target),
      column((r) => r.level),
      column((r) => r.ms),
      column((r) => r.samples),
      column((r) => r.durationSum),
    ],
  );
}
