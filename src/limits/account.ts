import { parseMountPath } from '../tree/paths.js';
import type { RateDecision } from './limiter.js';

/**
 * Seed 002's `account` section for the caller: `{ tier, rate_limits: { remaining, reset_time,
 * limit } }`. `reset_time` is when the whole budget is back, in ISO 8601 to the second.
 * Unlimited tiers get `rate_limits: null`.
 */
export function accountSection(decision: RateDecision): Record<string, unknown> {
  const { policy } = decision;
  if (!policy) return { tier: decision.tier, rate_limits: null };
  return {
    tier: decision.tier,
    rate_limits: {
      remaining: Math.max(0, Math.min(policy.limit, decision.remaining)),
      reset_time: isoSeconds(decision.now + decision.resetMs),
      limit: policy.limit,
    },
  };
}

export function isoSeconds(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function documentPath(text: string, what: string): string[] {
  try {
    return parseMountPath(text);
  } catch (error) {
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
