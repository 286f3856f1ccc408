/** Shared helpers for benchmarks: medians and aligned tables. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function printTable(title: string, rows: string[][]): void {
  console.log(`\n== ${title}`);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i])).join('   ')}`);
}

/** One figure against its target, as `npm run bench` prints them: `PASS  what: value (target ...)`. */
export function verdict(figure: string, value: string, target: string, pass: boolean): void {
  console.log(`${pass ? 'PASS' : 'FAIL'}  ${figure}: ${value} (target ${target})`);
}
