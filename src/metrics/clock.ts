/**
 * Clocks for metrics, in milliseconds.
 *
 * The hot paths (`Meter.mark`, `Histogram.update`) must not call a clock: `performance.now()` costs
 * tens of nanoseconds, ten times the budget of a mark. So a clock also exposes `recent`, a plain
 * field holding a recent reading, which the hot path compares against the next tick boundary.
 * Reads and tick catch-up call `now()` for the exact time.
 */
export interface MetricsClock {
  /** The exact time in milliseconds (monotonic for the default clock). */
  now(): number;
  /** A recent reading of `now()`, never ahead of it; read as a field, so it costs no call. */
  readonly recent: number;
}

/** What callers may pass as a clock: a full clock, or a plain `() => ms` function. */
export type ClockInput = MetricsClock | (() => number);

export interface SystemClockOptions {
  /** How often the shared timer refreshes `recent`, in ms (default 250). */
  resolutionMs?: number;
}

/**
 * `performance.now()`, with `recent` refreshed by one shared, unref'd timer (not one per metric)
 * and by every exact read. A mark can therefore land in the interval before a tick boundary it
 * crossed less than `resolutionMs` ago; the documented price of a 2 ns mark.
 */
export class SystemClock implements MetricsClock {
  recent: number;
  readonly resolutionMs: number;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(options: SystemClockOptions = {}) {
    const resolution = options.resolutionMs ?? 250;
    if (!Number.isFinite(resolution) || resolution <= 0) {
      throw new RangeError(`SystemClock: resolutionMs must be a positive number, got ${resolution}`);
    }
    this.resolutionMs = resolution;
    this.recent = performance.now();
    this.timer = setInterval(() => {
      this.recent = performance.now();
    }, resolution);
    this.timer.unref();
  }

  now(): number {
    const t = performance.now();
    this.recent = t;
    return t;
  }

  /** Stops the refresh timer (only needed for clocks you created yourself). */
  stop(): void {
    clearInterval(this.timer);
  }
}

let shared: SystemClock | undefined;

/** The process-wide default clock, created (and its timer started) on first use. */
export function systemClock(): SystemClock {
  shared ??= new SystemClock();
  return shared;
}

/** A clock that moves only when told to: for tests and simulations. */
export class ManualClock implements MetricsClock {
  recent: number;

  constructor(start = 0) {
    this.recent = start;
  }

  now(): number {
    return this.recent;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ManualClock: cannot advance by ${ms}`);
    this.recent += ms;
  }

  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`ManualClock: cannot set to ${ms}`);
    this.recent = ms;
  }
}

/** Wraps a plain function; `recent` calls it, so the hot path pays one call per mark. */
class FunctionClock implements MetricsClock {
  constructor(private readonly read: () => number) {}
  now(): number {
    return this.read();
  }
  get recent(): number {
    return this.read();
  }
}

export function toClock(input: ClockInput | undefined): MetricsClock {
  if (input === undefined) return systemClock();
  if (typeof input === 'function') return new FunctionClock(input);
  if (typeof input === 'object' && input !== null && typeof input.now === 'function') return input;
  throw new TypeError('metrics clock: expected a function returning ms or an object with now() and recent');
}
