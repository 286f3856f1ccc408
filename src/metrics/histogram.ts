import { type ClockInput, type MetricsClock, toClock } from './clock.js';
import { checkJsonForm, type JsonForm, type MetricOptions } from './json-form.js';
import { SlidingWindowReservoir } from './reservoir.js';
import { type HistogramStats, QUANTILES, summarize } from './snapshot.js';

export interface HistogramOptions extends MetricOptions {
  clock?: ClockInput;
  /** Most samples kept (default 1028, Dropwizard's reservoir size). */
  size?: number;
  /** Samples older than this age out, in ms (default 300 000: Dropwizard's ~5-minute bias). */
  windowMs?: number;
  /**
   * The unit of recorded values, in Prometheus' base-unit style (`bytes`, `seconds`, `rows`);
   * default none. Prometheus output appends it to the name (`payload` → `payload_bytes`) and
   * OpenMetrics declares it (`# UNIT`); JSON values are raw.
   */
  unit?: string;
}

/**
 * A distribution: lifetime count and sum, and min/max/mean/stddev/quantiles over a sliding
 * window (see reservoir.ts for why sliding rather than exponentially decaying).
 */
export class Histogram {
  readonly kind: 'histogram' | 'timer' = 'histogram';
  readonly help: string | undefined;
  readonly jsonForm: JsonForm;
  readonly unit: string;
  private readonly reservoir: SlidingWindowReservoir;
  protected readonly clock: MetricsClock;
  private total = 0;
  private lifetimeSum = 0;
  private stats: HistogramStats | undefined;
  private windowLength = 0;
  private listeners: ReadonlyArray<(value: number) => void> = [];

  constructor(options: HistogramOptions = {}) {
    this.clock = toClock(options.clock);
    this.reservoir = new SlidingWindowReservoir(options.size ?? 1028, options.windowMs ?? 300_000);
    this.help = options.help;
    this.unit = options.unit ?? '';
    if (!/^([a-z][a-z0-9_]*)?$/.test(this.unit)) {
      throw new TypeError(
        `Histogram: unit must be snake_case like "bytes", got ${JSON.stringify(this.unit)}`,
      );
    }
    this.jsonForm = checkJsonForm(options.jsonForm);
  }

  /** Records one value. Hot path: a type check and a few array writes, no allocation. */
  update(value: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(`Histogram.update: expected a finite number, got ${String(value)}`);
    }
    this.total++;
    this.lifetimeSum += value;
    this.reservoir.record(value, this.clock.recent);
    if (this.listeners.length > 0) for (const listener of this.listeners) listener(value);
  }

  /**
   * Calls `listener` with every value recorded from now on (a bridge to another metrics system,
   * such as OpenTelemetry's histograms, which need each value). Returns its removal.
   */
  onRecord(listener: (value: number) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Values recorded since creation. */
  get count(): number {
    return this.total;
  }

  /** Sum of every value recorded since creation (Prometheus `_sum`). */
  get sum(): number {
    return this.lifetimeSum;
  }

  /** How many values the window held at the last `snapshot()`. */
  get lastWindowSize(): number {
    return this.windowLength;
  }

  /** A sorted copy of the values in the window. */
  values(): Float64Array {
    return Float64Array.from(this.reservoir.window(this.clock.now())).sort();
  }

  /**
   * Lifetime count; min, max, mean, stddev and quantiles over the window, multiplied by `scale`
   * (e.g. 1/1000 for ms → s). Recomputed only when the window changed since the last call.
   */
  snapshot(scale = 1): HistogramStats {
    const now = this.clock.now();
    if (this.stats === undefined || !this.reservoir.unchangedSinceLastWindow(now)) {
      const window = this.reservoir.window(now);
      this.windowLength = window.length;
      this.stats = summarize(window, 0);
    }
    return scaleStats(this.stats, this.total, scale);
  }

  toSeedJSON(): HistogramStats {
    return this.snapshot();
  }

  /** Dropwizard metrics-servlet histogram: the same fields, alphabetical as Jackson writes them. */
  toServletJSON(): HistogramStats {
    const s = this.snapshot();
    return {
      count: s.count,
      max: s.max,
      mean: s.mean,
      min: s.min,
      p50: s.p50,
      p75: s.p75,
      p95: s.p95,
      p98: s.p98,
      p99: s.p99,
      p999: s.p999,
      stddev: s.stddev,
    };
  }

  readStatus(): unknown {
    return this.jsonForm === 'servlet' ? this.toServletJSON() : this.toSeedJSON();
  }
}

function scaleStats(stats: HistogramStats, count: number, scale: number): HistogramStats {
  const out: HistogramStats = {
    count,
    min: stats.min * scale,
    max: stats.max * scale,
    mean: stats.mean * scale,
    stddev: stats.stddev * scale,
    p50: 0,
    p75: 0,
    p95: 0,
    p98: 0,
    p99: 0,
    p999: 0,
  };
  for (const [field] of QUANTILES) out[field] = stats[field] * scale;
  return out;
}
