import { checkJsonForm, type JsonForm, type MetricOptions } from './json-form.js';
import type { Meter } from './meter.js';

/**
 * A number computed from other metrics at read time. Anything not finite (0/0, a throwing
 * formula) reads as 0: a ratio of idle meters is 0, never NaN.
 */
export class Derived {
  readonly kind = 'derived' as const;
  readonly help: string | undefined;
  readonly jsonForm: JsonForm;

  constructor(
    private readonly formula: () => number,
    options: MetricOptions = {},
  ) {
    if (typeof formula !== 'function') throw new TypeError('Derived: expected a function');
    this.help = options.help;
    this.jsonForm = checkJsonForm(options.jsonForm);
  }

  get value(): number {
    try {
      const v = this.formula();
      return typeof v === 'number' && Number.isFinite(v) ? v : 0;
    } catch {
      return 0;
    }
  }

  toServletJSON(): { value: number } {
    return { value: this.value };
  }

  readStatus(): number | { value: number } {
    return this.jsonForm === 'servlet' ? this.toServletJSON() : this.value;
  }
}

export type RateWindow = 'm1' | 'm5' | 'm15' | 'mean';

export function meterRate(meter: Meter, window: RateWindow): number {
  switch (window) {
    case 'm1':
      return meter.oneMinuteRate;
    case 'm5':
      return meter.fiveMinuteRate;
    case 'm15':
      return meter.fifteenMinuteRate;
    case 'mean':
      return meter.meanRate;
    default:
      throw new TypeError(`meterRate: unknown window ${String(window)}`);
  }
}

/** `errors.rate / (successes.rate + errors.rate)` over one window (seed 001's `fiveMinuteErrorsRatio`). */
export function errorRatio(
  errors: Meter,
  successes: Meter,
  window: RateWindow = 'm5',
  options: MetricOptions = {},
): Derived {
  meterRate(errors, window);
  return new Derived(() => {
    const e = meterRate(errors, window);
    return e / (meterRate(successes, window) + e);
  }, options);
}
