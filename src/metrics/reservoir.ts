/**
 * A sliding window of samples: the most recent `size` values that are not older than
 * `windowMs`. Old values age out by time even when nothing new is recorded (Dropwizard's
 * decaying reservoir keeps them until the next update: its issue #1030), and by count under
 * load, so memory is fixed. Recording is two array writes.
 */
export class SlidingWindowReservoir {
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  /** Reused by every `window()` call: reading allocates nothing but a view. */
  private readonly scratch: Float64Array;
  private next = 0;
  private filled = 0;
  /** Total writes ever; with `lastOldest` it tells whether the window changed. */
  private writes = 0;
  private lastWrites = -1;
  private lastOldest = 0;

  constructor(
    readonly size: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`reservoir size must be a positive integer, got ${size}`);
    if (!(windowMs > 0)) throw new RangeError(`reservoir windowMs must be positive, got ${windowMs}`);
    this.values = new Float64Array(size);
    this.times = new Float64Array(size);
    this.scratch = new Float64Array(size);
  }

  record(value: number, time: number): void {
    const i = this.next;
    this.values[i] = value;
    this.times[i] = time;
    this.next = i + 1 === this.size ? 0 : i + 1;
    if (this.filled < this.size) this.filled++;
    this.writes++;
  }

  /**
   * The values inside the window at `now`, unordered, in a view the next call overwrites (and
   * callers may reorder): read it, do not keep it.
   */
  window(now: number): Float64Array {
    const cutoff = now - this.windowMs;
    const kept = this.scratch;
    let n = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.filled; i++) {
      const t = this.times[i];
      if (t < cutoff) continue;
      kept[n++] = this.values[i];
      if (t < oldest) oldest = t;
    }
    this.lastWrites = this.writes;
    this.lastOldest = oldest;
    return kept.subarray(0, n);
  }

  /** True when `window(now)` would hold the same values as the last call. */
  unchangedSinceLastWindow(now: number): boolean {
    return this.lastWrites === this.writes && this.lastOldest >= now - this.windowMs;
  }
}
