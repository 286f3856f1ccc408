import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, type JWK, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { StatusRequest } from '../http/types.js';
import { headerValue } from '../http/types.js';
import {
  ABSENT,
  type AuthContext,
  type Authenticator,
  type AuthOutcome,
  DEFAULT_TIER,
  rejected,
} from './authenticator.js';
import { BoundedMap } from './bounded-map.js';
import type { Principal } from './types.js';

const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_ALGORITHMS = ['ES256', 'ES384', 'ES512'];
const EDDSA_ALGORITHMS = ['EdDSA', 'Ed25519'];
const ASYMMETRIC_ALGORITHMS = [...RSA_ALGORITHMS, ...EC_ALGORITHMS, ...EDDSA_ALGORITHMS];

export interface JwtOptions {
  /** Exactly one key source: an HMAC secret, a public key (PEM, JWK or KeyObject), or a JWKS URL. */
  secret?: string | Uint8Array;
  publicKey?: string | JWK | KeyObject;
  jwksUrl?: string | URL;
  /** JWKS fetching: how long keys are kept, minimum gap between refetches, request timeout (ms). */
  jwks?: { cacheMaxAgeMs?: number; cooldownMs?: number; timeoutMs?: number };
  /** Algorithm allow-list. Default: the family of the key (HS256-512 for a secret; RS, PS, ES or EdDSA for a public key). */
  algorithms?: readonly string[];
  issuer?: string | readonly string[];
  audience?: string | readonly string[];
  /** Seconds of clock skew tolerated for `exp` and `nbf`. Default 5. */
  clockToleranceSec?: number;
  /**
   * Refuse tokens without an `exp` claim: such a token, once leaked, is valid forever. Default
   * true; turn off only for an issuer that cannot set `exp` (its tokens are then cached `maxCacheMs`).
   */
  requireExp?: boolean;
  /** Claim holding roles, dotted for nesting (`realm_access.roles`). Default `roles`. */
  rolesClaim?: string;
  /** Claim holding a tier name directly. Checked before `roleTiers`. */
  tierClaim?: string;
  /** Role → tier, most privileged first; the first role the token has wins. Default `{ admin: 'admin' }`. */
  roleTiers?: Readonly<Record<string, string>>;
  /** Tier of a valid token that maps to no other tier. Default `reader`. */
  defaultTier?: string;
  /** Verified tokens kept (until they expire). Default 1000. */
  cacheSize?: number;
  /** Longest a token without `exp` stays cached. Default 60 s. */
  maxCacheMs?: number;
}

type VerificationKey = KeyObject | JWTVerifyGetKey;

interface CachedToken {
  principal: Principal;
  expiresAt: number;
}

/**
 * Bearer JWTs verified with jose. The allow-list is fixed at construction from the key's type, so
 * `alg: none` and HS/RS confusion (an HS256 token "signed" with the RSA public key) cannot pass.
 */
export function jwtAuth(options: JwtOptions): Authenticator {
  const { key, algorithms } = verificationKey(options);
  const cache = new BoundedMap<string, CachedToken>(options.cacheSize ?? 1000);
  const maxCacheMs = options.maxCacheMs ?? 60_000;
  const verifyOptions = {
    algorithms: [...algorithms],
    issuer: options.issuer as string | string[] | undefined,
    audience: options.audience as string | string[] | undefined,
    clockTolerance: options.clockToleranceSec ?? 5,
    requiredClaims: options.requireExp === false ? [] : ['exp'],
  };
  const toPrincipal = principalMapper(options);

  const check = (token: string, { now }: AuthContext): AuthOutcome | Promise<AuthOutcome> => {
    const cached = cache.get(token);
    if (cached && cached.expiresAt > now) return { kind: 'accepted', principal: cached.principal };
    if (cached) cache.delete(token);
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) return rejected('malformed token');
    return verify(token, key, { ...verifyOptions, currentDate: new Date(now) }).then((payload) => {
      if (typeof payload === 'string')
        return rejected(payload, { countsAsFailure: payload !== KEYS_UNAVAILABLE });
      const principal = toPrincipal(payload);
      // Never cached past `exp`; tokens without one only briefly.
      const expiresAt = payload.exp !== undefined ? payload.exp * 1000 : now + maxCacheMs;
      if (expiresAt > now)
        cache.set(token, { principal, expiresAt: Math.min(expiresAt, now + 24 * 3600_000) });
      return { kind: 'accepted', principal };
    });
  };

  return {
    scheme: 'jwt',
    authenticate(request: StatusRequest, context: AuthContext) {
      const header = headerValue(request.headers, 'authorization');
      if (header?.slice(0, 7).toLowerCase() !== 'bearer ') return ABSENT;
      return check(header.slice(7).trim(), context);
    },
    authenticateCredential(credential, context) {
      return check(credential.trim(), context);
    },
    challenges: () => ['Bearer realm="statuskit"'],
  };
}

