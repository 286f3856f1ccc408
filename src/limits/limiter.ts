import { clientKeyOf } from '../access/client-address.js';
import type { Principal } from '../access/types.js';
import type { StatusRequest } from '../http/types.js';
import type { CheckFunction, CheckOutcome } from '../model/result.js';
import { type Duration, parseDuration } from '../util/duration.js';
import type { GcraOutcome, RatePolicy } from './gcra.js';
import { MemoryStore } from './memory-store.js';
import type { LimitStore } from './store.js';

/** A tier's budget: `limit` requests per `window` (`'1m'`, `'1h'`, or ms). */
export interface TierLimit {
  limit: number;
  window: Duration;
}

export interface RateLimiterOptions {
  /**
   * Budget per tier (the principal's `tier`, e.g. `anonymous`, `standard`, `admin`); `false` means
   * unlimited. Default: `{ anonymous: { limit: 60, window: '1m' } }`.
   */
  tiers?: Readonly<Record<string, TierLimit | false>>;
  /** Tier for callers whose tier has no entry in `tiers`. Default `anonymous`. */
  defaultTier?: string;
  /** Where budgets live. Default: an in-memory store (this process only). */
  store?: LimitStore;
  /** When the store fails: `open` lets requests through (default), `closed` refuses them. */
  onStoreFailure?: 'open' | 'closed';
  /** Called with store errors (once per failure streak), e.g. to log a warning. */
  onError?: (error: unknown) => void;
  /** Clock in ms since the epoch; injectable for tests. */
  clock?: () => number;
}

/** Who is being limited: the bucket key and the tier that sets its budget. */
export interface Subject {
  key: string;
  tier: string;
}

export interface RateDecision {
  allowed: boolean;
  tier: string;
  /** Undefined for an unlimited tier. */
  policy: RatePolicy | undefined;
  remaining: number;
  /** Milliseconds until the whole budget is back. */
  resetMs: number;
  /** Milliseconds until a refused request would be allowed; 0 when allowed. */
  retryAfterMs: number;
  /** When the decision was taken (ms since the epoch). */
  now: number;
  /** The store failed and the failure policy decided. */
  storeFailed?: boolean;
}

/**
 * Decides whether a request of a subject may proceed, per tier, with a GCRA schedule in a store.
 * `consume` is synchronous with the memory store (no promise on the hot path).
 */
export class RateLimiter {
  readonly store: LimitStore;
  readonly defaultTier: string;
  private readonly policies = new Map<string, RatePolicy | false>();
  private readonly failOpen: boolean;
  private readonly clock: () => number;
  private readonly onError?: (error: unknown) => void;
  private failing: { since: number; error: string } | undefined;

  constructor(options: RateLimiterOptions = {}) {
    this.store = options.store ?? new MemoryStore();
    this.defaultTier = options.defaultTier ?? 'anonymous';
    this.clock = options.clock ?? Date.now;
    this.onError = options.onError;
    const failure = options.onStoreFailure ?? 'open';
    if (failure !== 'open' && failure !== 'closed')
      throw new Error('rateLimiter: `onStoreFailure` must be "open" or "closed"');
    this.failOpen = failure === 'open';
    const tiers = options.tiers ?? { anonymous: { limit: 60, window: '1m' } };
    for (const [name, spec] of Object.entries(tiers)) this.policies.set(name, resolvePolicy(name, spec));
    if (!this.policies.has(this.defaultTier))
      throw new Error(`rateLimiter: \`defaultTier\` "${this.defaultTier}" has no entry in \`tiers\``);
  }

  /**
   * The bucket of a request: the principal when authenticated, else the client (IPv4 address, IPv6
   * /64). A principal's id is namespaced by the scheme that vouched for it, so a JWT `sub` and an
   * API key of the same name are two callers. A caller without a scheme (named by `httpLimits`'
   * `identify`) has a key of its own kind.
   */
  subjectOf(
    request: Pick<StatusRequest, 'remoteAddress'>,
    principal?: Pick<Principal, 'id' | 'tier'> & { scheme?: string },
  ): Subject {
    if (principal) {
      const { id, scheme, tier } = principal;
      return { key: scheme === undefined ? `i:${id}` : `p:${schemeKey(scheme)}:${id}`, tier };
    }
    const address = request.remoteAddress;
    return { key: `a:${address === undefined ? 'unknown' : clientKeyOf(address)}`, tier: this.defaultTier };
  }

