import type { StatusRequest } from '../http/types.js';
import type { Principal } from './types.js';

/**
 * What an authenticator concluded about one request. `target` is the account the credentials
 * named (Basic and Digest name a user, a token pair its key), so the throttle can count guesses at
 * one account across all clients; schemes whose credential names no account (API keys, JWTs)
 * leave it out.
 */
export type AuthOutcome =
  /** The request carries none of this authenticator's credentials: ask the next one. */
  | { kind: 'absent' }
  | { kind: 'accepted'; principal: Principal; target?: string }
  /**
   * Credentials of this scheme were present and wrong. `stale` (Digest) means only the nonce had
   * expired: the client may retry silently. `countsAsFailure: false` keeps such outcomes (and
   * outages of a JWKS endpoint) out of the failed-attempt throttle.
   */
  | { kind: 'rejected'; reason: string; stale?: boolean; countsAsFailure?: boolean; target?: string };

export interface AuthContext {
  /** Milliseconds since the epoch; injectable so expiry can be tested without waiting. */
  now: number;
}

/**
 * One way of proving who you are. Authenticators are tried in order; the first that finds its
 * credentials in the request decides.
 */
export interface Authenticator {
  /** `apiKey`, `tokenPair`, `jwt`, `basic`, `digest` or a custom name. */
  readonly scheme: string;
  authenticate(request: StatusRequest, context: AuthContext): AuthOutcome | Promise<AuthOutcome>;
  /** `WWW-Authenticate` challenges for a 401; `stale` is set after an expired Digest nonce. */
  challenges?(context: AuthContext & { stale: boolean }): string[];
  /** Checks a bare credential (the WebSocket feed's `auth <credential>` message). */
  authenticateCredential?(credential: string, context: AuthContext): AuthOutcome | Promise<AuthOutcome>;
}

export const ABSENT: AuthOutcome = Object.freeze({ kind: 'absent' });

export function rejected(
  reason: string,
  extra?: { stale?: boolean; countsAsFailure?: boolean; target?: string },
): AuthOutcome {
  return { kind: 'rejected', reason, ...extra };
}

/** Identity attributes every credential table entry may carry. */
export interface IdentityFields {
  /** Principal id; defaults to the entry's name or user name. */
  id?: string;
  name?: string;
  /** Disclosure tier; defaults to `reader`. */
  tier?: string;
  roles?: readonly string[];
}

export const DEFAULT_TIER = 'reader';

export function principalOf(scheme: string, fallbackId: string, fields: IdentityFields): Principal {
  return Object.freeze({
    id: fields.id ?? fallbackId,
    name: fields.name,
    tier: fields.tier ?? DEFAULT_TIER,
    roles: Object.freeze([...(fields.roles ?? [])]),
    scheme,
  });
}

export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
