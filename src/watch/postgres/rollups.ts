/**
 * Rollups of the PostgreSQL history, kept pure: how a sample's span is split into minute, hour and
 * day buckets as it is written, and how a window is answered from the coarsest buckets that fit in
 * it (whole days, then whole hours at its edges, then whole minutes), so 90-day availability reads
 * about a hundred rows instead of a quarter of a million samples.
 */
export const TIERS = [
  { name: 'minute', ms: 60_000 },
  { name: 'hour', ms: 3_600_000 },
  { name: 'day', ms: 86_400_000 },
] as const;

export type TierName = (typeof TIERS)[number]['name'];

/** How long each tier is kept by default (raw samples follow `retain`). */
export const DEFAULT_TIER_RETAIN_MS: Record<TierName, number> = {
  minute: 7 * 86_400_000,
  hour: 90 * 86_400_000,
  day: 800 * 86_400_000,
};

export interface RollupRow {
  tier: TierName;
  bucket: number;
  level: string;
  ms: number;
  samples: number;
  durationSum: number;
}

/** The time [from, to) at `level`, split into every tier's buckets. */
export function spanRows(level: string, from: number, to: number): RollupRow[] {
  const rows: RollupRow[] = [];
  for (const tier of TIERS) {
    for (let bucket = floorTo(from, tier.ms); bucket < to; bucket += tier.ms) {
      const ms = Math.min(to, bucket + tier.ms) - Math.max(from, bucket);
      if (ms > 0) rows.push({ tier: tier.name, bucket, level, ms, samples: 0, durationSum: 0 });
    }
  }
  return rows;
}

/** A sample counted (and its duration summed) in the buckets of its own time. */
export function sampleRows(level: string, time: number, durationMs: number): RollupRow[] {
  return TIERS.map((tier) => ({
    tier: tier.name,
    bucket: floorTo(time, tier.ms),
    level,
    ms: 0,
    samples: 1,
    durationSum: Math.round(durationMs),
  }));
}

/** Rows with the same key added up, so one upsert never touches a row twice. */
export function mergeRows(rows: readonly RollupRow[]): RollupRow[] {
  const merged = new Map<string, RollupRow>();
  for (const row of rows) {
    const key = `${row.tier}|${row.bucket}|${row.level}`;
    const found = merged.get(key);
    if (!found) merged.set(key, { ...row });
    else {
      found.ms += row.ms;
      found.samples += row.samples;
      found.durationSum += row.durationSum;
    }
  }
  return [...merged.values()];
}

export interface TierRange {
  tier: TierName;
  /** Bucket starts from `from` (inclusive) to `to` (exclusive). */
  from: number;
  to: number;
}

/** The window as ranges of whole buckets, coarsest first; edges finer than a minute are left out. */
export function windowRanges(start: number, end: number): TierRange[] {
  const ranges: TierRange[] = [];
  const cover = (from: number, to: number, tierIndex: number) => {
    if (to <= from || tierIndex < 0) return;
    const { name, ms } = TIERS[tierIndex];
    const first = ceilTo(from, ms);
    const last = floorTo(to, ms);
    if (last <= first) {
      cover(from, to, tierIndex - 1);
      return;
    }
    ranges.push({ tier: name, from: first, to: last });
    cover(from, first, tierIndex - 1);
    cover(last, to, tierIndex - 1);
  };
  cover(start, end, TIERS.length - 1);
  return ranges;
}

export interface GapSpan {
  start: number;
  end: number;
}

/**
 * Time per level from raw samples and observer gaps over a window (the edges finer than a minute):
 * a sample speaks until the next sample or gap, for at most COVER_INTERVALS of its interval, and a
 * gap for its own length, so a gap is never counted as the level before it.
 */
export function rawSpans(
  samples: readonly { time: number; level: string; intervalMs: number }[],
  gaps: readonly GapSpan[],
  window: { start: number; end: number },
  coverIntervals: number,
): Map<string, number> {
  const items = [
    ...samples.map((s) => ({ time: s.time, level: s.level, cover: coverIntervals * s.intervalMs })),
    ...gaps.map((g) => ({ time: g.start, level: 'gap', cover: g.end - g.start })),
  ].sort((a, b) => a.time - b.time);
  const byLevel = new Map<string, number>();
  items.forEach((item, i) => {
    const next = items[i + 1]?.time ?? Number.POSITIVE_INFINITY;
    const from = Math.max(item.time, window.start);
    const to = Math.min(next, item.time + item.cover, window.end);
    if (to > from) byLevel.set(item.level, (byLevel.get(item.level) ?? 0) + to - from);
  });
  return byLevel;
}

function floorTo(time: number, ms: number): number {
  return Math.floor(time / ms) * ms;
}

function ceilTo(time: number, ms: number): number {
  return Math.ceil(time / ms) * ms;
}
