import { resolveTimeZone, type TimeZone } from './zone.js';

/**
 * Five-field cron expressions (`minute hour day-of-month month day-of-week`), read on the wall
 * clock of an IANA time zone (default UTC). Fields take `*`, numbers, ranges `a-b`, steps `*\/n`
 * or `a-b/n`, and lists `a,b`; day of week is 0-6 (Sunday 0, 7 also Sunday) or `sun`..`sat`,
 * months 1-12 or `jan`..`dec`. As in classic cron, when both day fields are restricted a day
 * matching either one matches.
 *
 * Daylight-saving time: a local time skipped by a spring-forward gap runs at the first instant
 * after the gap (the moment of the change); a local time shown twice at fall-back runs once, at its
 * first occurrence.
 */
export interface CronSchedule {
  readonly text: string;
  /** The IANA name of the zone whose wall clock the fields are read on (`UTC` by default). */
  readonly timeZone: string;
  /** The first matching minute strictly after `afterMs` (ms since the epoch); undefined if none within 5 years. */
  next(afterMs: number): number | undefined;
}

export interface CronOptions {
  /** IANA time zone (`Europe/Paris`); default `UTC`. Unknown names throw a `TimeZoneError`. */
  timeZone?: string;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MINUTE = 60_000;

export class CronError extends Error {
  override name = 'CronError';
}

export function parseCron(text: string, options: CronOptions = {}): CronSchedule {
  const zone = resolveTimeZone(options.timeZone ?? 'UTC');
  const fields = parseFields(text);
  return { text, timeZone: zone.name, next: (afterMs) => nextInZone(zone, fields, afterMs) };
}

interface Fields {
  minutes: Set<number>;
  hours: Set<number>;
  months: Set<number>;
  dayMatches(date: Date): boolean;
}

function parseFields(text: string): Fields {
  if (typeof text !== 'string') throw new CronError('cron: expected a string like "0 2 * * sun"');
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronError(`cron "${text}": expected 5 fields, got ${parts.length}`);
  const minutes = field(parts[0], 0, 59, [], 'minute', text);
  const hours = field(parts[1], 0, 23, [], 'hour', text);
  const days = field(parts[2], 1, 31, [], 'day of month', text);
  const months = field(parts[3], 1, 12, MONTH_NAMES, 'month', text, 1);
  const weekdays = field(parts[4], 0, 7, DAY_NAMES, 'day of week', text);
  if (weekdays.has(7)) weekdays.add(0);
  const anyDay = parts[2] === '*';
  const anyWeekday = parts[4] === '*';
  const dayMatches = (date: Date) => {
    const dom = days.has(date.getUTCDate());
    const dow = weekdays.has(date.getUTCDay());
    if (anyDay) return dow;
    if (anyWeekday) return dom;
    return dom || dow;
  };
  return { minutes, hours, months, dayMatches };
}

/** The first matching wall-clock minute strictly after `afterLocal` (both fake-UTC ms), up to `limit`. */
function nextLocalMinute(fields: Fields, afterLocal: number, limit: number): number | undefined {
  const date = new Date(Math.floor(afterLocal / MINUTE) * MINUTE + MINUTE);
  while (date.getTime() <= limit) {
    if (!fields.months.has(date.getUTCMonth() + 1)) {
      date.setUTCMonth(date.getUTCMonth() + 1, 1);
      date.setUTCHours(0, 0, 0, 0);
    } else if (!fields.dayMatches(date)) {
      date.setUTCDate(date.getUTCDate() + 1);
      date.setUTCHours(0, 0, 0, 0);
    } else if (!fields.hours.has(date.getUTCHours())) {
      date.setUTCHours(date.getUTCHours() + 1, 0, 0, 0);
    } else if (!fields.minutes.has(date.getUTCMinutes())) {
      date.setUTCMinutes(date.getUTCMinutes() + 1, 0, 0);
    } else {
      return date.getTime();
    }
  }
  return undefined;
}

/**
 * Walks the zone's wall clock (fake-UTC ms, see zone.ts) from the local time at `afterMs`. A
 * matching local time whose instant is not after `afterMs` already happened: it is a repeat of a
 * fall-back hour (which runs once), or a skipped time that ran at the end of its gap.
 */
function nextInZone(zone: TimeZone, fields: Fields, afterMs: number): number | undefined {
  let local = zone.wallClock(afterMs);
  const limit = local + 5 * 366 * 86_400_000;
  for (;;) {
    const candidate = nextLocalMinute(fields, local, limit);
    if (candidate === undefined) return undefined;
    const instant = zone.instantOf(candidate);
    if (instant > afterMs) return instant;
    local = candidate;
  }
}

function field(
  text: string,
  min: number,
  max: number,
  names: readonly string[],
  what: string,
  whole: string,
  nameOffset = 0,
): Set<number> {
  const values = new Set<number>();
  const value = (raw: string): number => {
    const named = names.indexOf(raw.toLowerCase());
    const n = named !== -1 ? named + nameOffset : /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(n >= min && n <= max)) throw new CronError(`cron "${whole}": bad ${what} "${raw}" (${min}-${max})`);
    return n;
  };
  for (const item of text.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new CronError(`cron "${whole}": bad step in ${what} "${item}"`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      from = value(a);
      to = value(b);
      if (from > to) throw new CronError(`cron "${whole}": empty range in ${what} "${item}"`);
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}
