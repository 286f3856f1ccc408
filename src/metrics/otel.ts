/**
 * The OpenTelemetry bridge: a registry's metrics, a status's check levels and durations, and the
 * Node runtime's figures, as instruments of an OpenTelemetry meter. `@opentelemetry/api` is an
 * optional peer, loaded only when no meter provider is given (the global one is then used); the
 * types below are structural, so the published declarations do not import it.
 *
 * Counts and gauges are observed at each collection (nothing runs per event); histograms and
 * timers need each value, so they forward what they record from the bridge's creation on.
 */
import { SEVERITY } from '../model/levels.js';
import { formatPath } from '../tree/paths.js';
import { checkNodes, type Snapshot } from '../tree/snapshot.js';
import type { Metric } from './metric.js';
import type {
  OtelBatchResult,
  OtelHistogram,
  OtelMeter,
  OtelMeterProvider,
  OtelObservable,
  OtelObservableResult,
} from './otel-api.js';
import { type OtelRuntime, observeRuntime } from './otel-runtime.js';
import type { MetricsRegistry } from './registry.js';

export type {
  OtelAttributes,
  OtelBatchResult,
  OtelHistogram,
  OtelInstrumentOptions,
  OtelMeter,
  OtelMeterProvider,
  OtelObservable,
  OtelObservableResult,
} from './otel-api.js';

export interface OtelBridgeOptions {
  /** Where the instruments are created. Default: the global provider of `@opentelemetry/api`. */
  meterProvider?: OtelMeterProvider;
  /** Check levels and durations of this status (`statuskit.check.status`, `statuskit.check.duration`). */
  status?: { snapshot(): Promise<Snapshot> };
  /** Node runtime metrics under the semantic-convention names (`nodejs.eventloop.*`, `v8js.*`). Default true. */
  runtime?: boolean;
  /** The instrumentation scope's name. Default `statuskit`. */
  scope?: string;
}

export interface OtelBridge {
  /** Adds instruments for metrics registered since the bridge was created (or last refreshed). */
  refresh(): void;
  /** Removes every callback and stops forwarding histogram values. */
  close(): void;
}

/** Durations in seconds, as the HTTP semantic conventions bucket them. */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Starts the bridge. Without `meterProvider`, `@opentelemetry/api` must be installed. */
export async function createOtelBridge(
  registry: MetricsRegistry | undefined,
  options: OtelBridgeOptions = {},
): Promise<OtelBridge> {
  const provider = options.meterProvider ?? (await globalMeterProvider());
  const meter = provider.getMeter(options.scope ?? 'statuskit');
  const removals: Array<() => void> = [];
  const bridged = new Set<Metric>();
  const refresh = () => {
    for (const { name, metric } of registry?.entries() ?? []) {
      if (bridged.has(metric)) continue;
      bridged.add(metric);
      removals.push(bridgeMetric(meter, otelName(name), metric));
    }
  };
  refresh();
  if (options.status) removals.push(bridgeChecks(meter, options.status));
  let runtime: OtelRuntime | undefined;
  if (options.runtime !== false) runtime = observeRuntime(meter);
  return {
    refresh,
    close() {
      for (const remove of removals.splice(0)) remove();
      runtime?.close();
      runtime = undefined;
    },
  };
}

/** The API's global provider; the clear message when the optional peer is missing. */
export async function globalMeterProvider(
  load: () => Promise<unknown> = () => import('@opentelemetry/api'),
): Promise<OtelMeterProvider> {
  let api: { metrics: { getMeterProvider(): OtelMeterProvider } };
  try {
    api = (await load()) as typeof api;
  } catch {
    throw new Error(
      'OpenTelemetry bridge: the `@opentelemetry/api` package is needed (npm install @opentelemetry/api), or pass `meterProvider`',
    );
  }
  return api.metrics.getMeterProvider();
}

/** Registry names are free text; instrument names are `[A-Za-z][A-Za-z0-9_.-/]{0,254}`. */
export function otelName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.\-/]+/g, '_').slice(0, 255);
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `m_${cleaned}`.slice(0, 255);
}

function bridgeMetric(meter: OtelMeter, name: string, metric: Metric): () => void {
  const description = metric.help ?? name;
  switch (metric.kind) {
    case 'counter':
      return observe(meter.createObservableUpDownCounter(name, { description }), (r) =>
        r.observe(metric.count),
      );
    case 'meter':
      return observe(meter.createObservableCounter(name, { description }), (r) => r.observe(metric.count));
    case 'keyed':
      return observe(meter.createObservableCounter(name, { description }), (r) => {
        for (const [key, n] of metric.entries()) r.observe(n, { [metric.label]: key });
      });
    case 'gauge':
    case 'derived':
      return observe(meter.createObservableGauge(name, { description }), (r) => {
        const value = metric.value;
        if (Number.isFinite(value)) r.observe(value);
      });
    case 'histogram':
      return metric.onRecord(
        forward(meter.createHistogram(name, { description, unit: otelUnit(metric.unit) })),
      );
    case 'timer': {
      const histogram = meter.createHistogram(name, {
        description,
        unit: 's',
        advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
      });
      return metric.onRecord((ms) => histogram.record(ms / 1000));
    }
  }
}

function forward(histogram: OtelHistogram): (value: number) => void {
  return (value) => histogram.record(value);
}

function observe(observable: OtelObservable, callback: (result: OtelObservableResult) => void): () => void {
  observable.addCallback(callback);
  return () => observable.removeCallback(callback);
}

/** UCUM units for the Prometheus-style base units histograms declare. */
function otelUnit(unit: string): string | undefined {
  const known: Record<string, string> = { bytes: 'By', seconds: 's', milliseconds: 'ms' };
  return unit === '' ? undefined : (known[unit] ?? unit);
}

/** Check levels (0 ok ... 4 critical, as `/metrics` has them) and durations, read from one snapshot. */
function bridgeChecks(meter: OtelMeter, status: NonNullable<OtelBridgeOptions['status']>): () => void {
  const level = meter.createObservableGauge('statuskit.check.status', {
    description: 'Level of each check: 0 ok, 1 unknown, 2 warning, 3 maintenance, 4 critical',
  });
  const duration = meter.createObservableGauge('statuskit.check.duration', {
    description: 'Duration of the last evaluation of each check',
    unit: 's',
  });
  const overall = meter.createObservableGauge('statuskit.status', {
    description: 'Overall level of the status: 0 ok, 1 unknown, 2 warning, 3 maintenance, 4 critical',
  });
  const callback = async (result: OtelBatchResult) => {
    const snapshot = await status.snapshot();
    result.observe(overall, SEVERITY[snapshot.level]);
    for (const node of checkNodes(snapshot.root)) {
      const check = formatPath(node.path);
      result.observe(level, SEVERITY[node.level ?? node.check!.level], { check, critical: node.critical });
      result.observe(duration, node.check!.durationMs / 1000, { check });
    }
  };
  const observables = [level, duration, overall];
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
