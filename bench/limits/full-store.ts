/**
 * A full in-memory store (100 000 keys, all mid-budget) taking decisions for callers it has never
 * seen, each of which needs room: statuskit's MemoryStore (LRU order, O(1) eviction) against
 * rate-limiter-flexible's RateLimiterMemory holding as many keys, and against the scan-on-insert
 * eviction statuskit had before (kept here as the baseline of issue 15 item 9). Median ns per
 * decision over 7 rounds; ratios printed, nothing asserted.
 * Run: node --import tsx bench/limits/full-store.ts
 */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { RatePolicy } from '../../src/limits/gcra.js';
import { gcra } from '../../src/limits/gcra.js';
import { MemoryStore } from '../../src/limits/index.js';

const KEYS = 100_000;
const POLICY: RatePolicy = { name: 'anonymous', limit: 1_000_000, windowMs: 3_600_000 };
const now = Date.now();

/** The eviction statuskit replaced: drop every expired key, then the oldest inserted, by scanning. */
class ScanningStore {
  private readonly tats = new Map<string, number>();
  consume(key: string, at: number): boolean {
    const tat = this.tats.get(key);
    const outcome = gcra(tat ?? 0, at, POLICY, 1);
    if (tat === undefined && this.tats.size >= KEYS) {
      for (const [old, value] of this.tats) if (value <= at) this.tats.delete(old);
      for (const old of this.tats.keys()) {
        if (this.tats.size < KEYS) break;
        this.tats.delete(old);
      }
    }
    this.tats.set(key, outcome.tat);
    return outcome.allowed;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

let fresh = 0;
const newKey = () => `new-${fresh++}`;

async function timeRounds(
  perRound: number,
  decide: (key: string) => unknown | Promise<unknown>,
): Promise<number> {
  const rounds: number[] = [];
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) await decide(newKey());
    rounds.push(Number(process.hrtime.bigint() - start) / perRound);
  }
  return median(rounds);
}

const ours = new MemoryStore({ maxKeys: KEYS });
const scanning = new ScanningStore();
const theirs = new RateLimiterMemory({ points: POLICY.limit, duration: POLICY.windowMs / 1000 });
for (let i = 0; i < KEYS; i++) {
  ours.consume(`seed-${i}`, POLICY, now, 1);
  scanning.consume(`seed-${i}`, now);
  await theirs.consume(`seed-${i}`);
}

const oursNs = await timeRounds(20_000, (key) => ours.consume(key, POLICY, now, 1));
const scanNs = await timeRounds(100, (key) => scanning.consume(key, now));
const theirsNs = await timeRounds(20_000, (key) => theirs.consume(key));
console.log(`full store (${KEYS} keys), decision for a new caller, median ns:`);
console.log(`  statuskit MemoryStore (LRU)     ${oursNs.toFixed(0)} ns, size stays ${ours.size}`);
console.log(
  `  scan-on-insert (before)         ${scanNs.toFixed(0)} ns  (${(scanNs / oursNs).toFixed(0)}x statuskit)`,
);
console.log(
  `  rate-limiter-flexible memory    ${theirsNs.toFixed(0)} ns  (${(theirsNs / oursNs).toFixed(1)}x statuskit)`,
);
process.exit(0);
