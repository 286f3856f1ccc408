/**
 * Dropwizard's exponentially weighted moving averages, as pure data and functions.
 *
 * A tick every 5 s; `alpha = 1 - exp(-5 / 60 / N)` for the N-minute average. On a tick the
 * instant rate is `uncounted / 5 s`; the first tick seeds the average with it, later ticks move
 * it by `alpha * (instant - rate)`. An idle tick multiplies the rate by `1 - alpha`, so k idle
 * ticks are one `Math.pow`: catch-up after any idle period costs O(1).
 */
export const TICK_INTERVAL_MS = 5000;
const TICK_SECONDS = TICK_INTERVAL_MS / 1000;

export function ewmaAlpha(minutes: number): number {
  return 1 - Math.exp(-TICK_SECONDS / 60 / minutes);
}

export const ALPHA_M1 = ewmaAlpha(1);
export const ALPHA_M5 = ewmaAlpha(5);
export const ALPHA_M15 = ewmaAlpha(15);

/**
 * Rates below this (events per second; one event in ~31,700 years) read as exactly 0, so a long
 * idle never shows denormals like Dropwizard's 2.96E-314 (its issue #288).
 */
export const RATE_FLOOR = 1e-12;

export function instantRate(uncounted: number): number {
  return uncounted / TICK_SECONDS;
}

/** One tick with events, then `idleTicks` ticks without, for one average. */
export function advanceRate(
  rate: number,
  seeded: boolean,
  instant: number,
  alpha: number,
  idleTicks: number,
) {
  let next = seeded ? rate + alpha * (instant - rate) : instant;
  if (idleTicks > 0) next *= (1 - alpha) ** idleTicks;
  return next < RATE_FLOOR ? 0 : next;
}
