import { type ClockInput, type MetricsClock, toClock } from './clock.js';
import { ALPHA_M1, ALPHA_M5, ALPHA_M15, advanceRate, instantRate, TICK_INTERVAL_MS } from './ewma.js';
import { checkCount, checkJsonForm, type JsonForm, type MetricOptions } from './json-form.js';

export interface MeterOptions extends MetricOptions {
  clock?: ClockInput;
}

/** Seed 001's meter JSON, in the seed's key order. */
export interface MeterStatus {
  fiveMinuteRate: number;
  oneMinuteRate: number;
  fifteenMinuteRate: number;
  count: number;
  meanRate: number;
}

/** Dropwizard metrics-servlet meter JSON. */
export interface MeterServletJSON {
  count: number;
  m15_rate: number;
  m1_rate: number;
  m5_rate: number;
  mean_rate: number;
  units: 'events/second';
}

/**
 * Events per second with Dropwizard's semantics (see ewma.ts). No timer: elapsed ticks are
 * applied lazily by whoever marks or reads first, all at once.
 */
export class Meter {
  readonly kind = 'meter' as const;
  readonly help: string | undefined;
  readonly jsonForm: JsonForm;
  /** Events since the last tick; the only field `mark()` adds to. */
  private uncounted = 0;
  /** Events up to the last tick. */
  private counted = 0;
  private lastTick: number;
  /** `lastTick + 5 s`: `mark()` compares the clock's recent reading with it. */
  private tickDue: number;
  private m1 = 0;
  private m5 = 0;
  private m15 = 0;
  private seeded = false;
  private readonly startTime: number;
  private readonly clock: MetricsClock;

  constructor(options: MeterOptions = {}) {
    this.clock = toClock(options.clock);
    this.help = options.help;
    this.jsonForm = checkJsonForm(options.jsonForm);
    this.startTime = this.clock.now();
    this.lastTick = this.startTime;
    this.tickDue = this.startTime + TICK_INTERVAL_MS;
  }

  /** Records `n` events (default 1). Hot path: one compare, one add, no allocation. */
  mark(n = 1): void {
    if (n !== 1) checkCount(n, 'Meter.mark');
    if (this.clock.recent > this.tickDue) this.tickIfNecessary();
    this.uncounted += n;
  }

  get count(): number {
    return this.counted + this.uncounted;
  }

  /** Events per second since creation; 0 before the first event. */
  get meanRate(): number {
    const count = this.count;
    if (count === 0) return 0;
    const elapsedSeconds = (this.clock.now() - this.startTime) / 1000;
    return elapsedSeconds > 0 ? count / elapsedSeconds : 0;
  }

  get oneMinuteRate(): number {
    this.tickIfNecessary();
    return this.m1;
  }

  get fiveMinuteRate(): number {
    this.tickIfNecessary();
    return this.m5;
  }

  get fifteenMinuteRate(): number {
    this.tickIfNecessary();
    return this.m15;
  }

  /** Applies every tick that has elapsed (Dropwizard's `tickIfNecessary`, closed-form catch-up). */
  tickIfNecessary(): void {
    const now = this.clock.now();
    const age = now - this.lastTick;
    if (!(age > TICK_INTERVAL_MS)) return;
    const ticks = Math.floor(age / TICK_INTERVAL_MS);
    this.lastTick = now - (age % TICK_INTERVAL_MS);
    this.tickDue = this.lastTick + TICK_INTERVAL_MS;
    const instant = instantRate(this.uncounted);
    this.counted += this.uncounted;
    this.uncounted = 0;
    this.m1 = advanceRate(this.m1, this.seeded, instant, ALPHA_M1, ticks - 1);
    this.m5 = advanceRate(this.m5, this.seeded, instant, ALPHA_M5, ticks - 1);
    this.m15 = advanceRate(this.m15, this.seeded, instant, ALPHA_M15, ticks - 1);
    this.seeded = true;
  }

  toSeedJSON(): MeterStatus {
    this.tickIfNecessary();
    return {
      fiveMinuteRate: this.m5,
      oneMinuteRate: this.m1,
      fifteenMinuteRate: this.m15,
      count: this.count,
      meanRate: this.meanRate,
    };
  }

  toServletJSON(): MeterServletJSON {
    this.tickIfNecessary();
    return {
      count: this.count,
      m15_rate: this.m15,
      m1_rate: this.m1,
      m5_rate: this.m5,
      mean_rate: this.meanRate,
      units: 'events/second',
    };
  }

  readStatus(): MeterStatus | MeterServletJSON {
    return this.jsonForm === 'servlet' ? this.toServletJSON() : this.toSeedJSON();
  }
}
