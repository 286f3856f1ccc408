/**
 * A tiny benchmark harness: each case runs `rounds` times over `iterations` operations. Cases
 * alternate within a round so machine noise hits them alike, and comparisons use the median of
 * per-round ratios, which is steadier than a ratio of medians on a loaded machine.
 */
export interface Case {
  name: string;
  /** Runs `n` operations. */
  run: (n: number) => void;
  /** The case runs `iterations / divisor` operations (for slow competitors); default 1. */
  divisor?: number;
}

/** ns/op of every round, per case name. */
export function measure(cases: Case[], iterations: number, rounds = 15): Map<string, number[]> {
  for (const c of cases) c.run(Math.min(iterations, 200_000)); // warm-up: let V8 optimise
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const ops = Math.floor(iterations / (c.divisor ?? 1));
      const start = process.hrtime.bigint();
      c.run(ops);
      samples.get(c.name)!.push(Number(process.hrtime.bigint() - start) / ops);
    }
  }
  return samples;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median over rounds of ours[i] / theirs[i]. */
export function medianRatio(ours: number[], theirs: number[]): number {
  return median(ours.map((v, i) => v / theirs[i]));
}

export function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'FAIL';
}
