/**
 * The Node runtime as OpenTelemetry instruments, under the semantic conventions' names and units:
 * `nodejs.eventloop.delay.*` (seconds, over the last collection interval), `nodejs.eventloop.
 * utilization` and `.time`, `v8js.memory.heap.*` per heap space and `v8js.gc.duration`.
 */
import {
  constants,
  type EventLoopUtilization,
  monitorEventLoopDelay,
  PerformanceObserver,
  performance,
} from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import type { OtelBatchResult, OtelMeter } from './otel-api.js';

export interface OtelRuntime {
  close(): void;
}

const NS_PER_S = 1e9;
/** The event-loop delay histogram's resolution, in ms. */
const DELAY_RESOLUTION_MS = 10;
/** Garbage-collection pauses, in seconds, as the conventions suggest bucketing them. */
const GC_BUCKETS = [0.01, 0.1, 1, 10];

const GC_TYPES: ReadonlyMap<number, string> = new Map([
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

export function observeRuntime(meter: OtelMeter): OtelRuntime {
  const stopEventLoop = observeEventLoop(meter);
  const stopHeap = observeHeap(meter);
  const stopGc = observeGc(meter);
  return {
    close() {
      stopEventLoop();
      stopHeap();
      stopGc();
    },
  };
}

function observeEventLoop(meter: OtelMeter): () => void {
  const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  delay.enable();
  const gauge = (name: string, what: string) =>
    meter.createObservableGauge(`nodejs.eventloop.delay.${name}`, {
      description: `Event loop ${what} delay`,
      unit: 's',
    });
  const delays = {
    min: gauge('min', 'minimum'),
    max: gauge('max', 'maximum'),
    mean: gauge('mean', 'mean'),
    stddev: gauge('stddev', 'standard deviation of the'),
    p50: gauge('p50', '50 percentile'),
    p90: gauge('p90', '90 percentile'),
    p99: gauge('p99', '99 percentile'),
  };
  const utilization = meter.createObservableGauge('nodejs.eventloop.utilization', {
    description: 'Event loop utilization over the last collection interval',
    unit: '1',
  });
  const time = meter.createObservableCounter('nodejs.eventloop.time', {
    description: 'Cumulative duration of time the event loop has been in each state',
    unit: 's',
  });
  let since: EventLoopUtilization = performance.eventLoopUtilization();
  const callback = (result: OtelBatchResult) => {
    // An empty window (no sample yet) has no delays to report.
    if (delay.count > 0) {
      result.observe(delays.min, delay.min / NS_PER_S);
      result.observe(delays.max, delay.max / NS_PER_S);
      result.observe(delays.mean, delay.mean / NS_PER_S);
      result.observe(delays.stddev, delay.stddev / NS_PER_S);
      result.observe(delays.p50, delay.percentile(50) / NS_PER_S);
      result.observe(delays.p90, delay.percentile(90) / NS_PER_S);
      result.observe(delays.p99, delay.percentile(99) / NS_PER_S);
    }
    delay.reset();
    const total = performance.eventLoopUtilization();
    result.observe(utilization, performance.eventLoopUtilization(total, since).utilization);
    since = total;
    result.observe(time, total.active / 1000, { 'nodejs.eventloop.state': 'active' });
    result.observe(time, total.idle / 1000, { 'nodejs.eventloop.state': 'idle' });
  };
  const observables = [...Object.values(delays), utilization, time];
  meter.addBatchObservableCallback(callback, observables);
  return () => {
    meter.removeBatchObservableCallback(callback, observables);
    delay.disable();
  };
}

function observeHeap(meter: OtelMeter): () => void {
  const series = [
    ['v8js.memory.heap.used', 'Heap memory used', 'space_used_size'],
    ['v8js.memory.heap.limit', 'Heap space size', 'space_size'],
    ['v8js.memory.heap.space.available_size', 'Heap space available', 'space_available_size'],
    [
      'v8js.memory.heap.space.physical_size',
      'Committed physical memory of the heap space',
      'physical_space_size',
    ],
  ] as const;
  const instruments = series.map(([name, description, field]) => ({
    field,
    observable: meter.createObservableUpDownCounter(name, { description, unit: 'By' }),
  }));
  const callback = (result: OtelBatchResult) => {
    for (const space of getHeapSpaceStatistics()) {
      const attributes = { 'v8js.heap.space.name': space.space_name };
      for (const { field, observable } of instruments) result.observe(observable, space[field], attributes);
    }
  };
  const observables = instruments.map((i) => i.observable);
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}

function observeGc(meter: OtelMeter): () => void {
  const histogram = meter.createHistogram('v8js.gc.duration', {
    description: 'Garbage collection duration',
    unit: 's',
    advice: { explicitBucketBoundaries: GC_BUCKETS },
  });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      histogram.record(entry.duration / 1000, { 'v8js.gc.type': GC_TYPES.get(kind ?? -1) ?? 'unknown' });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
