/**
 * Which JSON a metric's `readStatus()` returns: `seed` uses the field names of seed 001
 * (`oneMinuteRate`, `meanRate`, …); `servlet` the Dropwizard metrics-servlet names
 * (`m1_rate`, `mean_rate`, `units`, …).
 */
export type JsonForm = 'seed' | 'servlet';

export function checkJsonForm(form: unknown): JsonForm {
  if (form === undefined || form === 'seed') return 'seed';
  if (form === 'servlet') return 'servlet';
  throw new TypeError(`metrics: jsonForm must be 'seed' or 'servlet', got ${String(form)}`);
}

/** Options every metric accepts. */
export interface MetricOptions {
  /** One line for Prometheus `# HELP` (defaults to the metric's name). */
  help?: string;
  jsonForm?: JsonForm;
}

export function checkCount(n: number, what: string): void {
  if (typeof n !== 'number' || !(n >= 0) || n === Number.POSITIVE_INFINITY) {
    throw new RangeError(`${what}: expected a finite non-negative number, got ${String(n)}`);
  }
}
