/**
 * Statistics of a sample, with Dropwizard's definitions (UniformSnapshot): quantile q
 * interpolates between the sorted values at 1-based position `q * (n + 1)`, clamped to the
 * extremes; stddev is the sample standard deviation (n - 1).
 *
 * Quantiles come from a bucketed partial sort (see QuantileSelector) rather than a full sort.
 */
export interface HistogramStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  stddev: number;
  p50: number;
  p75: number;
  p95: number;
  p98: number;
  p99: number;
  p999: number;
}

export const QUANTILES = [
  ['p50', 0.5],
  ['p75', 0.75],
  ['p95', 0.95],
  ['p98', 0.98],
  ['p99', 0.99],
  ['p999', 0.999],
] as const;

/** Quantile of an already sorted array (the reference definition). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = q * (n + 1);
  const index = Math.floor(pos);
  if (index < 1) return sorted[0];
  if (index >= n) return sorted[n - 1];
  const lower = sorted[index - 1];
  const upper = sorted[index];
  return lower + (pos - index) * (upper - lower);
}

/**
 * Describes `values` (reordered in place). `count` is passed in: Dropwizard reports the lifetime
 * count beside windowed statistics.
 */
export function summarize(values: Float64Array, count: number): HistogramStats {
  const n = values.length;
  if (n === 0) {
    return { count, min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p75: 0, p95: 0, p98: 0, p99: 0, p999: 0 };
  }
  let sum = 0;
  let min = values[0];
  let max = values[0];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    squares += d * d;
  }
  const q = new QuantileSelector(values, min, max);
  return {
    count,
    min,
    max,
    mean,
    stddev: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
    p50: q.at(0.5),
    p75: q.at(0.75),
    p95: q.at(0.95),
    p98: q.at(0.98),
    p99: q.at(0.99),
    p999: q.at(0.999),
  };
}

/**
 * Quantiles by bucketing: one counting pass puts every value into one of 256 equal-width buckets
 * between min and max, one pass lays the buckets out in order (a counting sort by bucket), and
 * only the few buckets holding a wanted rank are sorted. Both passes are branch-free, unlike a
 * comparison sort or quickselect on random data, where mispredicted branches dominate. A skewed
 * sample (one huge outlier) degrades to sorting one large bucket: no worse than sorting it all.
 *
 * The buffers are module-level and reused: `summarize` is synchronous, so never re-entered.
 */
const BUCKETS = 256;
const starts = new Uint32Array(BUCKETS + 1);
const cursors = new Uint32Array(BUCKETS);
const sortedBuckets = new Uint8Array(BUCKETS);
let bucketOf = new Uint8Array(1028);
let ordered = new Float64Array(1028);

class QuantileSelector {
  private readonly n: number;

  constructor(
    values: Float64Array,
    private readonly min: number,
    private readonly max: number,
  ) {
    const n = values.length;
    this.n = n;
    if (ordered.length < n) {
      ordered = new Float64Array(n);
      bucketOf = new Uint8Array(n);
    }
    starts.fill(0);
    sortedBuckets.fill(0);
    // Scaled so that max lands in the last bucket, never one past it.
    const scale = max > min ? (BUCKETS - 1e-9) / (max - min) : 0;
    for (let i = 0; i < n; i++) {
      const b = ((values[i] - min) * scale) | 0;
      bucketOf[i] = b;
      starts[b + 1]++;
    }
    for (let b = 1; b <= BUCKETS; b++) starts[b] += starts[b - 1];
    cursors.set(starts.subarray(0, BUCKETS));
    for (let i = 0; i < n; i++) ordered[cursors[bucketOf[i]]++] = values[i];
  }

  at(q: number): number {
    const n = this.n;
    const pos = q * (n + 1);
    const index = Math.floor(pos);
    if (index < 1) return this.min;
    if (index >= n) return this.max;
    const lower = this.rank(index - 1);
    const fraction = pos - index;
    return fraction === 0 ? lower : lower + fraction * (this.rank(index) - lower);
  }

  /** The value of 0-based rank `r` in sorted order. */
  private rank(r: number): number {
    let lo = 0;
    let hi = BUCKETS - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= r) lo = mid;
      else hi = mid - 1;
    }
    if (sortedBuckets[lo] === 0) {
      sortRange(ordered, starts[lo], starts[lo + 1]);
      sortedBuckets[lo] = 1;
    }
    return ordered[r];
  }
}

/** Sorts a[from..to): insertion sort for the usual handful of values, the native sort beyond. */
function sortRange(a: Float64Array, from: number, to: number): void {
  if (to - from > 32) {
    a.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= from && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
