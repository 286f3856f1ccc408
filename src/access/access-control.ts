import type { StatusRequest } from '../http/types.js';
import { type AnonymousPolicy, anonymousOf, asksForDetails, unclaimedAuthorization } from './anonymous.js';
import {
  ABSENT,
  type AuthContext,
  type Authenticator,
  type AuthOutcome,
  isPromise,
} from './authenticator.js';
import { forbidden, tooManyAttempts, unauthorized } from './responses.js';
import { FailureThrottle, type ThrottleOptions } from './throttle.js';
import { resolveTiers, type TierSpec } from './tiers.js';
import type { AccessControl, AccessDecision, Disclosure, Principal } from './types.js';

export type { AnonymousPolicy } from './anonymous.js';

export interface EndpointPolicy {
  anonymous?: AnonymousPolicy;
  /** Tiers admitted to this endpoint; authenticated callers of other tiers get 403. Default: all. */
  allow?: readonly string[];
}

export interface AccessOptions extends EndpointPolicy {
  /** Tried in order; the first that finds its credentials in a request decides. */
  authenticators?: readonly Authenticator[];
  /** Extra tiers, or overrides of the built-in `anonymous`, `reader`, `admin`. */
  tiers?: Readonly<Record<string, TierSpec>>;
  /** Blocking of clients and user names with many failed attempts; `false` turns it off. */
  throttle?: ThrottleOptions | false;
  /** Clock (ms since the epoch); for tests. */
  now?: () => number;
}

export type CredentialResult =
  | { ok: true; principal: Principal; disclosure: Disclosure }
  | { ok: false; error: string; retryAfterSeconds?: number };

export interface Access extends AccessControl {
  authorize(request: StatusRequest): AccessDecision | Promise<AccessDecision>;
  /** For the WebSocket feed's `auth <credential>`: a bare JWT or API key, no headers. */
  authenticateCredential(credential: string, remoteAddress?: string): Promise<CredentialResult>;
  /** The same authenticators, throttle and caches under another endpoint's policy (e.g. admin only). */
  forEndpoint(policy: EndpointPolicy): Access;
  /** The disclosure of a tier, or undefined for an unknown tier. */
  disclosureFor(tier: string): Disclosure | undefined;
}

interface Shared {
  authenticators: readonly Authenticator[];
  tiers: Map<string, Disclosure>;
  throttle: FailureThrottle | undefined;
  now: () => number;
}

export function createAccess(options: AccessOptions = {}): Access {
  const authenticators = options.authenticators ?? [];
  if (!Array.isArray(authenticators)) throw new TypeError('createAccess: `authenticators` must be an array');
  const shared: Shared = {
    authenticators,
    tiers: resolveTiers(options.tiers),
    throttle: options.throttle === false ? undefined : new FailureThrottle(options.throttle),
    now: options.now ?? Date.now,
  };
  return accessFor(shared, options);
}

