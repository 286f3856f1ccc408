/**
 * A Map with a hard size cap that evicts its oldest entries (insertion order) when full. Every
 * piece of state the access layer keeps per client, nonce or token lives in one of these, so an
 * attacker can never grow memory without bound.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    readonly capacity: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`BoundedMap capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    if (this.entries.has(key)) this.entries.delete(key);
    else if (this.entries.size >= this.capacity) this.evictOldest();
    this.entries.set(key, value);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Removes entries from the oldest end while `expired` says so; stops at the first live one. */
  pruneOldest(expired: (value: V) => boolean): void {
    for (const [key, value] of this.entries) {
      if (!expired(value)) return;
      this.entries.delete(key);
    }
  }

  private evictOldest(): void {
    const oldest = this.entries.entries().next();
    if (oldest.done) return;
    const [key, value] = oldest.value;
    this.entries.delete(key);
    this.onEvict?.(key, value);
  }
}
