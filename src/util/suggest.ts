/**
 * "Did you mean …?": the closest known name to what someone typed, for mistyped options and
 * commands (CLI) and names in a config file. One distance, two tolerances.
 */

/**
 * The candidate closest to `typed`: within one edit for short names and two for longer ones
 * (a swap of neighbours counts as one edit, so `prot` finds `port`), or the only candidate that
 * starts with it (`--pre` finds `--pretty`). Undefined when nothing is close enough.
 */
export function closest(typed: string, candidates: Iterable<string>): string | undefined {
  const names = [...candidates];
  const allowed = typed.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const name of names) {
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;
  const extensions = typed.length >= 2 ? names.filter((name) => name.startsWith(typed)) : [];
  return extensions.length === 1 ? extensions[0] : undefined;
}

/** The candidate closest to `written` (case-insensitive), if it is within about one typo in three letters. */
export function closestName(written: string, candidates: readonly string[]): string | undefined {
  const word = written.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}
