import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type Histogram as HistogramPoint,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createStatus } from '../../src/index.js';
import {
  createOtelBridge,
  globalMeterProvider,
  MetricsRegistry,
  type OtelBridge,
} from '../../src/metrics/index.js';
import { until } from '../support/wait.js';
import { byName, pointWith } from './otel-support.js';

function sdk() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Collections happen when the test flushes, not on a timer.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const collect = async () => {
    await reader.forceFlush();
    return byName(exporter.getMetrics());
  };
  return { provider, collect };
}

/** Whether a sum only goes up (gauges have no such flag). */
const monotonic = (metric: MetricData | undefined) =>
  (metric as { isMonotonic?: boolean } | undefined)?.isMonotonic;

const bridges: OtelBridge[] = [];
afterEach(() => {
  for (const bridge of bridges.splice(0)) bridge.close();
});

async function bridge(...args: Parameters<typeof createOtelBridge>) {
  const created = await createOtelBridge(...args);
  bridges.push(created);
  return created;
}

describe("the OpenTelemetry bridge, read by the SDK's in-memory exporter", () => {
  it('exports meters and counters as sums, keyed counters with their label, gauges as gauges', async () => {
    const { provider, collect } = sdk();
    const registry = new MetricsRegistry();
    const requests = registry.requests('http');
    const queue = registry.counter('jobs.queued', { help: 'Jobs waiting' });
    registry.gauge('pool.size', () => 7);
    await bridge(registry, { meterProvider: provider, runtime: false });
    for (let i = 0; i < 5; i++) requests.record(200, 3, '/orders');
    requests.record(503, 9, '/orders');
    queue.inc(4);
    queue.dec();
    const exported = await collect();
    expect(pointWith<number>(exported.get('http.successes'))?.value).toBe(5);
    expect(exported.get('http.successes')?.descriptor.description).toBe('Requests that succeeded');
    expect(monotonic(exported.get('http.successes'))).toBe(true);
    expect(pointWith<number>(exported.get('http.errors'))?.value).toBe(1);
    expect(pointWith<number>(exported.get('http.requestsByKey'), { key: '/orders' })?.value).toBe(6);
    expect(pointWith<number>(exported.get('jobs.queued'))?.value).toBe(3);
    expect(monotonic(exported.get('jobs.queued'))).toBe(false);
    expect(pointWith<number>(exported.get('pool.size'))?.value).toBe(7);
  });

  it("exports histograms and timers as histograms, timers in seconds, from the bridge's start on", async () => {
    const { provider, collect } = sdk();
    const registry = new MetricsRegistry();
    const payload = registry.histogram('payload', { unit: 'bytes' });
    const timer = registry.timer('db.query');
    timer.update(9000); // before the bridge: OpenTelemetry histograms start with it
    await bridge(registry, { meterProvider: provider, runtime: false });
    payload.update(100);
    payload.update(300);
    timer.update(20);
    timer.update(1500);
    const exported = await collect();
    const bytes = exported.get('payload');
    expect(bytes?.descriptor.unit).toBe('By');
    expect(pointWith<HistogramPoint>(bytes)?.value).toMatchObject({ count: 2, sum: 400, min: 100, max: 300 });
    const seconds = exported.get('db.query');
    expect(seconds?.descriptor.unit).toBe('s');
    const point = pointWith<HistogramPoint>(seconds)!.value;
    expect(point).toMatchObject({ count: 2, sum: 1.52, min: 0.02, max: 1.5 });
    expect(point.buckets.boundaries).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]);
  });

  it("exports check levels and durations, and the overall level, from the status's snapshot", async () => {
    const { provider, collect } = sdk();
    const status = createStatus();
    status.check('database', () => ({ level: 'critical', message: 'down' }));
    status.check('cache', () => 'ok', { critical: false });
    await bridge(undefined, { meterProvider: provider, status, runtime: false });
    const exported = await collect();
    const levels = exported.get('statuskit.check.status');
    expect(pointWith<number>(levels, { check: 'database' })?.value).toBe(4);
    expect(pointWith<number>(levels, { check: 'database' })?.attributes.critical).toBe(true);
    expect(pointWith<number>(levels, { check: 'cache', critical: false })?.value).toBe(0);
    expect(exported.get('statuskit.check.duration')?.descriptor.unit).toBe('s');
    expect(
      pointWith<number>(exported.get('statuskit.check.duration'), { check: 'cache' })?.value,
    ).toBeGreaterThanOrEqual(0);
    expect(pointWith<number>(exported.get('statuskit.status'))?.value).toBe(4);
  });

  it('exports the Node runtime under the semantic-convention names', async () => {
    const { provider, collect } = sdk();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await bridge(undefined, { meterProvider: provider });
    gc();
    let exported = await collect();
    await until(async () => {
      exported = await collect();
      return exported.has('nodejs.eventloop.delay.p99') && exported.has('v8js.gc.duration');
    }, 'event-loop delay samples and a garbage collection');
    for (const name of ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'])
      expect(exported.get(`nodejs.eventloop.delay.${name}`)?.descriptor.unit).toBe('s');
    const p99 = pointWith<number>(exported.get('nodejs.eventloop.delay.p99'))!.value;
    expect(p99).toBeGreaterThan(0);
    expect(p99).toBeLessThan(10);
    const utilization = pointWith<number>(exported.get('nodejs.eventloop.utilization'))!.value;
    expect(utilization).toBeGreaterThanOrEqual(0);
    expect(utilization).toBeLessThanOrEqual(1);
    expect(
      pointWith(exported.get('nodejs.eventloop.time'), { 'nodejs.eventloop.state': 'idle' }),
    ).toBeDefined();
    const heap = pointWith<number>(exported.get('v8js.memory.heap.used'), {
      'v8js.heap.space.name': 'old_space',
    });
    expect(heap!.value).toBeGreaterThan(0);
    expect(exported.get('v8js.memory.heap.used')?.descriptor.unit).toBe('By');
    expect(exported.has('v8js.memory.heap.limit')).toBe(true);
    const gcPoint = pointWith<HistogramPoint>(exported.get('v8js.gc.duration'), { 'v8js.gc.type': 'major' });
    expect(gcPoint?.value.count).toBeGreaterThanOrEqual(1);
  });

  it('adds metrics registered later on refresh, and stops forwarding on close', async () => {
    const { provider, collect } = sdk();
    const registry = new MetricsRegistry();
    const created = await bridge(registry, { meterProvider: provider, runtime: false });
    const late = registry.meter('late.events');
    late.mark(2);
    expect((await collect()).has('late.events')).toBe(false);
    created.refresh();
    expect(pointWith<number>((await collect()).get('late.events'))?.value).toBe(2);
    const timer = registry.timer('after.close');
    created.refresh();
    created.close();
    timer.update(5);
    late.mark();
    const exported = await collect();
    expect(pointWith<HistogramPoint>(exported.get('after.close'))?.value.count ?? 0).toBe(0);
    expect(pointWith<number>(exported.get('late.events'))?.value ?? 2).toBe(2);
  });

  it('uses the global provider of @opentelemetry/api when none is given, and says so when it is missing', async () => {
    const { provider, collect } = sdk();
    metrics.setGlobalMeterProvider(provider);
    try {
      const registry = new MetricsRegistry();
      registry.meter('global.events').mark(3);
      await bridge(registry, { runtime: false });
      expect(pointWith<number>((await collect()).get('global.events'))?.value).toBe(3);
    } finally {
      metrics.disable();
    }
    await expect(globalMeterProvider(() => import('@opentelemetry/not-installed' as string))).rejects.toThrow(
      'OpenTelemetry bridge: the `@opentelemetry/api` package is needed (npm install @opentelemetry/api), or pass `meterProvider`',
    );
  });
});
