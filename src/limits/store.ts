import type { GcraOutcome, RatePolicy } from './gcra.js';

/**
 * Where rate-limit state lives. `consume` takes one decision atomically for `key` under `policy`
 * (budgets are per key and policy: a caller whose tier changes starts a fresh budget);
 * it may answer synchronously (memory) or with one round trip (Redis). `now` is the caller's clock
 * (stores that own a clock, like Redis with server time, may ignore it).
 */
export interface LimitStore {
  /** `memory`, `redis`, ...: shown in the limiter's status component. */
  readonly kind: string;
  consume(key: string, policy: RatePolicy, now: number, cost: number): GcraOutcome | Promise<GcraOutcome>;
  /** Cheap reachability test for the status component (recovery is seen even without traffic). */
  ping?(): Promise<void>;
  /** Forgets every key (tests, admin resets). */
  reset?(): Promise<void> | void;
  close?(): Promise<void> | void;
}
