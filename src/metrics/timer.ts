import { Histogram, type HistogramOptions } from './histogram.js';
import { Meter, type MeterStatus } from './meter.js';
import type { HistogramStats } from './snapshot.js';

export type TimerOptions = Omit<HistogramOptions, 'unit'>;

export interface TimerStatus extends HistogramStats, MeterStatus {
  durationUnit: 'milliseconds';
}

/**
 * Durations in milliseconds (a histogram) plus their rate (a meter). Prometheus output converts
 * to seconds; JSON keeps milliseconds and says so (`durationUnit` / `duration_units`).
 */
export class Timer extends Histogram {
  override readonly kind = 'timer' as const;
  /** Recorded durations are milliseconds (Prometheus output converts to seconds). */
  readonly durationUnit = 'milliseconds' as const;
  readonly meter: Meter;

  constructor(options: TimerOptions = {}) {
    // The histogram's Prometheus unit stays empty: Prometheus output converts to `_seconds` itself.
    super({ ...options, unit: '' });
    this.meter = new Meter({ clock: this.clock });
  }

  /** Records one duration in milliseconds. */
  override update(durationMs: number): void {
    super.update(durationMs);
    this.meter.mark();
  }

  /** Starts timing; the returned function records and returns the elapsed milliseconds. */
  startTimer(): () => number {
    const start = this.clock.now();
    let done = false;
    return () => {
      const elapsed = this.clock.now() - start;
      if (!done) {
        done = true;
        this.update(elapsed);
      }
      return elapsed;
    };
  }

  /** Times `fn`; a returned promise is timed until it settles. Errors are timed and rethrown. */
  time<T>(fn: () => T): T {
    const stop = this.startTimer();
    let result: T;
    try {
      result = fn();
    } catch (error) {
      stop();
      throw error;
    }
    if (isThenable(result)) {
      return result.then(
        (value: unknown) => {
          stop();
          return value;
        },
        (error: unknown) => {
          stop();
          throw error;
        },
      ) as T;
    }
    stop();
    return result;
  }

  override toSeedJSON(): TimerStatus {
    const s = this.snapshot();
    const m = this.meter.toSeedJSON();
    return {
      count: s.count,
      min: s.min,
      max: s.max,
      mean: s.mean,
      stddev: s.stddev,
      p50: s.p50,
      p75: s.p75,
      p95: s.p95,
      p98: s.p98,
      p99: s.p99,
      p999: s.p999,
      fiveMinuteRate: m.fiveMinuteRate,
      oneMinuteRate: m.oneMinuteRate,
      fifteenMinuteRate: m.fifteenMinuteRate,
      meanRate: m.meanRate,
      durationUnit: 'milliseconds',
    };
  }

  /** Dropwizard metrics-servlet timer: Jackson's field order, durations in ms. */
  override toServletJSON(): TimerServletJSON {
    const m = this.meter.toServletJSON();
    return {
      ...super.toServletJSON(),
      m15_rate: m.m15_rate,
      m1_rate: m.m1_rate,
      m5_rate: m.m5_rate,
      mean_rate: m.mean_rate,
      duration_units: 'milliseconds',
      rate_units: 'calls/second',
    };
  }
}

export interface TimerServletJSON extends HistogramStats {
  m15_rate: number;
  m1_rate: number;
  m5_rate: number;
  mean_rate: number;
  duration_units: 'milliseconds';
  rate_units: 'calls/second';
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
