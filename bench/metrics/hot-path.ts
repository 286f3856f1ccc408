/**
 * Hot paths against their competitors, in the same run (ns/op, medians):
 * - Meter.mark() vs measured-core Meter.mark() (target: <= 2 ns and not slower);
 * - KeyedCounter.inc(key) vs prom-client counter.inc({ label }) (target: <= 1/4);
 * - Histogram.update / Timer.update vs prom-client Histogram.observe() (target: <= 1/10).
 * Run: node --import tsx bench/metrics/hot-path.ts
 */
import measured from 'measured-core';
import client from 'prom-client';
import { Histogram, KeyedCounter, Meter, Timer } from '../../src/metrics/index.js';
import { type Case, measure, median, medianRatio, verdict } from './harness.js';

const ITERATIONS = 5_000_000;
const KEYS = Array.from({ length: 16 }, (_, i) => `bot-${i.toString(16).padStart(8, '0')}`);
const VALUES = Float64Array.from({ length: 1024 }, () => Math.random() * 250);

const meter = new Meter();
const theirMeter = new measured.Meter();
const keyed = new KeyedCounter({ maxKeys: 100 });
const registry = new client.Registry();
const theirCounter = new client.Counter({
  name: 'errors_total',
  help: 'x',
  labelNames: ['bot'],
  registers: [registry],
});
const histogram = new Histogram();
const timer = new Timer();
const theirHistogram = new client.Histogram({ name: 'duration_seconds', help: 'x', registers: [registry] });

const cases: Case[] = [
  {
    name: 'statuskit Meter.mark()',
    run: (n) => {
      for (let i = 0; i < n; i++) meter.mark();
    },
  },
  {
    name: 'measured-core Meter.mark()',
    run: (n) => {
      for (let i = 0; i < n; i++) theirMeter.mark();
    },
  },
  {
    name: 'statuskit KeyedCounter.inc(key)',
    run: (n) => {
      for (let i = 0; i < n; i++) keyed.inc(KEYS[i & 15]);
    },
  },
  {
    name: 'prom-client counter.inc({ bot })',
    divisor: 10,
    run: (n) => {
      for (let i = 0; i < n; i++) theirCounter.inc({ bot: KEYS[i & 15] });
    },
  },
  {
    name: 'statuskit Histogram.update(v)',
    run: (n) => {
      for (let i = 0; i < n; i++) histogram.update(VALUES[i & 1023]);
    },
  },
  {
    name: 'statuskit Timer.update(ms)',
    run: (n) => {
      for (let i = 0; i < n; i++) timer.update(VALUES[i & 1023]);
    },
  },
  {
    name: 'prom-client Histogram.observe(v)',
    divisor: 10,
    run: (n) => {
      for (let i = 0; i < n; i++) theirHistogram.observe(VALUES[i & 1023]);
    },
  },
];

const rounds = measure(cases, ITERATIONS);
for (const [name, samples] of rounds) {
  console.log(
    `${name.padEnd(36)} ${median(samples).toFixed(2).padStart(8)} ns/op (median of ${samples.length})`,
  );
}

const get = (name: string) => rounds.get(name)!;
const mark = median(get('statuskit Meter.mark()'));
const markRatio = medianRatio(get('statuskit Meter.mark()'), get('measured-core Meter.mark()'));
const keyedRatio = medianRatio(
  get('statuskit KeyedCounter.inc(key)'),
  get('prom-client counter.inc({ bot })'),
);
const observe = get('prom-client Histogram.observe(v)');
const histRatio = medianRatio(get('statuskit Histogram.update(v)'), observe);
const timerRatio = medianRatio(get('statuskit Timer.update(ms)'), observe);
console.log();
console.log(`Meter.mark <= 2 ns: ${mark.toFixed(2)} ns ${verdict(mark <= 2)}`);
console.log(`Meter.mark vs measured-core: ${markRatio.toFixed(2)}x ${verdict(markRatio <= 1)}`);
console.log(
  `KeyedCounter.inc / prom-client labelled inc: ${keyedRatio.toFixed(3)} ${verdict(keyedRatio <= 0.25)}`,
);
console.log(`Histogram.update / prom-client observe: ${histRatio.toFixed(3)} ${verdict(histRatio <= 0.1)}`);
console.log(`Timer.update / prom-client observe: ${timerRatio.toFixed(3)} ${verdict(timerRatio <= 0.1)}`);
theirMeter.end();
