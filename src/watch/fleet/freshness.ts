/**
 * How fresh each target's history is, fleet-wide: the age of its last sample against its interval,
 * and who holds its lease. Scheduling lag (schedule-lag.ts) says how late a member's own polls
 * start; this says what no member's lag can: a target that nobody polls at all (its owner paused,
 * its lease held by a member that is gone) ages here, interval after interval.
 */
import type { Pool } from 'pg';
import { liveLeases, targetOfLease } from './leases.js';

/** Older than this many intervals (or never sampled), a target is overdue. */
export const OVERDUE_INTERVALS = 2;
/** How many of the stalest targets /fleet lists. */
export const STALEST_TARGETS = 10;

export interface WatchedTarget {
  name: string;
  intervalMs: number;
}

export interface TargetFreshness {
  target: string;
  intervalMs: number;
  lastSample: string | null;
  ageMs: number | null;
  /** Age over interval: about 1 or less for a target polled on time, growing while nobody polls it. */
  intervals: number | null;
  owners: string[];
}

export interface FreshnessSummary {
  targets: number;
  /** Never sampled, or last sampled more than OVERDUE_INTERVALS intervals ago. */
  overdue: number;
  neverSampled: number;
  /** No live lease on the target (nobody is meant to be polling it right now). */
  unowned: number;
  /** The stalest targets, never-sampled ones first, then by age in intervals. */
  stalest: TargetFreshness[];
}

/** Two reads (last sample times, live leases), judged against `now`. */
export async function fleetFreshness(
  pool: Pool,
  watched: readonly WatchedTarget[],
  now = Date.now(),
): Promise<FreshnessSummary> {
  const names = watched.map((target) => target.name);
  const { rows } = await pool.query('SELECT name, last_time FROM targets WHERE name = ANY($1)', [names]);
  const lastTimes = new Map(
    rows.filter((row) => row.last_time !== null).map((row) => [row.name as string, Number(row.last_time)]),
  );
  const owners = new Map<string, string[]>();
  for (const { key, owner } of await liveLeases(pool)) {
    const name = targetOfLease(key);
    owners.set(name, [...(owners.get(name) ?? []), owner]);
  }
  return summarize(
    watched.map((target) => freshnessOf(target, lastTimes.get(target.name), owners.get(target.name), now)),
  );
}

function freshnessOf(
  target: WatchedTarget,
  lastTime: number | undefined,
  owners: string[] = [],
  now: number,
): TargetFreshness {
  const ageMs = lastTime === undefined ? null : Math.max(0, now - lastTime);
  return {
    target: target.name,
    intervalMs: target.intervalMs,
    lastSample: lastTime === undefined ? null : new Date(lastTime).toISOString(),
    ageMs,
    intervals: ageMs === null ? null : Math.round((ageMs / target.intervalMs) * 100) / 100,
    owners,
  };
}

export function summarize(all: readonly TargetFreshness[]): FreshnessSummary {
  return {
    targets: all.length,
    overdue: all.filter((t) => t.intervals === null || t.intervals > OVERDUE_INTERVALS).length,
    neverSampled: all.filter((t) => t.intervals === null).length,
    unowned: all.filter((t) => t.owners.length === 0).length,
    stalest: [...all].sort(stalerFirst).slice(0, STALEST_TARGETS),
  };
}

/** Never sampled first (by name, so the list is stable), then the most intervals old. */
function stalerFirst(a: TargetFreshness, b: TargetFreshness): number {
  if (a.intervals === null || b.intervals === null) {
    if (a.intervals === b.intervals) return a.target < b.target ? -1 : 1;
    return a.intervals === null ? -1 : 1;
  }
  return b.intervals - a.intervals;
}
