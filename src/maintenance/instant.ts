/**
 * Instants of maintenance windows: a `Date`, epoch milliseconds, or ISO 8601 text. Strict on purpose:
 * `Date.parse` reads `"1"` (what `String([1])` gives) as the year 2001 and `2025-02-30` as 2 March,
 * and the ECMAScript range (±8.64e15 ms) lets through instants that `toISOString()` then refuses —
 * one such window in the state file used to stop the agent from starting.
 */

/** The range of instants a window may use: 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z. */
export const EARLIEST_INSTANT = 0;
export const LATEST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

const HINT = 'expected ISO 8601 ("2025-01-12T03:00:00Z") or epoch milliseconds, between 1970 and 9999';

/** Milliseconds since the epoch, or the reason the input is not an instant a window may use. */
export function readInstant(input: unknown): number | string {
  let ms: number | undefined;
  if (input instanceof Date) ms = input.getTime();
  else if (typeof input === 'number') ms = Number.isInteger(input) ? input : undefined;
  else if (typeof input === 'string') ms = input.length <= 40 ? parseIso(input.trim()) : undefined;
  if (ms === undefined || !(ms >= EARLIEST_INSTANT && ms <= LATEST_INSTANT))
    return `${HINT}, got ${shown(input)}`;
  return ms;
}

/**
 * ISO 8601 calendar dates and times, checked field by field. As in ECMAScript, a date alone is UTC
 * and a date-time without an offset is the process's local time.
 */
function parseIso(text: string): number | undefined {
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((f) => Number(f ?? 0));
  const millisecond = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8];
  if (zone === undefined && m[4] !== undefined) {
    return new Date(year, month - 1, day, hour, minute, second, millisecond).getTime();
  }
  const offset = zone === undefined ? 0 : offsetMinutes(zone);
  if (offset === undefined) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - offset * 60_000;
}

function offsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || 0);
  if (hours > 23 || minutes > 59) return undefined;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function shown(input: unknown): string {
  if (input instanceof Date) return 'an invalid Date';
  if (Array.isArray(input)) return 'a list';
  if (input !== null && typeof input === 'object') return 'an object';
  const text = JSON.stringify(input) ?? String(input);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}
