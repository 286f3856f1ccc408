/**
 * Retention of the history, kept pure: what is old enough to delete, and when to look again. Pruning
 * runs at start and then regularly, often enough that the file never holds much more than the
 * retention, rarely enough that deleting costs nothing next to polling.
 */
export const DEFAULT_RETAIN_MS = 30 * 86_400_000;

const MIN_PRUNE_EVERY_MS = 1000;
const MAX_PRUNE_EVERY_MS = 3_600_000;

/** Rows older than this (epoch ms) are deleted. */
export function retentionCutoff(now: number, retainMs: number): number {
  return now - retainMs;
}

/** A tenth of the retention, between 1 s and 1 h: a 30-day history is pruned hourly. */
export function pruneEvery(retainMs: number): number {
  return Math.min(MAX_PRUNE_EVERY_MS, Math.max(MIN_PRUNE_EVERY_MS, Math.round(retainMs / 10)));
}

export function pruneDue(lastPrunedAt: number | undefined, now: number, retainMs: number): boolean {
  return lastPrunedAt === undefined || now - lastPrunedAt >= pruneEvery(retainMs);
}
