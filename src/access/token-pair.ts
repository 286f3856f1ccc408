import type { StatusRequest } from '../http/types.js';
import { headerValue } from '../http/types.js';
import {
  ABSENT,
  type Authenticator,
  type AuthOutcome,
  type IdentityFields,
  isPromise,
  principalOf,
  rejected,
} from './authenticator.js';
import { safeEqual, sha256Hex } from './secure-compare.js';
import type { Principal } from './types.js';

export interface TokenPairEntry extends IdentityFields {
  token: string;
  key: string;
  name?: string;
}

/** Decides a pair itself (e.g. looks the key up in a database); returns the identity or nothing. */
export type TokenPairVerifier = (
  token: string,
  key: string,
) => IdentityFields | undefined | null | Promise<IdentityFields | undefined | null>;

export interface TokenPairOptions {
  /** Either a table of pairs or a verifier function. */
  pairs?: readonly TokenPairEntry[];
  verify?: TokenPairVerifier;
  /** Header names. Defaults `x-access-token` and `x-key` (Webitel). */
  tokenHeader?: string;
  keyHeader?: string;
}

/**
 * Two headers that are only valid together. If either header is present the pair is this
 * authenticator's to decide, so a missing or wrong half is a rejection, never anonymous access.
 */
export function tokenPairAuth(options: TokenPairOptions): Authenticator {
  const tokenHeader = (options.tokenHeader ?? 'x-access-token').toLowerCase();
  const keyHeader = (options.keyHeader ?? 'x-key').toLowerCase();
  const verify = options.verify ?? tableVerifier(options.pairs);

  return {
    scheme: 'tokenPair',
    authenticate(request: StatusRequest): AuthOutcome | Promise<AuthOutcome> {
      const token = headerValue(request.headers, tokenHeader);
      const key = headerValue(request.headers, keyHeader);
      if (token === undefined && key === undefined) return ABSENT;
      if (!token || !key) return rejected(`both ${tokenHeader} and ${keyHeader} are required`);
      // The key names the pair (like a user name): guesses at one key's token are counted across
      // clients. By its hash, so the throttle holds no key.
      const target = `tokenPair:${sha256Hex(key).slice(0, 32)}`;
      const decide = (identity: IdentityFields | undefined | null) => toOutcome(identity, target);
      const identity = verify(token, key);
      return isPromise(identity) ? identity.then(decide, verifierFailed) : decide(identity);
    },
  };
}

function toOutcome(identity: IdentityFields | undefined | null, target: string): AuthOutcome {
  if (!identity) return rejected('invalid token pair', { target });
  const principal = principalOf('tokenPair', identity.name ?? 'token-pair', identity);
  return { kind: 'accepted', principal, target };
}

function verifierFailed(): AuthOutcome {
  return rejected('token pair could not be verified', { countsAsFailure: false });
}

/** Finds the entry by the key's hash, then compares the token in constant time. */
function tableVerifier(pairs: readonly TokenPairEntry[] | undefined): TokenPairVerifier {
  if (!Array.isArray(pairs)) throw new TypeError('tokenPairAuth: give `pairs` (an array) or `verify`');
  const byKey = new Map<string, { token: string; principal: Principal }>();
  pairs.forEach((pair, position) => {
    if (!pair.token || !pair.key) throw new Error(`tokenPairAuth: pair #${position} needs a token and a key`);
    const principal = principalOf('tokenPair', pair.name ?? `pair-${position}`, pair);
    byKey.set(sha256Hex(pair.key), { token: pair.token, principal });
  });
  return (token, key) => {
    const entry = byKey.get(sha256Hex(key));
    // Compare against the presented token itself when the key is unknown, so both paths cost the same.
    const matches = safeEqual(token, entry?.token ?? token);
    return entry && matches ? entry.principal : undefined;
  };
}
