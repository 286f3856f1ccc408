/**
 * The quorum rule, as data: how many instances must be up for the service to be ok. `all`, a
 * `majority` (more than half), or a number. The rule decides the cluster's level from counts
 * alone, so it is one pure function.
 */
import type { Level } from '../model/levels.js';

export type QuorumRule = 'all' | 'majority' | number;

/** Instances by what they can do for the service (leaving instances are not counted at all). */
export interface InstanceCounts {
  /** Serving: their own level is ok, warning or unknown, as their readiness answers 200. */
  up: number;
  /** In a maintenance window. */
  maintenance: number;
  /** Not heard from within the TTL: they may be serving or gone. */
  missing: number;
  /** Critical. */
  down: number;
  /** Up and fully ok. */
  ok: number;
}

export interface QuorumVerdict {
  level: Level;
  required: number;
  total: number;
  reason?: string;
}

/** `all`, `majority`, a positive integer or its digits (`"3"`). */
export function parseQuorum(input: unknown, what = 'ok'): QuorumRule {
  if (input === undefined) return 'majority';
  if (input === 'all' || input === 'majority') return input;
  const number = typeof input === 'string' && /^\d+$/.test(input.trim()) ? Number(input) : input;
  if (typeof number === 'number' && Number.isInteger(number) && number >= 1) return number;
  throw new TypeError(
    `${what}: expected "all", "majority" or a number of instances, got ${JSON.stringify(input)}`,
  );
}

export function requiredUp(rule: QuorumRule, total: number): number {
  if (rule === 'all') return total;
  if (rule === 'majority') return Math.floor(total / 2) + 1;
  return rule;
}

/**
 * The cluster's level. With the quorum up: ok when every instance is ok, warning otherwise. Short
 * of it, the level says what would make it up: maintenance when the maintenance windows do,
 * unknown when the missing instances might (they may be serving: a paused or partitioned instance
 * is not a down one), critical when even they could not.
 */
export function quorumVerdict(rule: QuorumRule, counts: InstanceCounts): QuorumVerdict {
  const total = counts.up + counts.maintenance + counts.missing + counts.down;
  const required = requiredUp(rule, total);
  const verdict = (level: Level, reason?: string): QuorumVerdict =>
    reason === undefined ? { level, required, total } : { level, required, total, reason };
  if (total === 0) return verdict('unknown', 'no instance has reported');
  const needs = `${counts.up} of ${total} instances up; ${ruleText(rule)} needs ${required}`;
  if (counts.up >= required) {
    if (counts.ok === total) return verdict('ok');
    return verdict('warning', `${total - counts.ok} of ${total} instances not ok`);
  }
  if (counts.up + counts.maintenance >= required) return verdict('maintenance', needs);
  if (counts.up + counts.maintenance + counts.missing >= required) return verdict('unknown', needs);
  return verdict('critical', needs);
}

export function ruleText(rule: QuorumRule): string {
  return typeof rule === 'number' ? `quorum of ${rule}` : rule;
}
