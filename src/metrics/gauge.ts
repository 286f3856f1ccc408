import { checkJsonForm, type JsonForm, type MetricOptions } from './json-form.js';

export type GaugeSource = number | (() => number);

/**
 * A value you set, or a callback read at render time. A callback that throws or returns a
 * non-number reads as NaN (`null` in JSON): a broken callback never crashes a render.
 */
export class Gauge {
  readonly kind = 'gauge' as const;
  readonly help: string | undefined;
  readonly jsonForm: JsonForm;
  private source: GaugeSource;

  constructor(source: GaugeSource = 0, options: MetricOptions = {}) {
    checkSource(source);
    this.source = source;
    this.help = options.help;
    this.jsonForm = checkJsonForm(options.jsonForm);
  }

  set(value: number): void {
    checkSource(value);
    this.source = value;
  }

  get value(): number {
    const source = this.source;
    if (typeof source === 'number') return source;
    try {
      const v = source();
      return typeof v === 'number' ? v : Number.NaN;
    } catch {
      return Number.NaN;
    }
  }

  toServletJSON(): { value: number | null } {
    return { value: jsonNumber(this.value) };
  }

  readStatus(): number | null | { value: number | null } {
    return this.jsonForm === 'servlet' ? this.toServletJSON() : jsonNumber(this.value);
  }
}

function checkSource(source: unknown): void {
  if (typeof source !== 'number' && typeof source !== 'function') {
    throw new TypeError(`Gauge: expected a number or a function returning one, got ${typeof source}`);
  }
}

/** JSON has no NaN or Infinity; they render as null. */
export function jsonNumber(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
