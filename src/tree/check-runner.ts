import { redactDeep } from '../access/redact.js';
import { isLevel, type Level, SEVERITY } from '../model/levels.js';
import type { CheckFunction, CheckOutcome, CheckResult, CheckReturn } from '../model/result.js';
import { type Duration, optionalDuration } from '../util/duration.js';
import { Announcer } from './change-signal.js';

export interface CheckOptions {
  /** A failing critical check fails its group; a failing non-critical one lifts it to warning at most. Default true. */
  critical?: boolean;
  /** Abort and report `timeout` after this long. Default 5 s. */
  timeout?: Duration;
  /** Serve the last result for this long before running again. Default 0 (run on demand, single-flight). */
  cache?: Duration;
  /** Run in the background every interval and serve the latest result. Off by default. */
  interval?: Duration;
  /** With `interval`: a result older than this is reported critical with reason `stale`. Default 3 × interval. */
  staleAfter?: Duration;
  /** Consecutive worse results needed before the reported level gets worse. Default 1. */
  failureThreshold?: number;
  /** Consecutive better results needed before the reported level recovers. Default 1. */
  successThreshold?: number;
  description?: string;
}

export interface ResolvedCheckOptions {
  critical: boolean;
  timeoutMs: number;
  cacheMs: number;
  intervalMs: number;
  staleAfterMs: number;
  failureThreshold: number;
  successThreshold: number;
  description?: string;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 5000;

export function resolveCheckOptions(options: CheckOptions = {}): ResolvedCheckOptions {
  const intervalMs = optionalDuration(options.interval, 0, 'interval');
  const resolved: ResolvedCheckOptions = {
    critical: options.critical ?? true,
    timeoutMs: optionalDuration(options.timeout, DEFAULT_CHECK_TIMEOUT_MS, 'timeout'),
    cacheMs: optionalDuration(options.cache, 0, 'cache'),
    intervalMs,
    staleAfterMs: optionalDuration(options.staleAfter, intervalMs * 3, 'staleAfter'),
    failureThreshold: options.failureThreshold ?? 1,
    successThreshold: options.successThreshold ?? 1,
    description: options.description,
  };
  for (const key of ['failureThreshold', 'successThreshold'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new RangeError(`${key}: expected an integer >= 1, got ${resolved[key]}`);
    }
  }
  if (resolved.timeoutMs <= 0) throw new RangeError('timeout: must be greater than 0');
  return resolved;
}

export type Redactor = (text: string) => string;

export interface RunnerEnvironment {
  now: () => number;
  redact: Redactor;
}

/**
 * Runs one check: timeout with an AbortSignal, single-flight, caching or background refresh,
 * staleness and hysteresis. It never throws and never hangs: every call settles with a result.
 */
export class CheckRunner {
  readonly options: ResolvedCheckOptions;
  private latest: CheckResult | undefined;
  private inflight: Promise<CheckResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The run in progress, so shutdown can abort its I/O. */
  private running: AbortController | undefined;
  private stopped = false;
  private readonly hysteresis: Hysteresis;
  /** Counts actual executions of the check function (observability and tests). */
  runs = 0;
  /** Announces every new result, whoever asked for the run (a document, a probe, the interval). */
  readonly changes = new Announcer();

  constructor(
    private readonly fn: CheckFunction,
    options: CheckOptions | ResolvedCheckOptions,
    private readonly env: RunnerEnvironment,
  ) {
    this.options = 'timeoutMs' in options ? options : resolveCheckOptions(options);
    this.hysteresis = new Hysteresis(this.options.failureThreshold, this.options.successThreshold);
  }

  /** The most recent result, if any, without running anything. */
  peek(): CheckResult | undefined {
    return this.latest;
  }

  /**
   * The result to report now. Returns synchronously when a cached or background result can be
   * served (the hot path for cached documents), else a promise of a fresh single-flight run.
   */
  current(now = this.env.now()): CheckResult | Promise<CheckResult> {
    const { intervalMs, cacheMs } = this.options;
    if (intervalMs > 0) {
      if (this.latest) return this.withStaleness(this.latest, now);
      this.startBackground();
      return this.inflight ?? this.run();
    }
    if (this.latest && cacheMs > 0 && now - this.latest.time < cacheMs) return this.latest;
    return this.run();
  }

  /**
   * Until when `current()` keeps returning the very result it returns at `now`, new results aside
   * (those are announced on `changes`): the end of the cache or of the freshness before `stale`.
   * -Infinity when every call may run the check.
   */
  holdsUntil(now: number): number {
    const latest = this.latest;
    const { intervalMs, cacheMs, staleAfterMs } = this.options;
    if (!latest) return Number.NEGATIVE_INFINITY;
    if (intervalMs > 0) {
      if (staleAfterMs <= 0) return Number.POSITIVE_INFINITY;
      // Stale results are new objects on every call: nothing holds once the result is stale.
      return now - latest.time > staleAfterMs ? Number.NEGATIVE_INFINITY : latest.time + staleAfterMs;
    }
    return cacheMs > 0 ? latest.time + cacheMs : Number.NEGATIVE_INFINITY;
  }

  /** Starts background refresh (interval mode). Idempotent. */
  startBackground(): void {
    if (this.options.intervalMs <= 0 || this.timer || this.stopped) return;
    const loop = () => {
      this.run().finally(() => {
        if (this.stopped) return;
        this.timer = setTimeout(loop, this.options.intervalMs);
        this.timer.unref();
      });
    };
    this.timer = setTimeout(loop, 0);
    this.timer.unref();
  }

