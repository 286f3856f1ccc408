import { type GcraOutcome, gcra, type RatePolicy } from './gcra.js';
import type { LimitStore } from './store.js';

export interface MemoryStoreOptions {
  /** Most keys kept; past it, keys whose budget is full again are dropped, then the oldest. Default 100 000. */
  maxKeys?: number;
}

/**
 * The default store: one number (the TAT) per key in a Map, decided synchronously — no promise,
 * no timer. A key whose TAT lies in the past has its whole budget and carries no information, so
 * it is simply dropped when memory is needed.
 */
export class MemoryStore implements LimitStore {
  readonly kind = 'memory';
  /** Per policy, so keys are used as given (no concatenated string to hash on every decision). */
  private readonly byPolicy = new Map<RatePolicy, Map<string, number>>();
  private keys = 0;
  private readonly maxKeys: number;

  constructor(options: MemoryStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1)
      throw new RangeError('MemoryStore: `maxKeys` must be a positive integer');
    this.maxKeys = maxKeys;
  }

  consume(key: string, policy: RatePolicy, now: number, cost: number): GcraOutcome {
    let tats = this.byPolicy.get(policy);
    if (!tats) {
      tats = new Map();
      this.byPolicy.set(policy, tats);
    }
    const tat = tats.get(key);
    const outcome = gcra(tat ?? 0, now, policy, cost);
    if (outcome.allowed) {
      if (tat === undefined) {
        if (this.keys >= this.maxKeys) this.makeRoom(now);
        this.keys++;
      }
      tats.set(key, outcome.tat);
    }
    return outcome;
  }

  get size(): number {
    return this.keys;
  }

  reset(): void {
    this.byPolicy.clear();
    this.keys = 0;
  }

  private makeRoom(now: number): void {
    for (const tats of this.byPolicy.values()) {
      for (const [key, tat] of tats) if (tat <= now) tats.delete(key);
    }
    this.keys = this.count();
    // Still full: every key is mid-budget. Forget the oldest inserted (Maps keep insertion order).
    for (const tats of this.byPolicy.values()) {
      for (const key of tats.keys()) {
        if (this.keys < this.maxKeys) return;
        tats.delete(key);
        this.keys--;
      }
    }
  }

  private count(): number {
    let total = 0;
    for (const tats of this.byPolicy.values()) total += tats.size;
    return total;
  }
}