function accessFor(shared: Shared, policy: EndpointPolicy): Access {
  const anonymous = anonymousOf(policy.anonymous ?? 'summary', shared.tiers);
  const allow = policy.allow ? new Set(policy.allow) : undefined;
  for (const tier of allow ?? []) {
    if (!shared.tiers.has(tier)) throw new Error(`createAccess: \`allow\` names unknown tier "${tier}"`);
  }
  const admits = (tier: string) => !allow || allow.has(tier);

  const challengesFor = (now: number, stale: boolean) =>
    shared.authenticators.flatMap((authenticator) => authenticator.challenges?.({ now, stale }) ?? []);

  const grant = (principal: Principal): AccessDecision => {
    const disclosure = shared.tiers.get(principal.tier);
    if (!disclosure) return { allowed: false, response: forbidden(`Unknown tier "${principal.tier}"`) };
    if (!admits(principal.tier))
      return { allowed: false, response: forbidden('Not allowed for this caller') };
    return { allowed: true, principal, disclosure };
  };

  const refuse = (reason: string, now: number, stale = false): AccessDecision => ({
    allowed: false,
    response: unauthorized(reason, challengesFor(now, stale)),
  });

  /** No authenticator found its credentials: the anonymous policy, unless the caller wanted to log in. */
  const asAnonymous = (request: StatusRequest, now: number): AccessDecision => {
    // Without authenticators there is nothing to log in to, and the policy alone decides.
    const canLogIn = shared.authenticators.length > 0;
    const attempt = canLogIn ? unclaimedAuthorization(request) : undefined;
    if (attempt) return refuse(`Authentication failed: ${attempt}`, now);
    if (!anonymous.disclosure || !admits(anonymous.tier)) return refuse('Authentication required', now);
    if (canLogIn && !anonymous.disclosure.details && asksForDetails(request))
      return refuse('Authentication required for details', now);
    return { allowed: true, disclosure: anonymous.disclosure };
  };

  const conclude = (outcome: AuthOutcome, request: StatusRequest, now: number): AccessDecision => {
    if (outcome.kind === 'absent') return asAnonymous(request, now);
    const wait = shared.throttle?.settle(outcome, request.remoteAddress, now) ?? 0;
    if (wait > 0) return { allowed: false, response: tooManyAttempts(wait) };
    if (outcome.kind === 'accepted') return grant(outcome.principal);
    return refuse(`Authentication failed: ${outcome.reason}`, now, outcome.stale === true);
  };

  const decideFrom = (
    first: number,
    request: StatusRequest,
    context: AuthContext,
  ): AccessDecision | Promise<AccessDecision> => {
    for (let index = first; index < shared.authenticators.length; index++) {
      const outcome = safely(shared.authenticators[index], request, context);
      if (isPromise(outcome)) {
        return outcome.then((settled) =>
          settled.kind === 'absent'
            ? decideFrom(index + 1, request, context)
            : conclude(settled, request, context.now),
        );
      }
      if (outcome.kind !== 'absent') return conclude(outcome, request, context.now);
    }
    return conclude(ABSENT, request, context.now);
  };

  const access: Access = {
    authorize(request) {
      const now = shared.now();
      const retryAfter = shared.throttle?.retryAfter(request.remoteAddress, now) ?? 0;
      if (retryAfter > 0) return { allowed: false, response: tooManyAttempts(retryAfter) };
      return decideFrom(0, request, { now });
    },
    authenticateCredential: (credential, remoteAddress) =>
      authenticateBare(shared, grant, credential, remoteAddress),
    forEndpoint: (endpointPolicy) => accessFor(shared, { ...policy, ...endpointPolicy }),
    disclosureFor: (tier) => shared.tiers.get(tier),
  };
  return access;
}

/** Tries every authenticator that accepts bare credentials; the first acceptance wins. */
async function authenticateBare(
  shared: Shared,
  grant: (principal: Principal) => AccessDecision,
  credential: string,
  address: string | undefined,
): Promise<CredentialResult> {
  const now = shared.now();
  const retryAfter = shared.throttle?.retryAfter(address, now) ?? 0;
  if (retryAfter > 0) return tooManyFailures(retryAfter);
  if (typeof credential !== 'string' || credential.trim() === '')
    return { ok: false, error: 'missing credential' };
  let firstRefusal: (AuthOutcome & { kind: 'rejected' }) | undefined;
  for (const authenticator of shared.authenticators) {
    if (!authenticator.authenticateCredential) continue;
    const outcome = await safely(authenticator, credential, { now });
    if (outcome.kind === 'accepted') {
      const wait = shared.throttle?.settle(outcome, address, now) ?? 0;
      if (wait > 0) return tooManyFailures(wait);
      const decision = grant(outcome.principal);
      if (!decision.allowed) return { ok: false, error: 'forbidden' };
      return { ok: true, principal: outcome.principal, disclosure: decision.disclosure };
    }
    if (outcome.kind === 'rejected') firstRefusal ??= outcome;
  }
  if (!firstRefusal) return { ok: false, error: 'no authenticator accepts bare credentials' };
  const wait = shared.throttle?.settle(firstRefusal, address, now) ?? 0;
  if (wait > 0) return tooManyFailures(wait);
  return { ok: false, error: firstRefusal.reason };
}

function tooManyFailures(waitMs: number): CredentialResult {
  return { ok: false, error: 'too many failed attempts', retryAfterSeconds: Math.ceil(waitMs / 1000) };
}

const FAILED: AuthOutcome = Object.freeze({
  kind: 'rejected',
  reason: 'authenticator failed',
  countsAsFailure: false,
});
const failed = (): AuthOutcome => FAILED;

/**
 * Runs an authenticator on a request (or on a bare credential); one that throws or rejects (a bug,
 * a database down) refuses the request instead of crashing it.
 */
function safely(
  authenticator: Authenticator,
  input: StatusRequest | string,
  context: AuthContext,
): AuthOutcome | Promise<AuthOutcome> {
  try {
    const outcome =
      typeof input === 'string'
        ? (authenticator.authenticateCredential?.(input, context) ?? ABSENT)
        : authenticator.authenticate(input, context);
    return isPromise(outcome) ? outcome.catch(failed) : outcome;
  } catch {
    return FAILED;
  }
}
