/**
 * How derived figures are written: percentages and per-second rates to two decimals
 * (`56.00000000000001` is `56`, `12.345678` is `12.35`). Measured counters (bytes, ticks,
 * packets) stay exact; only what statuskit computes from them is rounded, once, where it is made.
 */
export function derived(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
