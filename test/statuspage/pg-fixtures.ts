/**
 * A PostgreSQL watch history for the page's tests: samples every hour over `days` days for a few
 * targets, written through the real store (its write path makes the rollups, transitions and
 * state), debounced = raw (fail after 1).
 */
import type { Level } from '../../src/model/levels.js';
import type { PgHistoryStore } from '../../src/watch/postgres/store.js';
import type { TargetState } from '../../src/watch/transitions.js';
import { DAY, dayStart } from './fixtures.js';

export const HOUR = 3_600_000;

export interface PgGeneratedTarget {
  name: string;
  url: string;
  levelAt: (time: number) => Level;
  /** A message the sample carries when not ok (the page must never show it). */
  message?: string;
}

/** Writes and flushes; returns the number of samples. */
export async function writePgHistory(
  store: PgHistoryStore,
  targets: readonly PgGeneratedTarget[],
  now: number,
  days = 90,
): Promise<number> {
  const start = dayStart(now) - (days - 1) * DAY;
  let samples = 0;
  for (const target of targets) {
    let state: TargetState = { streak: 0 };
    for (let time = start; time < now - HOUR / 2; time += HOUR) {
      const level = target.levelAt(time);
      const transition =
        level === state.level
          ? undefined
          : { at: time, to: level, ...(state.level ? { from: state.level } : {}) };
      if (transition) state = { level, since: time, streak: 0 };
      store.record(
        {
          time,
          target: target.name,
          level,
          durationMs: 30 + ((time / HOUR) % 5),
          intervalMs: HOUR,
          ...(level === 'ok' ? {} : { message: target.message ?? 'failed' }),
        },
        target.url,
        state,
        transition,
      );
      samples++;
    }
  }
  if (!(await store.flush(60_000))) throw new Error('the generated history was not written within 60 s');
  return samples;
}
