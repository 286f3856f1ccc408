/**
 * Canonical levels. Everything inside statuskit speaks these; vocabularies translate them to each
 * API's words only when a document is rendered.
 */
export const LEVELS = ['ok', 'unknown', 'warning', 'maintenance', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

/** Severity order: a higher number is worse. `unknown` sits above `ok` so it is never hidden by it. */
export const SEVERITY: Readonly<Record<Level, number>> = {
  ok: 0,
  unknown: 1,
  warning: 2,
  maintenance: 3,
  critical: 4,
};

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && Object.hasOwn(SEVERITY, value);
}

export function worst(a: Level, b: Level): Level {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

/** A level counts as failing when it is worse than `warning` (critical) — used by hysteresis. */
export function isFailing(level: Level): boolean {
  return level === 'critical';
}
