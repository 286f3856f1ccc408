/**
 * Durations in options, config and flags: text with a unit (`250ms`, `5s`, `1m`, `1h`, `1d`, `1.5s`,
 * `1m30s`), or, in code, a number of milliseconds.
 *
 * Text needs a unit: `--interval 5` or `timeout: "5"` does not silently mean 5 ms. A number is
 * milliseconds only where the caller says so: the TypeScript API (`parseDuration(5000)`), and config
 * options whose names end in `Ms`. Zero needs no unit (it is zero in every unit).
 */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
const BARE_NUMBER = /^\d+(\.\d+)?$/;

/** The longest duration accepted: 100 years, beyond any sensible setting yet exact in a double. */
export const MAX_DURATION_MS = 100 * 365 * UNIT_MS.d;

export class DurationError extends RangeError {
  override name = 'DurationError';
}

/**
 * What is wrong with a duration, as a config problem line wants it: `hint` is an expectation the
 * caller completes with what was written (`expected a duration like "2s"`, got "fast"), `sentence`
 * says it all (`"5" has no unit; did you mean 5s?`).
 */
export type DurationProblem = { hint: string } | { sentence: string };

/** Milliseconds from a number of ms (code) or text with a unit; throws a DurationError naming `what`. */
export function parseDuration(input: Duration, what = 'duration'): number {
  const read = readDuration(input);
  if (typeof read === 'number') return read;
  const text = typeof input === 'string' ? input.trim().slice(0, 60) : input;
  const message = 'sentence' in read ? read.sentence : `${read.hint}, got ${describe(text)}`;
  throw new DurationError(`${what}: ${message}`);
}

export function optionalDuration(input: Duration | undefined, fallback: number, what?: string): number {
  return input === undefined ? fallback : parseDuration(input, what);
}

/** `parseDuration` without the throw: the milliseconds, or the problem. */
export function readDuration(input: unknown, numbersAreMs = true): number | DurationProblem {
  if (typeof input === 'number') return numbersAreMs ? checkedMs(input) : unitless(String(input));
  if (typeof input !== 'string') return { hint: 'expected a duration like "2s"' };
  const text = input.trim();
  return BARE_NUMBER.test(text) ? unitless(text) : withUnits(text);
}

/**
 * A number written without a unit is refused with the likely intent: seconds for small numbers
 * (`5` -> `5s`), milliseconds for the large ones people copy from code (`1500` -> `1500ms`).
 */
function unitless(text: string): number | DurationProblem {
  const value = Number(text);
  if (value === 0) return 0;
  if (!Number.isFinite(value) || value < 0) return checkedMs(value);
  const guess = value >= 1000 ? `${text}ms` : `${text}s`;
  return { sentence: `"${text}" has no unit; did you mean ${guess}?` };
}

function withUnits(text: string): number | DurationProblem {
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
  if (text === '' || matched !== text.length) return { hint: 'expected a duration like "2s"' };
  return checkedMs(total);
}

function checkedMs(ms: number): number | DurationProblem {
  if (!Number.isFinite(ms) || ms < 0) return { hint: 'expected a non-negative duration' };
  if (ms > MAX_DURATION_MS) return { hint: 'expected a duration of at most 100 years' };
  return ms;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return JSON.stringify(value) ?? String(value);
}
