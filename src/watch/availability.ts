/**
 * Availability over a window, computed from samples (pure; the store streams them in).
 *
 * Each sample speaks for the time from its own poll until the next sample of the same target, but for
 * at most `COVER_INTERVALS` of its target's poll interval: past that the watcher was not looking (it
 * was stopped, or the host slept), and that time is left out rather than guessed. Spans are clipped
 * to the window. Availability is the share of the observed time whose sample level was `ok`, with
 * maintenance left out (a target in maintenance, by its own word or a watcher window, is neither up
 * nor down: that time is excluded, not counted against it).
 * The levels are the raw observed ones, not the debounced ones: a single failed poll that never
 * became a transition still counts as down for its span, because it was seen down.
 */
import { LEVELS, type Level } from '../model/levels.js';

/** A sample covers up to this many poll intervals (the check runner's default staleness is the same). */
export const COVER_INTERVALS = 3;

export interface LevelSample {
  time: number;
  level: Level;
  /** The target's poll interval when the sample was taken. */
  intervalMs: number;
}

export interface TimeWindow {
  start: number;
  end: number;
}

export interface Availability {
  windowMs: number;
  /** Time inside the window covered by some sample. */
  observedMs: number;
  okMs: number;
  /** Observed time in maintenance, left out of the ratio. */
  maintenanceMs: number;
  /** `okMs / (observedMs - maintenanceMs)`, between 0 and 1; undefined when nothing else was observed. */
  ratio?: number;
  /** Observed time per level. */
  byLevel: Record<Level, number>;
}

/**
 * `samples` must be in time order and may start before the window (the sample just before it tells
 * the level at its start). Out-of-order samples are skipped.
 */
export function availability(samples: Iterable<LevelSample>, window: TimeWindow): Availability {
  const byLevel = Object.fromEntries(LEVELS.map((level) => [level, 0])) as Record<Level, number>;
  let previous: LevelSample | undefined;
  const account = (sample: LevelSample, next: number) => {
    const from = Math.max(sample.time, window.start);
    const to = Math.min(next, sample.time + COVER_INTERVALS * sample.intervalMs, window.end);
    if (to > from) byLevel[sample.level] += to - from;
  };
  for (const sample of samples) {
    if (previous && sample.time < previous.time) continue;
    if (previous) account(previous, sample.time);
    previous = sample;
  }
  if (previous) account(previous, Number.POSITIVE_INFINITY);
  return summarizeAvailability(byLevel, window);
}

/** The figures of a window from the time spent at each level (raw samples or rollups alike). */
export function summarizeAvailability(byLevel: Record<Level, number>, window: TimeWindow): Availability {
  const observedMs = LEVELS.reduce((sum, level) => sum + byLevel[level], 0);
  const judgedMs = observedMs - byLevel.maintenance;
  return {
    windowMs: Math.max(0, window.end - window.start),
    observedMs,
    okMs: byLevel.ok,
    maintenanceMs: byLevel.maintenance,
    ratio: judgedMs > 0 ? byLevel.ok / judgedMs : undefined,
    byLevel,
  };
}

/** `99.93 %`, or `n/a` when nothing was observed. Never rounds a partial outage up to 100 %. */
export function formatPercent(ratio: number | undefined): string {
  if (ratio === undefined) return 'n/a';
  // The epsilon keeps binary fractions (0.29 * 10000 = 2899.9999…) from losing a hundredth.
  const hundredths = Math.floor(ratio * 10_000 + 1e-9) / 100;
  return `${hundredths.toFixed(2)} %`;
}
