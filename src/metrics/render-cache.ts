/**
 * A value kept for a fixed time per key, then produced again on the next ask. What `/metrics` and
 * the live `metrics` topic use so that a flood of scrapes renders the registry once per interval.
 */
export class TimedCache<K, V> {
  readonly #entries = new Map<K, { value: V; at: number }>();

  /** `ttlMs` 0 keeps nothing: every `get` produces. */
  constructor(
    readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(key: K, produce: () => V): V {
    if (this.ttlMs <= 0) return produce();
    const now = this.now();
    const entry = this.#entries.get(key);
    if (entry && now - entry.at < this.ttlMs) return entry.value;
    const value = produce();
    this.#entries.set(key, { value, at: now });
    return value;
  }
}
