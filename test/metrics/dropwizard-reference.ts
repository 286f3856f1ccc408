/**
 * A reference meter written straight from Dropwizard Metrics' published algorithm (Meter,
 * ExponentialMovingAverages and EWMA in metrics-core), kept deliberately literal so it shares
 * nothing with src/metrics but the formulas:
 *
 * - time in nanoseconds; a tick every 5 s (5e9 ns);
 * - alpha(N) = 1 - exp(-5 / 60 / N): one tick's weight for the N-minute average;
 * - every mark and every rate read first runs `tickIfNecessary()`: when more than one interval
 *   has passed since `lastTick`, it moves `lastTick` to the start of the current interval and runs
 *   `age / interval` ticks one by one (a loop; statuskit uses a closed form, hence the tolerance);
 * - EWMA.tick(): `instantRate = uncounted / interval` (events per ns); first tick `rate = instantRate`,
 *   later `rate += alpha * (instantRate - rate)`; rates are read per second (`rate * 1e9`);
 * - meanRate = count / elapsed seconds since creation, 0 when count is 0.
 *
 * statuskit adds one documented rule on top: a rate below 1e-12/s reads as 0 (no denormals).
 */
const TICK_NS = 5e9;

class ReferenceEWMA {
  rate = 0;
  uncounted = 0;
  initialized = false;
  constructor(readonly alpha: number) {}
  update(n: number): void {
    this.uncounted += n;
  }
  tick(): void {
    const instantRate = this.uncounted / TICK_NS;
    this.uncounted = 0;
    if (this.initialized) {
      this.rate += this.alpha * (instantRate - this.rate);
    } else {
      this.rate = instantRate;
      this.initialized = true;
    }
  }
  perSecond(): number {
    return this.rate * 1e9;
  }
}

export class ReferenceMeter {
  count = 0;
  readonly m1 = new ReferenceEWMA(1 - Math.exp(-5 / 60 / 1));
  readonly m5 = new ReferenceEWMA(1 - Math.exp(-5 / 60 / 5));
  readonly m15 = new ReferenceEWMA(1 - Math.exp(-5 / 60 / 15));
  private lastTick: number;
  private readonly startTime: number;

  /** `nowMs` reads the same manual clock as the meter under test. */
  constructor(private readonly nowMs: () => number) {
    this.startTime = this.ns();
    this.lastTick = this.startTime;
  }

  private ns(): number {
    return Math.round(this.nowMs() * 1e6);
  }

  private tickIfNecessary(): void {
    const newTick = this.ns();
    const age = newTick - this.lastTick;
    if (age > TICK_NS) {
      this.lastTick = newTick - (age % TICK_NS);
      const requiredTicks = Math.floor(age / TICK_NS);
      for (let i = 0; i < requiredTicks; i++) {
        this.m1.tick();
        this.m5.tick();
        this.m15.tick();
      }
    }
  }

  mark(n = 1): void {
    this.tickIfNecessary();
    this.count += n;
    this.m1.update(n);
    this.m5.update(n);
    this.m15.update(n);
  }

  read() {
    this.tickIfNecessary();
    const elapsedNs = this.ns() - this.startTime;
    return {
      count: this.count,
      meanRate: this.count === 0 ? 0 : (this.count / elapsedNs) * 1e9,
      oneMinuteRate: this.m1.perSecond(),
      fiveMinuteRate: this.m5.perSecond(),
      fifteenMinuteRate: this.m15.perSecond(),
    };
  }
}
