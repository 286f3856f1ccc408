import { type ClockInput, type MetricsClock, toClock } from './clock.js';
import { type Derived, errorRatio } from './derived.js';
import { checkJsonForm, type JsonForm } from './json-form.js';
import { KeyedCounter } from './keyed-counter.js';
import { Meter, type MeterServletJSON, type MeterStatus } from './meter.js';
import type { Metric, MetricSet } from './metric.js';
import { Timer } from './timer.js';

export type RequestOutcome = 'success' | 'error' | 'ignored';

/** Decides a request's outcome from its status code (and, if given, the thrown error). */
export type Classifier = (statusCode: number, error?: unknown) => RequestOutcome;

/**
 * Default: 5xx is an error, 4xx (the client's fault, including 499 for a client that hung up) is
 * ignored, the rest succeed. Adapters report a thrown error without a status as 500.
 */
export const defaultClassifier: Classifier = (statusCode) => {
  if (!(statusCode < 500)) return 'error';
  if (statusCode >= 400) return 'ignored';
  return 'success';
};

export interface RequestMetricsOptions {
  clock?: ClockInput;
  classify?: Classifier;
  /** Bound on distinct keys in the per-key counters (default 100). */
  maxKeys?: number;
  /** Bucket for keys past `maxKeys` (default `other`). */
  overflowKey?: string;
  /** The field name of per-key error counts in `readStatus()` (default `errorsByKey`; seed 001: `errorsByBot`). */
  errorsByKeyField?: string;
  /** Prometheus label name of the per-key series (default `key`; e.g. `route`, `bot`). */
  keyLabel?: string;
  jsonForm?: JsonForm;
}

export interface RequestsStatus {
  successes: MeterStatus | MeterServletJSON;
  errors: MeterStatus | MeterServletJSON;
  [errorsByKey: string]: unknown;
  ignored: MeterStatus | MeterServletJSON;
  fiveMinuteErrorsRatio: number;
}

const RESERVED_FIELDS = new Set(['', 'successes', 'errors', 'ignored', 'fiveMinuteErrorsRatio', '__proto__']);

/** A request in flight; `end()` records it once. */
export interface RequestTiming {
  end(statusCode: number, key?: string, error?: unknown): RequestOutcome;
}

/**
 * Framework-neutral request instrumentation: counts by outcome, a duration timer and per-key
 * counts, enough for seed 001's `requests.chatHttp` section. Adapters call `start()`/`end()` or
 * `record()`. A `MetricSet`: `registry.registerAll(name, requests)` (or `registry.requests(name)`)
 * exposes its parts as `<name>.successes`, `<name>.errors`, …
 */
export class RequestMetrics implements MetricSet {
  readonly successes: Meter;
  readonly errors: Meter;
  readonly ignored: Meter;
  /** Errors per key (seed 001's `errorsByBot`). */
  readonly errorsByKey: KeyedCounter;
  /** All requests per key (route, bot, …). */
  readonly requestsByKey: KeyedCounter;
  readonly duration: Timer;
  readonly fiveMinuteErrorsRatio: Derived;
  readonly clock: MetricsClock;
  readonly errorsByKeyField: string;
  readonly jsonForm: JsonForm;
  private readonly classify: Classifier;

  constructor(options: RequestMetricsOptions = {}) {
    this.clock = toClock(options.clock);
    this.classify = options.classify ?? defaultClassifier;
    if (typeof this.classify !== 'function')
      throw new TypeError('RequestMetrics: classify must be a function');
    this.errorsByKeyField = options.errorsByKeyField ?? 'errorsByKey';
    if (typeof this.errorsByKeyField !== 'string' || RESERVED_FIELDS.has(this.errorsByKeyField)) {
      throw new TypeError(
        `RequestMetrics: errorsByKeyField cannot be ${JSON.stringify(this.errorsByKeyField)}`,
      );
    }
    this.jsonForm = checkJsonForm(options.jsonForm);
    const clock = this.clock;
    const keyed = { maxKeys: options.maxKeys, overflowKey: options.overflowKey, label: options.keyLabel };
    this.successes = new Meter({ clock, help: 'Requests that succeeded' });
    this.errors = new Meter({ clock, help: 'Requests that failed' });
    this.ignored = new Meter({ clock, help: 'Requests classified as ignored' });
    this.errorsByKey = new KeyedCounter({ ...keyed, help: 'Failed requests per key' });
    this.requestsByKey = new KeyedCounter({ ...keyed, help: 'Requests per key' });
    this.duration = new Timer({ clock, help: 'Request duration' });
    this.fiveMinuteErrorsRatio = errorRatio(this.errors, this.successes, 'm5', {
      help: 'errors / (successes + errors) over the five-minute rates',
    });
  }

  /** Starts timing a request. */
  start(): RequestTiming {
    const startedAt = this.clock.now();
    let outcome: RequestOutcome | undefined;
    return {
      end: (statusCode, key, error) => {
        outcome ??= this.record(statusCode, this.clock.now() - startedAt, key, error);
        return outcome;
      },
    };
  }

  /** Records a finished request. Allocation-free except for the first sighting of a key. */
  record(statusCode: number, durationMs: number, key?: string, error?: unknown): RequestOutcome {
    const outcome = this.classify(statusCode, error);
    if (outcome === 'success') this.successes.mark();
    else if (outcome === 'error') this.errors.mark();
    else if (outcome === 'ignored') this.ignored.mark();
    else throw new TypeError(`RequestMetrics: classify returned ${String(outcome)}`);
    if (Number.isFinite(durationMs) && durationMs >= 0) this.duration.update(durationMs);
    if (typeof key === 'string') {
      this.requestsByKey.inc(key);
      if (outcome === 'error') this.errorsByKey.inc(key);
    }
    return outcome;
  }

  /** Seed 001's section (or its servlet variant, per `jsonForm`). */
  readStatus(): RequestsStatus {
    return this.jsonForm === 'servlet' ? this.toServletJSON() : this.toSeedJSON();
  }

  /** Seed 001's section: successes, errors, per-key errors, ignored, fiveMinuteErrorsRatio. */
  toSeedJSON(): RequestsStatus {
    return this.section((m) => m.toSeedJSON());
  }

  /** The same section with meters in Dropwizard metrics-servlet form. */
  toServletJSON(): RequestsStatus {
    return this.section((m) => m.toServletJSON());
  }

  private section(meter: (m: Meter) => MeterStatus | MeterServletJSON): RequestsStatus {
    return {
      successes: meter(this.successes),
      errors: meter(this.errors),
      [this.errorsByKeyField]: this.errorsByKey.toSeedJSON(),
      ignored: meter(this.ignored),
      fiveMinuteErrorsRatio: this.fiveMinuteErrorsRatio.value,
    };
  }

  /** The parts a registry exposes, in the order Prometheus lists them. */
  metricParts(): Array<readonly [string, Metric]> {
    return [
      ['successes', this.successes],
      ['errors', this.errors],
      ['ignored', this.ignored],
      ['errorsByKey', this.errorsByKey],
      ['requestsByKey', this.requestsByKey],
      ['duration', this.duration],
      ['fiveMinuteErrorsRatio', this.fiveMinuteErrorsRatio],
    ];
  }
}
