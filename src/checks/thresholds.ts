import type { Level } from '../model/index.js';

/**
 * Warn / crit thresholds on a reading where higher is worse (latency, queue depth). A threshold that is
 * not set never fires. Reaching the value counts (`>=`), as monitoring plugins do.
 */
export interface Thresholds {
  warn?: number;
  crit?: number;
}

export function levelAbove(value: number, thresholds: Thresholds): Level {
  if (thresholds.crit !== undefined && value >= thresholds.crit) return 'critical';
  if (thresholds.warn !== undefined && value >= thresholds.warn) return 'warning';
  return 'ok';
}

/** Where lower is worse (days before a certificate expires). */
export function levelBelow(value: number, thresholds: Thresholds): Level {
  if (thresholds.crit !== undefined && value <= thresholds.crit) return 'critical';
  if (thresholds.warn !== undefined && value <= thresholds.warn) return 'warning';
  return 'ok';
}
