/**
 * Rendering 1000 metrics to JSON (seed and servlet forms) and to Prometheus text / OpenMetrics
 * (target: < 2 ms each, median), with prom-client's `registry.metrics()` on a comparable set in
 * the same run for reference.
 *
 * Two mixes of 1000 metrics. Scalars: counters, gauges, meters, keyed counters (10 keys each),
 * derived ratios. Distributions (histograms and timers) hold a full 1028-sample window and record
 * one value between renders, so no render is served from the snapshot cache; each costs two passes
 * over its window plus a bucketed partial sort, so they dominate:
 * - "typical": 40 distributions, 960 scalars;
 * - "stress": 100 distributions, 900 scalars.
 * Run: node --import tsx bench/metrics/render.ts
 */
import client from 'prom-client';
import { type Histogram, MetricsRegistry, renderPrometheus } from '../../src/metrics/index.js';
import { median, verdict } from './harness.js';

function buildOurs(distributionCount: number): { registry: MetricsRegistry; distributions: Histogram[] } {
  const registry = new MetricsRegistry();
  const scalars = (1000 - distributionCount) / 10;
  for (let i = 0; i < scalars * 3; i++) registry.counter(`app.counter${i}`).inc(i);
  for (let i = 0; i < scalars; i++) registry.gauge(`app.gauge${i}`, () => i * 2);
  for (let i = 0; i < scalars * 3; i++) registry.meter(`app.meter${i}`).mark(i + 1);
  for (let i = 0; i < scalars; i++) {
    const keyed = registry.keyedCounter(`app.keyed${i}`);
    for (let k = 0; k < 10; k++) keyed.inc(`key-${k}`, k + 1);
  }
  for (let i = 0; i < scalars * 2; i++) registry.derived(`app.ratio${i}`, () => i / 100);
  const distributions: Histogram[] = [];
  for (let i = 0; i < distributionCount / 2; i++) distributions.push(registry.histogram(`app.histogram${i}`));
  for (let i = 0; i < distributionCount / 2; i++) distributions.push(registry.timer(`app.timer${i}`));
  for (const d of distributions) for (let v = 0; v < 1028; v++) d.update(Math.random() * 1000);
  if (registry.size !== 1000) throw new Error(`expected 1000 metrics, built ${registry.size}`);
  return { registry, distributions };
}

function buildTheirs(distributionCount: number): client.Registry {
  const theirs = new client.Registry();
  const scalars = 1000 - distributionCount;
  for (let i = 0; i < scalars / 2; i++)
    new client.Counter({ name: `c${i}_total`, help: 'x', registers: [theirs] }).inc(i);
  for (let i = 0; i < scalars / 2 - 100; i++)
    new client.Gauge({ name: `g${i}`, help: 'x', registers: [theirs] }).set(i);
  for (let i = 0; i < 100; i++) {
    const c = new client.Counter({
      name: `k${i}_total`,
      help: 'x',
      labelNames: ['key'],
      registers: [theirs],
    });
    for (let k = 0; k < 10; k++) c.inc({ key: `key-${k}` }, k + 1);
  }
  for (let i = 0; i < distributionCount; i++) {
    const s = new client.Summary({ name: `s${i}`, help: 'x', registers: [theirs] });
    for (let v = 0; v < 1028; v++) s.observe(Math.random() * 1000);
  }
  return theirs;
}

async function time(touch: () => void, fn: () => unknown, rounds = 41): Promise<number> {
  for (let i = 0; i < 5; i++) {
    touch();
    await fn();
  }
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    touch();
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

const row = (name: string, ms: number, target = true) =>
  console.log(`  ${name.padEnd(40)} ${ms.toFixed(3).padStart(7)} ms ${target ? verdict(ms < 2) : ''}`);

for (const [mix, distributionCount] of [
  ['typical', 40],
  ['stress', 100],
] as const) {
  const { registry, distributions } = buildOurs(distributionCount);
  const theirs = buildTheirs(distributionCount);
  const touch = () => {
    for (const d of distributions) d.update(Math.random() * 1000);
  };
  console.log(`${mix}: 1000 metrics, ${distributionCount} of them histograms/timers`);
  row('JSON (seed form)', await time(touch, () => JSON.stringify(registry.readStatus())));
  row('JSON (servlet form)', await time(touch, () => JSON.stringify(registry.toServletJSON())));
  row('Prometheus text 0.0.4 (+ process vitals)', await time(touch, () => renderPrometheus(registry).body));
  row(
    'OpenMetrics (+ process vitals)',
    await time(touch, () => renderPrometheus(registry, { openMetrics: true }).body),
  );
  row('prom-client registry.metrics() (ref.)', await time(touch, () => theirs.metrics()), false);
}
