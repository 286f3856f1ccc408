import { derived } from '../vitals/precision.js';

/** How a series' points are folded into one coarse point: the mean (figures) or the worst (levels). */
export type Aggregate = 'mean' | 'max';

/** One sample of every chart: chart name -> series label -> value (NaN, null: no value this time). */
export type SampleValues = ReadonlyMap<string, ReadonlyMap<string, number | null>>;

export interface StoreOptions {
  /** Points of the fine ring (the sampling interval's resolution). */
  fineCapacity: number;
  /** Milliseconds one coarse point covers. */
  coarseStepMs: number;
  /** Points of the coarse ring. */
  coarseCapacity: number;
  /** Series kept at most, over all charts; further series are not recorded. */
  maxSeries: number;
  /** How each chart aggregates into coarse points (default mean). */
  aggregateOf(chart: string): Aggregate;
}

/** One resolution's time column: a fixed circular buffer shared by every series' column of it. */
class TimeRing {
  readonly times: Float64Array;
  /** Physical index of the next write. */
  head = 0;
  length = 0;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
  }

  /** Claims the next slot for `time`; returns its physical index. */
  push(time: number): number {
    const slot = this.head;
    this.times[slot] = time;
    this.head = (slot + 1) % this.capacity;
    if (this.length < this.capacity) this.length += 1;
    return slot;
  }

  /** Physical index of the logical position `i` (0 = oldest). */
  slot(i: number): number {
    return (this.head - this.length + i + this.capacity) % this.capacity;
  }

  timeAt(i: number): number {
    return this.times[this.slot(i)];
  }

  /** First logical index whose time is after `since` (times only grow): a binary search. */
  firstAfter(since: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) > since) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** One series: a column per resolution and the running aggregate of the coarse point being filled. */
class Series {
  readonly fine: Float64Array;
  readonly coarse: Float64Array;
  sum = 0;
  count = 0;
  max = Number.NEGATIVE_INFINITY;
  /** Time of the latest real value: a series silent for longer than both rings hold can be evicted. */
  lastSeen: number;

  constructor(
    fineCapacity: number,
    coarseCapacity: number,
    readonly aggregate: Aggregate,
    now: number,
  ) {
    this.fine = new Float64Array(fineCapacity).fill(Number.NaN);
    this.coarse = new Float64Array(coarseCapacity).fill(Number.NaN);
    this.lastSeen = now;
  }

  add(value: number): void {
    this.sum += value;
    this.count += 1;
    if (value > this.max) this.max = value;
  }

  /** The coarse point of the bucket just closed, and a fresh start for the next. */
  fold(): number {
    const value =
      this.count === 0 ? Number.NaN : this.aggregate === 'max' ? this.max : derived(this.sum / this.count);
    this.sum = 0;
    this.count = 0;
    this.max = Number.NEGATIVE_INFINITY;
    return value;
  }
}

/** A stretch of one ring, oldest first, for an answer. */
interface Stretch {
  ring: TimeRing;
  from: number;
  to: number;
  column: (series: Series) => Float64Array;
}

/**
 * Every chart series at two resolutions, in preallocated typed arrays: the fine ring at the
 * sampling interval (the last hour by default) and the coarse ring of aggregated points (one a
 * minute for 24 h). Recording a sample writes one number per series and folds a coarse point once
 * per coarse step: constant work per series, no allocation after a series' first value. Memory is
 * fixed by the capacities and `maxSeries`: 8 bytes × (fine + coarse points) per series.
 */
export class HistoryStore {
  private readonly fine: TimeRing;
  private readonly coarse: TimeRing;
  private readonly charts = new Map<string, Map<string, Series>>();
  private seriesCount = 0;
  /** Index of the coarse bucket being filled (time / coarseStepMs, floored). */
  private bucket: number | undefined;
  /** Series refused because `maxSeries` were already kept. */
  droppedSeries = 0;

  constructor(private readonly options: StoreOptions) {
    this.fine = new TimeRing(options.fineCapacity);
    this.coarse = new TimeRing(options.coarseCapacity);
  }

  /** Samples recorded so far (fine points ever written): a version for caches of answers. */
  samples = 0;

  get series(): number {
    return this.seriesCount;
  }

  /** Bytes held by the rings: the figure the memory cap is about. */
  get bytes(): number {
    const perSeries = (this.options.fineCapacity + this.options.coarseCapacity) * 8;
    return perSeries * (this.seriesCount + 1);
  }

  /** Time of the newest sample, or undefined before the first. */
  get latestTime(): number | undefined {
    return this.fine.length === 0 ? undefined : this.fine.timeAt(this.fine.length - 1);
  }

  get oldestTime(): number | undefined {
    if (this.coarse.length > 0) return this.coarse.timeAt(0);
    return this.fine.length === 0 ? undefined : this.fine.timeAt(0);
  }

