export {
  type Access,
  type AccessOptions,
  type AnonymousPolicy,
  type CredentialResult,
  createAccess,
  type EndpointPolicy,
} from './access-control.js';
export { type ApiKeyEntry, type ApiKeyOptions, apiKeyAuth, apiKeyHash } from './api-key.js';
export type { AuthContext, Authenticator, AuthOutcome, IdentityFields } from './authenticator.js';
export { type BasicOptions, basicAuth } from './basic.js';
export { type DigestOptions, digestAuth, type UserhashLookup } from './digest.js';
export { type JwtOptions, jwtAuth } from './jwt.js';
export { createRedactor, MASK, type RedactOptions, redact, redactDeep, redactValue } from './redact.js';
export { safeEqual } from './secure-compare.js';
export type { ThrottleOptions } from './throttle.js';
export { BUILT_IN_TIERS, disclosureOf, type TierSpec } from './tiers.js';
export {
  type TokenPairEntry,
  type TokenPairOptions,
  type TokenPairVerifier,
  tokenPairAuth,
} from './token-pair.js';
export * from './types.js';
export {
  type DigestAlgorithm,
  type DigestHashName,
  digestHa1,
  digestUserhash,
  type UserLookup,
  type UserRecord,
  type UserSource,
} from './users.js';