  /** The policy of a tier (unknown tiers get the default tier's); undefined when unlimited. */
  policyOf(tier: string): RatePolicy | undefined {
    const policy = this.policies.get(tier) ?? this.policies.get(this.defaultTier);
    return policy || undefined;
  }

  /** Takes `cost` units from the subject's budget, or refuses. */
  consume(subject: Subject, cost = 1): RateDecision | Promise<RateDecision> {
    const tier = this.policies.has(subject.tier) ? subject.tier : this.defaultTier;
    const policy = this.policyOf(tier);
    const now = this.clock();
    if (!policy) return unlimited(tier, now);
    let outcome: GcraOutcome | Promise<GcraOutcome>;
    try {
      outcome = this.store.consume(subject.key, policy, now, cost);
    } catch (error) {
      return this.storeFailed(tier, policy, now, error);
    }
    if (outcome instanceof Promise) {
      return outcome.then(
        (settled) => this.decided(tier, policy, now, settled),
        (error) => this.storeFailed(tier, policy, now, error),
      );
    }
    return this.decided(tier, policy, now, outcome);
  }

  /** Whether the store is failing now, and since when. */
  get storeFailure(): { since: number; error: string } | undefined {
    return this.failing;
  }

  /**
   * A check for the status tree: `warning` while the store fails and requests pass unlimited
   * (fail-open), `critical` while they are refused (fail-closed). It pings the store, so recovery
   * shows without traffic.
   */
  healthCheck(): CheckFunction {
    return async (): Promise<CheckOutcome> => {
      if (this.store.ping) {
        try {
          await this.store.ping();
          this.recovered();
        } catch (error) {
          this.recordFailure(error);
        }
      }
      const fields = { store: this.store.kind, onStoreFailure: this.failOpen ? 'open' : 'closed' };
      if (!this.failing) return { level: 'ok', fields };
      return {
        level: this.failOpen ? 'warning' : 'critical',
        message: `rate-limit store unavailable since ${new Date(this.failing.since).toISOString()}: ${this.failing.error}; requests are ${this.failOpen ? 'not limited' : 'refused'}`,
        fields,
      };
    };
  }

  async close(): Promise<void> {
    await this.store.close?.();
  }

  private decided(tier: string, policy: RatePolicy, now: number, outcome: GcraOutcome): RateDecision {
    if (this.failing) this.recovered();
    return {
      allowed: outcome.allowed,
      tier,
      policy,
      remaining: outcome.remaining,
      resetMs: outcome.resetMs,
      retryAfterMs: outcome.retryAfterMs,
      now,
    };
  }

  private storeFailed(tier: string, policy: RatePolicy, now: number, error: unknown): RateDecision {
    this.recordFailure(error);
    // Fail-open reports a full budget rather than inventing a count; fail-closed asks for a retry
    // in a second, when the store may be back.
    return {
      allowed: this.failOpen,
      tier,
      policy,
      remaining: this.failOpen ? policy.limit : 0,
      resetMs: 0,
      retryAfterMs: this.failOpen ? 0 : 1000,
      now,
      storeFailed: true,
    };
  }

  private recordFailure(error: unknown): void {
    if (this.failing) return;
    this.failing = { since: this.clock(), error: error instanceof Error ? error.message : String(error) };
    this.onError?.(error);
  }

  private recovered(): void {
    this.failing = undefined;
  }
}

/** A scheme name as a key part that cannot contain the `:` that ends it. */
function schemeKey(scheme: string): string {
  return scheme.includes(':') || scheme.includes('%') ? encodeURIComponent(scheme) : scheme;
}

function unlimited(tier: string, now: number): RateDecision {
  return { allowed: true, tier, policy: undefined, remaining: Infinity, resetMs: 0, retryAfterMs: 0, now };
}

function resolvePolicy(name: string, spec: TierLimit | false): RatePolicy | false {
  if (spec === false) return false;
  if (typeof spec !== 'object' || spec === null)
    throw new TypeError(`rateLimiter: tier "${name}" needs { limit, window } or false`);
  if (!Number.isInteger(spec.limit) || spec.limit < 1)
    throw new RangeError(`rateLimiter: tier "${name}": \`limit\` must be a positive integer`);
  const windowMs = parseDuration(spec.window, `rateLimiter: tier "${name}" window`);
  if (windowMs <= 0) throw new RangeError(`rateLimiter: tier "${name}": \`window\` must be positive`);
  return Object.freeze({ name, limit: spec.limit, windowMs });
}

export function createRateLimiter(options?: RateLimiterOptions): RateLimiter {
  return new RateLimiter(options);
}