  record(time: number, values: SampleValues): void {
    const latest = this.latestTime;
    if (latest !== undefined && time <= latest) return; // a clock step back: keep times increasing
    const bucket = Math.floor(time / this.options.coarseStepMs);
    if (this.bucket !== undefined && bucket !== this.bucket) this.closeBucket();
    this.bucket = bucket;
    const slot = this.fine.push(time);
    this.samples += 1;
    for (const chart of this.charts.values())
      for (const series of chart.values()) series.fine[slot] = Number.NaN;
    for (const [chart, entries] of values) {
      for (const [label, value] of entries) {
        if (typeof value !== 'number' || !Number.isFinite(value)) continue;
        const series = this.seriesFor(chart, label, time);
        if (!series) continue;
        series.fine[slot] = value;
        series.lastSeen = time;
        series.add(value);
      }
    }
  }

  /** The charts and labels kept, in the order they first appeared. */
  chartNames(): string[] {
    return [...this.charts.keys()];
  }

  /**
   * The `"time":[...],"charts":{...}` members of an answer covering the points after `since`: the
   * fine ring when it reaches back that far; otherwise the coarse ring, then the fine points of
   * the coarse bucket not yet closed. Serialized straight from the rings, in one pass.
   */
  windowJson(since: number, charts: readonly string[]): string {
    const stretches = this.stretchesAfter(since);
    const times: string[] = [];
    for (const { ring, from, to } of stretches)
      for (let i = from; i < to; i++) times.push(String(ring.timeAt(i)));
    const chartParts: string[] = [];
    for (const name of charts) {
      const chart = this.charts.get(name);
      if (!chart) continue;
      const seriesParts: string[] = [];
      for (const [label, series] of chart) {
        const values: string[] = [];
        for (const { ring, from, to, column } of stretches) {
          const data = column(series);
          for (let i = from; i < to; i++) values.push(numberJson(data[ring.slot(i)]));
        }
        seriesParts.push(`${JSON.stringify(label)}:[${values.join(',')}]`);
      }
      chartParts.push(`${JSON.stringify(name)}:{${seriesParts.join(',')}}`);
    }
    return `"time":[${times.join(',')}],"charts":{${chartParts.join(',')}}`;
  }

  /** The latest sample's values of `charts` as `{"chart":{"label":value}}`. */
  latestJson(charts: readonly string[]): string {
    if (this.fine.length === 0) return '{}';
    const slot = this.fine.slot(this.fine.length - 1);
    const parts: string[] = [];
    for (const name of charts) {
      const chart = this.charts.get(name);
      if (!chart) continue;
      const values: string[] = [];
      for (const [label, series] of chart) {
        const value = series.fine[slot];
        if (!Number.isNaN(value)) values.push(`${JSON.stringify(label)}:${numberJson(value)}`);
      }
      if (values.length > 0) parts.push(`${JSON.stringify(name)}:{${values.join(',')}}`);
    }
    return `{${parts.join(',')}}`;
  }

  private stretchesAfter(since: number): Stretch[] {
    const fine: Stretch = {
      ring: this.fine,
      from: this.fine.firstAfter(since),
      to: this.fine.length,
      column: (series) => series.fine,
    };
    // Until it wraps, the fine ring holds everything ever recorded, at its finest.
    const fineHoldsAll = this.fine.length < this.fine.capacity;
    const fineReaches = fineHoldsAll || this.fine.timeAt(0) <= since + this.options.coarseStepMs;
    if (fineReaches || this.coarse.length === 0) return [fine];
    // Coarse points are stamped with their bucket's start: include the bucket that holds `since`.
    const coarse: Stretch = {
      ring: this.coarse,
      from: this.coarse.firstAfter(since - this.options.coarseStepMs),
      to: this.coarse.length,
      column: (series) => series.coarse,
    };
    const openBucketStart = this.coarse.timeAt(this.coarse.length - 1) + this.options.coarseStepMs;
    fine.from = this.fine.firstAfter(openBucketStart - 1);
    return [coarse, fine];
  }

  private closeBucket(): void {
    const slot = this.coarse.push(this.bucket! * this.options.coarseStepMs);
    for (const chart of this.charts.values())
      for (const series of chart.values()) series.coarse[slot] = series.fold();
  }

  private seriesFor(chartName: string, label: string, now: number): Series | undefined {
    let chart = this.charts.get(chartName);
    const existing = chart?.get(label);
    if (existing) return existing;
    if (this.seriesCount >= this.options.maxSeries && !this.evictSilent()) {
      this.droppedSeries += 1;
      return undefined;
    }
    if (!chart) {
      chart = new Map();
      this.charts.set(chartName, chart);
    }
    const { fineCapacity, coarseCapacity } = this.options;
    const series = new Series(fineCapacity, coarseCapacity, this.options.aggregateOf(chartName), now);
    chart.set(label, series);
    this.seriesCount += 1;
    return series;
  }

  /**
   * Makes room by dropping one series with no value left in either ring (a target removed a day
   * ago). Runs only when the cap is reached, so churn never costs the regular sample.
   */
  private evictSilent(): boolean {
    const oldest = this.oldestTime ?? Number.POSITIVE_INFINITY;
    for (const [chartName, chart] of this.charts) {
      for (const [label, series] of chart) {
        if (series.lastSeen >= oldest) continue;
        chart.delete(label);
        if (chart.size === 0) this.charts.delete(chartName);
        this.seriesCount -= 1;
        return true;
      }
    }
    return false;
  }
}

function numberJson(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
