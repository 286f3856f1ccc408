import { type ClockInput, type MetricsClock, toClock } from './clock.js';
import { Counter } from './counter.js';
import { Derived } from './derived.js';
import { Gauge, type GaugeSource } from './gauge.js';
import { Histogram, type HistogramOptions } from './histogram.js';
import { checkJsonForm, type JsonForm, type MetricOptions } from './json-form.js';
import { KeyedCounter, type KeyedCounterOptions } from './keyed-counter.js';
import { Meter } from './meter.js';
import type { Metric, MetricKind, MetricSet } from './metric.js';
import { checkMetricName, prometheusName } from './names.js';
import { RequestMetrics, type RequestMetricsOptions } from './requests.js';
import { Timer, type TimerOptions } from './timer.js';

export type { Metric, MetricKind, MetricSet } from './metric.js';

export interface MetricsRegistryOptions {
  /** Clock for every metric created here (default: the shared `performance.now()` clock). */
  clock?: ClockInput;
  /** Default JSON form of `readStatus()` for metrics created here (default `seed`). */
  jsonForm?: JsonForm;
}

export interface RegisteredMetric {
  name: string;
  /** The Prometheus base name (snake_case, before any prefix or suffix). */
  prometheusName: string;
  metric: Metric;
}

/**
 * Holds named metrics. `counter()`, `meter()`, … return the existing metric of that name, or
 * create it; asking for a name with another type is an error, as are two names that map to one
 * Prometheus name (`a.b` and `a_b`).
 */
export class MetricsRegistry {
  readonly clock: MetricsClock;
  readonly jsonForm: JsonForm;
  private readonly byName = new Map<string, RegisteredMetric>();
  private readonly byPrometheusName = new Map<string, string>();

  constructor(options: MetricsRegistryOptions = {}) {
    this.clock = toClock(options.clock);
    this.jsonForm = checkJsonForm(options.jsonForm);
  }

  counter(name: string, options: MetricOptions = {}): Counter {
    return this.getOrCreate(name, 'counter', () => new Counter(this.defaults(options)));
  }

  gauge(name: string, source: GaugeSource = 0, options: MetricOptions = {}): Gauge {
    return this.getOrCreate(name, 'gauge', () => new Gauge(source, this.defaults(options)));
  }

  meter(name: string, options: MetricOptions = {}): Meter {
    return this.getOrCreate(name, 'meter', () => new Meter({ clock: this.clock, ...this.defaults(options) }));
  }

  histogram(name: string, options: Omit<HistogramOptions, 'clock'> = {}): Histogram {
    return this.getOrCreate(
      name,
      'histogram',
      () => new Histogram({ clock: this.clock, ...this.defaults(options) }),
    );
  }

  timer(name: string, options: Omit<TimerOptions, 'clock'> = {}): Timer {
    return this.getOrCreate(name, 'timer', () => new Timer({ clock: this.clock, ...this.defaults(options) }));
  }

  keyedCounter(name: string, options: KeyedCounterOptions = {}): KeyedCounter {
    return this.getOrCreate(name, 'keyed', () => new KeyedCounter(this.defaults(options)));
  }

  derived(name: string, formula: () => number, options: MetricOptions = {}): Derived {
    return this.getOrCreate(name, 'derived', () => new Derived(formula, this.defaults(options)));
  }

  /** Request meters (seed 001's `requests.<name>`), their parts registered under `name.*`. */
  requests(name: string, options: Omit<RequestMetricsOptions, 'clock'> = {}): RequestMetrics {
    return this.registerAll(name, new RequestMetrics({ ...options, clock: this.clock }));
  }

  /**
   * Adds every part of a set as `<name>.<part>`. All or nothing: when one part's name is taken,
   * none is registered.
   */
  registerAll<S extends MetricSet>(name: string, set: S): S {
    const parts = [...set.metricParts()].map(([part, metric]) => [`${name}.${part}`, metric] as const);
    for (const [full] of parts) this.checkFree(full);
    for (const [full, metric] of parts) this.register(full, metric);
    return set;
  }

  /** Adds a metric created elsewhere. */
  register<M extends Metric>(name: string, metric: M): M {
    const promName = this.checkFree(name);
    this.byName.set(name, { name, prometheusName: promName, metric });
    this.byPrometheusName.set(promName, name);
    return metric;
  }

  get(name: string): Metric | undefined {
    return this.byName.get(name)?.metric;
  }

  remove(name: string): boolean {
    const entry = this.byName.get(name);
    if (entry === undefined) return false;
    this.byName.delete(name);
    this.byPrometheusName.delete(entry.prometheusName);
    return true;
  }

  /** Registered metrics in registration order. */
  entries(): IterableIterator<RegisteredMetric> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }

  /** Every metric's `readStatus()`, keyed by its name (flat). */
  readStatus(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const { name, metric } of this.byName.values()) out[name] = metric.readStatus();
    return out;
  }

  /** The Dropwizard metrics-servlet document: `{version, gauges, counters, histograms, meters, timers}`. */
  toServletJSON(): ServletDocument {
    const doc: ServletDocument = {
      version: '4.0.0',
      gauges: {},
      counters: {},
      histograms: {},
      meters: {},
      timers: {},
    };
    for (const { name, metric } of this.byName.values()) addToServletDocument(doc, name, metric);
    return doc;
  }

  /** Throws unless `name` is valid and neither it nor its Prometheus name is taken; returns the latter. */
  private checkFree(name: string): string {
    checkMetricName(name);
    if (this.byName.has(name)) throw new TypeError(`metric ${JSON.stringify(name)} is already registered`);
    const promName = prometheusName(name);
    const clash = this.byPrometheusName.get(promName);
    if (clash !== undefined) {
      throw new TypeError(
        `metric ${JSON.stringify(name)} and ${JSON.stringify(clash)} share the Prometheus name ${promName}`,
      );
    }
    return promName;
  }

  private defaults<O extends MetricOptions>(options: O): O {
    return { ...options, jsonForm: options.jsonForm ?? this.jsonForm };
  }

  private getOrCreate<M extends Metric>(name: string, kind: MetricKind, create: () => M): M {
    const existing = this.byName.get(name);
    if (existing !== undefined) {
      if (existing.metric.kind !== kind) {
        throw new TypeError(`metric ${JSON.stringify(name)} is a ${existing.metric.kind}, not a ${kind}`);
      }
      return existing.metric as M;
    }
    return this.register(name, create());
  }
}

export interface ServletDocument {
  version: string;
  gauges: Record<string, unknown>;
  counters: Record<string, unknown>;
  histograms: Record<string, unknown>;
  meters: Record<string, unknown>;
  timers: Record<string, unknown>;
}

function addToServletDocument(doc: ServletDocument, name: string, metric: Metric): void {
  switch (metric.kind) {
    case 'counter':
      doc.counters[name] = metric.toServletJSON();
      return;
    case 'keyed':
      for (const [key, n] of metric.entries()) doc.counters[`${name}.${key}`] = { count: n };
      return;
    case 'gauge':
    case 'derived':
      doc.gauges[name] = metric.toServletJSON();
      return;
    case 'meter':
      doc.meters[name] = metric.toServletJSON();
      return;
    case 'histogram':
      doc.histograms[name] = metric.toServletJSON();
      return;
    case 'timer':
      doc.timers[name] = metric.toServletJSON();
      return;
  }
}
