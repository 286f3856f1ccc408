import type { Level } from './levels.js';

/** Why a check result is not a plain verdict of the check function itself. */
export type FailureReason = 'timeout' | 'error' | 'stale' | 'pending' | 'aborted';

/**
 * What a check function may return: a level, a boolean (true = ok, false = critical), or an
 * object with a level and optional details.
 */
export type CheckReturn = Level | boolean | CheckOutcome;

export interface CheckOutcome {
  level: Level;
  /** Short human text; shown only to callers whose tier may see messages. */
  message?: string;
  /** Extra fields rendered beside the status (e.g. `customs`, `connected`, `apiQueue`). */
  fields?: Record<string, unknown>;
  /** A reading, for health+json (`observedValue` / `observedUnit`) and Prometheus. */
  observedValue?: number | string | boolean;
  observedUnit?: string;
}

/** Context handed to every check function. */
export interface CheckContext {
  /** Aborted when the check's timeout passes or the owner shuts down; pass it to I/O. */
  signal: AbortSignal;
}

/**
 * A check. Async checks may resolve to any string: TypeScript widens `return 'ok'` to `string` in
 * an async function whose expected type is a union, so requiring a `Level` there would reject
 * correct code. A word that is not a level is reported at run time as a failed check
 * (`check returned "okay"; expected a level ...`); sync returns and `{ level }` objects stay checked.
 */
export type CheckFunction = (ctx: CheckContext) => CheckReturn | Promise<CheckReturn | (string & {})>;

/** A finished evaluation of one check, as kept by the runner and put into snapshots. */
export interface CheckResult {
  level: Level;
  /** Wall time of the evaluation in milliseconds (integer). */
  durationMs: number;
  /** Epoch milliseconds when the evaluation finished. */
  time: number;
  message?: string;
  /** Set when the level comes from statuskit rather than the check's own verdict. */
  reason?: FailureReason;
  fields?: Record<string, unknown>;
  observedValue?: number | string | boolean;
  observedUnit?: string;
  /** Hysteresis: the level the raw result had while the reported level waits for more evidence. */
  pendingLevel?: Level;
}
