/**
 * IANA time zones without a dependency: offsets come from the time-zone data in Node's ICU
 * (`Intl.DateTimeFormat#formatToParts`). A local wall-clock time is represented as "fake UTC"
 * milliseconds — the instant at which a UTC clock would show that wall time — so calendar
 * arithmetic (next day, next hour) can use `Date`'s UTC methods and stays free of DST.
 */
export interface TimeZone {
  /** The IANA name as written, with its case corrected (`europe/paris` -> `Europe/Paris`). */
  readonly name: string;
  /** The wall-clock time (fake-UTC ms) shown in this zone at `instant`. */
  wallClock(instant: number): number;
  /**
   * The instant at which this zone's clock shows `local` (fake-UTC ms). A time the clocks show twice
   * (fall-back) gives the first one; a time skipped by a spring-forward gap gives the first instant
   * after the gap (the moment of the change), as cron implementations commonly run such jobs.
   */
  instantOf(local: number): number;
}

/** A RangeError, like Intl's own, so handlers that answer 400 for bad values keep doing so. */
export class TimeZoneError extends RangeError {
  override name = 'TimeZoneError';
}

const DAY = 86_400_000;
const EXAMPLES = '"Europe/Paris", "America/New_York" or "UTC"';

const UTC_ZONE: TimeZone = { name: 'UTC', wallClock: (instant) => instant, instantOf: (local) => local };
const zones = new Map<string, TimeZone>([['UTC', UTC_ZONE]]);

/**
 * The zone named `name`, checked up front: an unknown name throws a `TimeZoneError` naming it
 * (and, when only the region was missing or misspelt, the zone it probably meant).
 */
export function resolveTimeZone(name: unknown, what = 'timeZone'): TimeZone {
  if (typeof name !== 'string' || name.trim() === '')
    throw new TimeZoneError(`${what}: expected an IANA time zone name like ${EXAMPLES}, got ${show(name)}`);
  const known = zones.get(name);
  if (known) return known;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new TimeZoneError(`${what}: unknown time zone ${show(name)}${suggestion(name)}`);
  }
  const resolved = format.resolvedOptions().timeZone;
  // Keep the name as written (ICU may call Asia/Kolkata Asia/Calcutta), with its case corrected.
  const display = resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
  const zone = resolved === 'UTC' ? { ...UTC_ZONE, name: display } : zoneOf(display, format);
  zones.set(name, zone);
  return zone;
}

function zoneOf(name: string, format: Intl.DateTimeFormat): TimeZone {
  const offsetAt = (instant: number) => wallClockOf(format, instant) - instant;
  return {
    name,
    wallClock: (instant) => instant + offsetAt(instant),
    instantOf(local) {
      // Offsets stay within ±14 h, so the offsets a day either side of `local` are those in force
      // before and after any change that could make `local` shown twice or never.
      const before = offsetAt(local - DAY);
      const after = offsetAt(local + DAY);
      const first = local - Math.max(before, after);
      const second = local - Math.min(before, after);
      if (offsetAt(first) === local - first) return first;
      if (offsetAt(second) === local - second) return second;
      // In a gap no instant shows `local`: the clocks jumped forward between `first` and `second`.
      return changeBetween(offsetAt, first, second);
    },
  };
}

/** The first instant in (`from`, `to`] with `to`'s offset (offsets change on whole seconds). */
function changeBetween(offsetAt: (instant: number) => number, from: number, to: number): number {
  const target = offsetAt(to);
  let low = Math.floor(from / 1000);
  let high = Math.ceil(to / 1000);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle * 1000) === target) high = middle;
    else low = middle;
  }
  return high * 1000;
}

/** What the zone's clock shows at `instant`, as fake-UTC ms (milliseconds kept from `instant`). */
function wallClockOf(format: Intl.DateTimeFormat, instant: number): number {
  const fields: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const seconds = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour,
    fields.minute,
    fields.second,
  );
  // Years before 100 would be read as 19xx by Date.UTC; schedules never reach them.
  return seconds + (((instant % 1000) + 1000) % 1000);
}

/**
 * `; did you mean "Europe/Paris"?` when known zones end with the place named (`paris`, `New York`)
 * or with a longer spelling of it (`Europe/Pari`).
 */
function suggestion(name: string): string {
  const place = name.trim().split('/').pop()!.replace(/\s+/g, '_').toLowerCase();
  const zones = Intl.supportedValuesOf('timeZone');
  const placeOf = (zone: string) => zone.split('/').pop()!.toLowerCase();
  let matches = zones.filter((zone) => placeOf(zone) === place);
  if (matches.length === 0 && place.length >= 3)
    matches = zones.filter((zone) => placeOf(zone).startsWith(place));
  const list = matches.slice(0, 3).map((zone) => `"${zone}"`);
  return list.length > 0
    ? `; did you mean ${list.join(' or ')}?`
    : `; expected an IANA name like ${EXAMPLES}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 100)) : String(JSON.stringify(value));
}
