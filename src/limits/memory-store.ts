import { type GcraOutcome, gcra, type RatePolicy } from './gcra.js';
import { type Linked, RecencyList } from './recency-list.js';
import type { LimitStore } from './store.js';

export interface MemoryStoreOptions {
  /** Most keys kept; past it the least recently used keys go (those whose budget is full again first). Default 100 000. */
  maxKeys?: number;
}

/** Least recently used keys looked at per new key when full: enough to shed expired keys as fast as they come, and O(1). */
const EVICTION_LOOKAHEAD = 4;

/** One key's state: its TAT, the policy table it lives in, and its place in the recency list. */
class Entry implements Linked<Entry> {
  older: Entry | undefined;
  newer: Entry | undefined;

  constructor(
    readonly key: string,
    public tat: number,
    readonly table: Map<string, Entry>,
  ) {}
}

/**
 * The default store: one TAT per key, decided synchronously — no promise, no timer. Every key is
 * also in one list in order of use (a decision moves its key to the recent end), so making room
 * is O(1) however many keys there are: it looks at the few least recently used keys only. A key
 * whose TAT lies in the past has its whole budget and carries no information, so those go first;
 * a caller hammering past its limit stays at the recent end and keeps its spent budget.
 */
export class MemoryStore implements LimitStore {
  readonly kind = 'memory';
  /** Per policy, so keys are used as given (no concatenated string to hash on every decision). */
  private readonly byPolicy = new Map<RatePolicy, Map<string, Entry>>();
  private readonly recency = new RecencyList<Entry>();
  private keys = 0;
  private readonly maxKeys: number;

  constructor(options: MemoryStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1)
      throw new RangeError('MemoryStore: `maxKeys` must be a positive integer');
    this.maxKeys = maxKeys;
  }

  consume(key: string, policy: RatePolicy, now: number, cost: number): GcraOutcome {
    let table = this.byPolicy.get(policy);
    if (!table) {
      table = new Map();
      this.byPolicy.set(policy, table);
    }
    const entry = table.get(key);
    const outcome = gcra(entry?.tat ?? 0, now, policy, cost);
    if (entry) {
      if (outcome.allowed) entry.tat = outcome.tat;
      this.recency.touch(entry);
    } else if (outcome.allowed) {
      if (this.keys >= this.maxKeys) this.makeRoom(now);
      const created = new Entry(key, outcome.tat, table);
      table.set(key, created);
      this.recency.append(created);
      this.keys++;
    }
    return outcome;
  }

  get size(): number {
    return this.keys;
  }

  reset(): void {
    this.byPolicy.clear();
    this.recency.clear();
    this.keys = 0;
  }

  /**
   * Of the few least recently used keys, drops those whose budget is full again (they carry no
   * information); when none is, drops the least recently used one, whose budget is then forgotten.
   */
  private makeRoom(now: number): void {
    let freed = false;
    let candidate = this.recency.oldest;
    for (let looked = 0; candidate && looked < EVICTION_LOOKAHEAD; looked++) {
      const next = candidate.newer;
      if (candidate.tat <= now) {
        this.drop(candidate);
        freed = true;
      }
      candidate = next;
    }
    const oldest = this.recency.oldest;
    if (!freed && oldest) this.drop(oldest);
  }

  private drop(entry: Entry): void {
    this.recency.remove(entry);
    entry.table.delete(entry.key);
    this.keys--;
  }
}