const KEYS_UNAVAILABLE = 'signing keys unavailable';

/** Resolves to the payload, or to the reason the token was refused (never with the token in it). */
async function verify(
  token: string,
  key: VerificationKey,
  options: Parameters<typeof jwtVerify>[2],
): Promise<JWTPayload | string> {
  try {
    // jose's overloads differ for a key and a key getter; both are accepted at run time.
    const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, options);
    return payload;
  } catch (error) {
    return refusalReason(error);
  }
}

function refusalReason(error: unknown): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'token expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const { claim = 'claim', reason } = error as { claim?: string; reason?: string };
      if (claim === 'exp' && reason === 'missing') return 'token has no exp claim (an expiry is required)';
      return `token claim check failed: ${claim}`;
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'token algorithm not allowed';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'no key matches the token';
    // A key set that cannot be fetched (timeout, HTTP error, bad document) is our outage, not the caller's failure.
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JOSE_GENERIC':
      return KEYS_UNAVAILABLE;
    default:
      return 'invalid token';
  }
}

function verificationKey(options: JwtOptions): { key: VerificationKey; algorithms: readonly string[] } {
  const sources = [options.secret, options.publicKey, options.jwksUrl].filter(
    (source) => source !== undefined,
  );
  if (sources.length !== 1) throw new Error('jwtAuth: give exactly one of `secret`, `publicKey`, `jwksUrl`');
  if (options.secret !== undefined) {
    const secret = typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : options.secret;
    if (secret.length < 32) throw new Error('jwtAuth: an HMAC `secret` must be at least 32 bytes');
    return { key: createSecretKey(secret), algorithms: allowList(options.algorithms, HMAC_ALGORITHMS) };
  }
  if (options.publicKey !== undefined) {
    const key = toPublicKey(options.publicKey);
    return { key, algorithms: allowList(options.algorithms, familyOf(key)) };
  }
  const jwks = options.jwks ?? {};
  const key = createRemoteJWKSet(new URL(String(options.jwksUrl)), {
    cacheMaxAge: jwks.cacheMaxAgeMs ?? 10 * 60_000,
    cooldownDuration: jwks.cooldownMs ?? 30_000,
    timeoutDuration: jwks.timeoutMs ?? 5_000,
  });
  return { key, algorithms: allowList(options.algorithms, ASYMMETRIC_ALGORITHMS) };
}

function toPublicKey(key: string | JWK | KeyObject): KeyObject {
  if (typeof key === 'string') return createPublicKey(key);
  if ('asymmetricKeyType' in key || 'symmetricKeySize' in key) {
    if ((key as KeyObject).type !== 'public') throw new Error('jwtAuth: `publicKey` must be a public key');
    return key as KeyObject;
  }
  return createPublicKey({ key: key as JWK & Record<string, unknown>, format: 'jwk' });
}

function familyOf(key: KeyObject): readonly string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return RSA_ALGORITHMS;
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec':
      return EC_ALGORITHMS;
    case 'ed25519':
      return EDDSA_ALGORITHMS;
    default:
      throw new Error(`jwtAuth: unsupported public key type "${key.asymmetricKeyType}"`);
  }
}

/** A configured allow-list may narrow the key's family, never widen it past it (no `none`, no HS with a public key). */
function allowList(configured: readonly string[] | undefined, family: readonly string[]): readonly string[] {
  if (configured === undefined) return family;
  const foreign = configured.filter((algorithm) => !family.includes(algorithm));
  if (configured.length === 0 || foreign.length > 0) {
    throw new Error(
      `jwtAuth: algorithms [${foreign.join(', ')}] do not fit the key (allowed: ${family.join(', ')})`,
    );
  }
  return configured;
}

function principalMapper(options: JwtOptions): (payload: JWTPayload) => Principal {
  const rolesPath = (options.rolesClaim ?? 'roles').split('.');
  const roleTiers = Object.entries(options.roleTiers ?? { admin: 'admin' });
  const defaultTier = options.defaultTier ?? DEFAULT_TIER;
  return (payload) => {
    const roles = rolesFrom(claimAt(payload, rolesPath));
    const claimedTier = options.tierClaim ? claimAt(payload, options.tierClaim.split('.')) : undefined;
    const tier =
      (typeof claimedTier === 'string' ? claimedTier : undefined) ??
      roleTiers.find(([role]) => roles.includes(role))?.[1] ??
      defaultTier;
    const name = typeof payload.name === 'string' ? payload.name : undefined;
    return Object.freeze({
      id: payload.sub ?? 'jwt',
      name,
      tier,
      roles: Object.freeze(roles),
      scheme: 'jwt',
    });
  };
}

function claimAt(payload: JWTPayload, path: readonly string[]): unknown {
  let value: unknown = payload;
  for (const step of path) value = (value as Record<string, unknown> | undefined)?.[step];
  return value;
}

function rolesFrom(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return Array.isArray(value) ? value.filter((role): role is string => typeof role === 'string') : [];
}
