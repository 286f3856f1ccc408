import type { StatusResponse } from '../http/types.js';
import type { EnvelopeOptions } from '../render/envelope.js';
import { errorBody } from '../render/envelope.js';
import type { RateDecision } from './limiter.js';

/**
 * Response headers for a decision: the IETF draft's structured fields
 * (draft-ietf-httpapi-ratelimit-headers-10: `RateLimit-Policy: "tier";q=<quota>;w=<window s>`,
 * `RateLimit: "tier";r=<remaining>;t=<seconds until the budget is full>`) and the widespread
 * `X-RateLimit-Limit` / `-Remaining` / `-Reset` (epoch seconds, as GitHub and Twitter send it).
 * Refusals add `Retry-After` (delay seconds). Unlimited tiers get no headers.
 */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  const { policy } = decision;
  if (!policy) return {};
  const name = sfString(policy.name);
  const remaining = Math.max(0, Math.min(policy.limit, decision.remaining));
  const resetSeconds = Math.ceil(decision.resetMs / 1000);
  const headers: Record<string, string> = {
    'ratelimit-policy': `${name};q=${policy.limit};w=${Math.ceil(policy.windowMs / 1000)}`,
    ratelimit: `${name};r=${remaining};t=${resetSeconds}`,
    'x-ratelimit-limit': String(policy.limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(Math.ceil((decision.now + decision.resetMs) / 1000)),
  };
  if (!decision.allowed) headers['retry-after'] = String(retryAfterSeconds(decision));
  return headers;
}

/** Whole seconds, rounded up and at least 1: a client that waits that long is let through. */
export function retryAfterSeconds(decision: RateDecision): number {
  return Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
}

/**
 * The answer to a refused request: 429 with a JSON error (seed 002's error envelope when one is
 * configured), or 503 when the store failed and the limiter fails closed.
 */
export function refusal(decision: RateDecision, envelope?: EnvelopeOptions): StatusResponse {
  const seconds = retryAfterSeconds(decision);
  const info = decision.storeFailed
    ? {
        status: 503,
        code: 'rate_limit_unavailable',
        message: `Rate limiting is unavailable; retry in ${seconds} s`,
      }
    : { status: 429, code: 'rate_limited', message: `Rate limit exceeded; retry in ${seconds} s` };
  const body = JSON.stringify({ ...errorBody(info, envelope), retry_after: seconds });
  return {
    status: info.status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...rateLimitHeaders(decision),
      'retry-after': String(seconds),
    },
    body,
  };
}

/** A Structured Fields string: quotes and backslashes escaped, other characters kept printable. */
function sfString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?')}"`;
}
