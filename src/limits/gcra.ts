/**
 * The Generic Cell Rate Algorithm: a smooth rate limit kept as one number per key, the
 * "theoretical arrival time" (TAT). `limit` requests per `windowMs` are spaced one emission
 * interval (`windowMs / limit`) apart, and a caller may run ahead of that schedule by up to one
 * whole window, so a fresh caller gets `limit` requests at once and then one per interval.
 * Unlike fixed windows there is no boundary at which twice the limit gets through.
 */
export interface RatePolicy {
  /** Policy name, shown in `RateLimit-Policy` (the tier name). */
  readonly name: string;
  /** Requests allowed per window. */
  readonly limit: number;
  readonly windowMs: number;
}

export interface GcraOutcome {
  allowed: boolean;
  /** The TAT to store (unchanged when denied). */
  tat: number;
  /** Requests still allowed right now, after this one. */
  remaining: number;
  /** Milliseconds until the whole budget is available again. */
  resetMs: number;
  /** Milliseconds until this request would be allowed; 0 when allowed. */
  retryAfterMs: number;
}

/** Tolerance for float rounding of `windowMs / limit` (in ms). */
const EPSILON = 1e-6;

/** One decision. Pure: the caller stores `tat` when `allowed`. `tat` is 0 for a key never seen. */
export function gcra(tat: number, now: number, policy: RatePolicy, cost = 1): GcraOutcome {
  const interval = policy.windowMs / policy.limit;
  const base = Math.max(tat, now);
  const next = base + cost * interval;
  const ahead = next - now;
  if (ahead > policy.windowMs + EPSILON) {
    return {
      allowed: false,
      tat,
      remaining: Math.max(0, Math.floor((policy.windowMs - (base - now)) / interval + EPSILON)),
      resetMs: base - now,
      retryAfterMs: ahead - policy.windowMs,
    };
  }
  return {
    allowed: true,
    tat: next,
    remaining: Math.floor((policy.windowMs - ahead) / interval + EPSILON),
    resetMs: ahead,
    retryAfterMs: 0,
  };
}
