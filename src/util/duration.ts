/**
 * Durations in options and config: a number of milliseconds, or text like `250ms`, `5s`, `1m`,
 * `1h`, `1.5s`, `1m30s`.
 */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

export function parseDuration(input: Duration, what = 'duration'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0)
      throw new RangeError(`${what}: expected a non-negative number of ms, got ${input}`);
    return input;
  }
  const text = String(input).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  let matched = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const m = PART.exec(text);
    if (!m || m.index !== start) break;
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched = PART.lastIndex;
  }
  if (text === '' || matched !== text.length) {
    throw new RangeError(`${what}: expected a duration like "2s", got "${text}"`);
  }
  return total;
}

export function optionalDuration(input: Duration | undefined, fallback: number, what?: string): number {
  return input === undefined ? fallback : parseDuration(input, what);
}
