/**
 * What a registry holds: one metric of any kind, or a set of metrics that belong together. Kept
 * apart from the registry so that composite metrics (request meters) can describe their parts
 * without importing it.
 */
import type { Counter } from './counter.js';
import type { Derived } from './derived.js';
import type { Gauge } from './gauge.js';
import type { Histogram } from './histogram.js';
import type { KeyedCounter } from './keyed-counter.js';
import type { Meter } from './meter.js';
import type { Timer } from './timer.js';

export type Metric = Counter | Gauge | Meter | Histogram | Timer | KeyedCounter | Derived;
export type MetricKind = Metric['kind'];

/** Several metrics registered together, each as `<name>.<part>` (`registry.registerAll(name, set)`). */
export interface MetricSet {
  /** The parts, keyed by their name under the set's, in registration order. */
  metricParts(): Iterable<readonly [part: string, metric: Metric]>;
}