  /** Stops background refresh and aborts a run in progress (its signal's reason says `shutdown`). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running?.abort(new CheckShutdownError());
  }

  /** One single-flight execution: concurrent callers share the same promise. */
  run(): Promise<CheckResult> {
    if (!this.inflight) {
      this.inflight = this.execute().then((raw) => {
        this.inflight = undefined;
        this.latest = this.hysteresis.apply(raw);
        this.changes.announce();
        return this.latest;
      });
    }
    return this.inflight;
  }

  private async execute(): Promise<CheckResult> {
    this.runs++;
    const started = this.env.now();
    const controller = new AbortController();
    this.running = controller;
    const { timeoutMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new CheckTimeoutError(timeoutMs));
        resolve('timeout');
      }, timeoutMs);
    });
    try {
      const outcome = await Promise.race([invoke(this.fn, controller.signal), timedOut]);
      const finished = this.env.now();
      const durationMs = Math.round(finished - started);
      if (outcome === 'timeout') {
        return {
          level: 'critical',
          reason: 'timeout',
          message: `timed out after ${timeoutMs} ms`,
          durationMs,
          time: finished,
        };
      }
      return { ...redactOutcome(outcome, this.env.redact), durationMs, time: finished };
    } catch (error) {
      const finished = this.env.now();
      const shutdown = controller.signal.reason instanceof CheckShutdownError;
      return {
        level: 'critical',
        reason: shutdown ? 'aborted' : 'error',
        message: this.env.redact(errorMessage(error)),
        durationMs: Math.round(finished - started),
        time: finished,
      };
    } finally {
      clearTimeout(timer);
      if (this.running === controller) this.running = undefined;
    }
  }

  private withStaleness(result: CheckResult, now: number): CheckResult {
    const age = now - result.time;
    if (this.options.staleAfterMs > 0 && age > this.options.staleAfterMs) {
      return {
        ...result,
        level: 'critical',
        reason: 'stale',
        message: `last result is ${Math.round(age)} ms old`,
      };
    }
    return result;
  }
}

export class CheckShutdownError extends Error {
  override name = 'AbortError';
  constructor() {
    super('statuskit is shutting down');
  }
}

export class CheckTimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`check timed out after ${timeoutMs} ms`);
  }
}

async function invoke(
  fn: CheckFunction,
  signal: AbortSignal,
): Promise<Omit<CheckResult, 'durationMs' | 'time'>> {
  return normalize(await fn({ signal }));
}

/** Accepts what a check may return and turns it into a result; anything else is a bug in the check. */
export function normalize(value: CheckReturn | string): Omit<CheckResult, 'durationMs' | 'time'> {
  if (value === true) return { level: 'ok' };
  if (value === false) return { level: 'critical' };
  if (isLevel(value)) return { level: value };
  if (value && typeof value === 'object' && isLevel((value as CheckOutcome).level)) {
    const { level, message, fields, observedValue, observedUnit } = value as CheckOutcome;
    const out: Omit<CheckResult, 'durationMs' | 'time'> = { level };
    if (message !== undefined) out.message = String(message);
    if (fields !== undefined) out.fields = fields;
    if (observedValue !== undefined) out.observedValue = observedValue;
    if (observedUnit !== undefined) out.observedUnit = observedUnit;
    return out;
  }
  throw new TypeError(`check returned ${describe(value)}; expected a level, a boolean or { level, ... }`);
}

type Outcome = Omit<CheckResult, 'durationMs' | 'time'>;

/**
 * Redacts every text a check returned (message, fields, observed value and unit) once, when the
 * result is made: every door (documents, health+json `output`, the live feed, logs) shows results
 * from here, and cached results are served without redacting again. A check that reports a URL,
 * a connection string or a header it saw must not leak the credentials in it.
 */
function redactOutcome(outcome: Outcome, redact: Redactor): Outcome {
  const { message, fields, observedValue, observedUnit } = outcome;
  const clean = { ...outcome };
  if (message !== undefined) clean.message = redact(message);
  if (fields !== undefined) clean.fields = redactDeep(fields, redact) as Record<string, unknown>;
  if (typeof observedValue === 'string') clean.observedValue = redact(observedValue);
  if (observedUnit !== undefined) clean.observedUnit = redact(String(observedUnit));
  return clean;
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 80) ?? String(value);
  } catch {
    return typeof value;
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : describe(error);
}

/**
 * Keeps the reported level from flapping: it gets worse only after `failureThreshold` consecutive
 * worse results, and better only after `successThreshold` consecutive better ones. The very first
 * result is taken as it is. Fields and messages always come from the latest raw result.
 */
class Hysteresis {
  private reported: Level | undefined;
  private streakLevel: Level | undefined;
  private streak = 0;

  constructor(
    private readonly failureThreshold: number,
    private readonly successThreshold: number,
  ) {}

  apply(raw: CheckResult): CheckResult {
    if (this.reported === undefined || raw.level === this.reported) {
      this.reported = raw.level;
      this.streak = 0;
      return raw;
    }
    const worse = SEVERITY[raw.level] > SEVERITY[this.reported];
    const needed = worse ? this.failureThreshold : this.successThreshold;
    this.streak =
      this.streakLevel !== undefined && sameDirection(this.streakLevel, raw.level, this.reported)
        ? this.streak + 1
        : 1;
    this.streakLevel = raw.level;
    if (this.streak >= needed) {
      this.reported = raw.level;
      this.streak = 0;
      return raw;
    }
    return { ...raw, level: this.reported, pendingLevel: raw.level };
  }
}

function sameDirection(previous: Level, next: Level, reported: Level): boolean {
  return SEVERITY[previous] > SEVERITY[reported] === SEVERITY[next] > SEVERITY[reported];
}
