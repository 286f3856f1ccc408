/**
 * Timestamps in documents. Default: ISO 8601 in UTC with second precision (`2024-12-19T12:00:00Z`,
 * as in seed 002). Patterns use the tokens yyyy MM dd HH mm ss SSS and XXX (offset `+05:00`) —
 * seed 001 writes `yyyy-MM-dd HH:mm:ss`, seed 004 `yyyy-MM-dd HH:mm:ss.SSS XXX`.
 */
export interface TimestampFormat {
  /** A pattern, `iso` (second precision, UTC, `Z`), `iso-ms`, or `epoch-ms`. Default `iso`. */
  format?: string;
  /** Format in UTC (default) or in the process's local time zone. */
  utc?: boolean;
}

const TOKENS = /yyyy|MM|dd|HH|mm|ss|SSS|XXX/g;

export function formatTimestamp(
  epochMs: number,
  { format = 'iso', utc = true }: TimestampFormat = {},
): string | number {
  if (format === 'epoch-ms') return epochMs;
  const date = new Date(epochMs);
  if (format === 'iso') return `${date.toISOString().slice(0, 19)}Z`;
  if (format === 'iso-ms') return date.toISOString();
  const parts = fields(date, utc);
  return format.replace(TOKENS, (token) => parts[token as keyof typeof parts]);
}

function fields(date: Date, utc: boolean) {
  const get = (u: () => number, l: () => number) => (utc ? u() : l());
  const offset = utc ? 0 : -date.getTimezoneOffset();
  return {
    yyyy: String(
      get(
        () => date.getUTCFullYear(),
        () => date.getFullYear(),
      ),
    ).padStart(4, '0'),
    MM: pad(
      get(
        () => date.getUTCMonth(),
        () => date.getMonth(),
      ) + 1,
    ),
    dd: pad(
      get(
        () => date.getUTCDate(),
        () => date.getDate(),
      ),
    ),
    HH: pad(
      get(
        () => date.getUTCHours(),
        () => date.getHours(),
      ),
    ),
    mm: pad(
      get(
        () => date.getUTCMinutes(),
        () => date.getMinutes(),
      ),
    ),
    ss: pad(
      get(
        () => date.getUTCSeconds(),
        () => date.getSeconds(),
      ),
    ),
    SSS: String(date.getUTCMilliseconds()).padStart(3, '0'),
    XXX: `${offset >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`,
  };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
