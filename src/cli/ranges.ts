/**
 * Nagios threshold ranges (monitoring-plugins' guidelines): `10` alerts outside 0..10, `10:` below 10,
 * `~:10` above 10, `10:20` outside 10..20, `@10:20` inside 10..20.
 */
export interface NagiosRange {
  start: number;
  end: number;
  /** `@`: alert when the value is inside the range instead of outside it. */
  inside: boolean;
  text: string;
}

export function parseRange(text: string): NagiosRange {
  const source = text.trim();
  const inside = source.startsWith('@');
  const body = inside ? source.slice(1) : source;
  if (body === '') throw new RangeError(`range "${text}" is empty`);
  const colon = body.indexOf(':');
  const startText = colon < 0 ? '0' : body.slice(0, colon);
  const endText = colon < 0 ? body : body.slice(colon + 1);
  const start = startText === '~' ? -Infinity : startText === '' ? 0 : toNumber(startText, text);
  const end = endText === '' ? Infinity : toNumber(endText, text);
  if (start > end) throw new RangeError(`range "${text}": start ${start} is greater than end ${end}`);
  return { start, end, inside, text: source };
}

/** True when `value` should raise an alert under `range`. */
export function alerts(range: NagiosRange, value: number): boolean {
  const within = value >= range.start && value <= range.end;
  return range.inside ? within : !within;
}

function toNumber(part: string, whole: string): number {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(part)) {
    throw new RangeError(`range "${whole}": "${part}" is not a number`);
  }
  return Number(part);
}
