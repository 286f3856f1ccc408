/**
 * Pure arithmetic of the daily rollups: which part of which UTC day a sample speaks for. A sample
 * covers from its poll until the next sample, for at most COVER_INTERVALS of its poll interval
 * (the same rule as availability.ts, so rollups and the raw computation agree to the millisecond).
 */
import { COVER_INTERVALS } from '../watch/availability.js';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export function dayStart(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

export function hourStart(time: number): number {
  return Math.floor(time / HOUR_MS) * HOUR_MS;
}

export interface CoveringSample {
  time: number;
  intervalMs: number;
}

/** The span a sample covers when the next one came at `next` (Infinity: none yet), clipped at `until`. */
export function coveredSpan(
  sample: CoveringSample,
  next: number,
  until = Number.POSITIVE_INFINITY,
): { from: number; to: number } | undefined {
  const to = Math.min(next, sample.time + COVER_INTERVALS * sample.intervalMs, until);
  return to > sample.time ? { from: sample.time, to } : undefined;
}

/** A span cut at UTC midnights: `[{ day, ms }]`, in order. */
export function splitByDay(from: number, to: number): { day: number; ms: number }[] {
  const parts: { day: number; ms: number }[] = [];
  for (let day = dayStart(from); day < to; day += DAY_MS) {
    const ms = Math.min(to, day + DAY_MS) - Math.max(from, day);
    if (ms > 0) parts.push({ day, ms });
  }
  return parts;
}

/** The days from `fromDay` to `toDay` inclusive. */
export function daysBetween(fromDay: number, toDay: number): number[] {
  const days: number[] = [];
  for (let day = fromDay; day <= toDay; day += DAY_MS) days.push(day);
  return days;
}

/** Time of a day after `firstSeen` and before `now` that no sample covers. */
export function gapOf(day: number, observedMs: number, firstSeen: number | undefined, now: number): number {
  if (firstSeen === undefined) return 0;
  const from = Math.max(day, firstSeen);
  const to = Math.min(day + DAY_MS, now);
  return Math.max(0, to - from - observedMs);
}

/** Polls grouped by the hour they were made in: count, mean and max of their round trips. */
export function hourlyTimes(
  polls: Iterable<{ time: number; durationMs: number }>,
): { hour: number; count: number; meanMs: number; maxMs: number }[] {
  const hours = new Map<number, { count: number; sum: number; max: number }>();
  for (const poll of polls) {
    const hour = hourStart(poll.time);
    const row = hours.get(hour) ?? { count: 0, sum: 0, max: 0 };
    row.count += 1;
    row.sum += poll.durationMs;
    row.max = Math.max(row.max, poll.durationMs);
    hours.set(hour, row);
  }
  return [...hours]
    .sort(([a], [b]) => a - b)
    .map(([hour, times]) => ({
      hour,
      count: times.count,
      meanMs: Math.round(times.sum / times.count),
      maxMs: Math.round(times.max),
    }));
}
