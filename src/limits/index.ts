export { accountSection } from './account.js';
export { type GcraOutcome, gcra, type RatePolicy } from './gcra.js';
export { rateLimitHeaders, refusal, retryAfterSeconds } from './headers.js';
export { type HttpLimitOptions, httpLimits, type Verdict } from './http-limits.js';
export {
  createRateLimiter,
  type RateDecision,
  RateLimiter,
  type RateLimiterOptions,
  type Subject,
  type TierLimit,
} from './limiter.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export {
  type RedisClientLike as LimitRedisClient,
  RedisStore,
  type RedisStoreOptions,
  redisStore,
} from './redis-store.js';
export { guardStatus, type StatusGuardOptions } from './status-guard.js';
export type { LimitStore } from './store.js';
