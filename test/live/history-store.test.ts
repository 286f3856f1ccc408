import { describe, expect, it } from 'vitest';
import { FULL_DISCLOSURE } from '../../src/access/types.js';
import {
  cpuPoints,
  diskPoints,
  memoryPoints,
  networkPoints,
  pressurePoints,
  requestPoints,
} from '../../src/live/history-charts.js';
import { HistoryStore, type SampleValues } from '../../src/live/history-store.js';
import { StatusTimeline } from '../../src/live/history-timeline.js';
import type { Level } from '../../src/model/index.js';
import type { Snapshot, SnapshotNode } from '../../src/tree/snapshot.js';
import { createVitals } from '../../src/vitals/index.js';
import { seededRandom } from '../support/seeded-random.js';

const MINUTE = 60_000;

function store(overrides: Partial<ConstructorParameters<typeof HistoryStore>[0]> = {}) {
  return new HistoryStore({
    fineCapacity: 10,
    coarseStepMs: MINUTE,
    coarseCapacity: 5,
    maxSeries: 4,
    aggregateOf: (chart) => (chart === 'levels' ? 'max' : 'mean'),
    ...overrides,
  });
}

function sample(values: Record<string, Record<string, number | null>>): SampleValues {
  return new Map(Object.entries(values).map(([chart, series]) => [chart, new Map(Object.entries(series))]));
}

/** Parses what `windowJson` writes (the members of an answer) back into data. */
function parsed(json: string): { time: number[]; charts: Record<string, Record<string, (number | null)[]>> } {
  return JSON.parse(`{${json}}`);
}

describe('HistoryStore', () => {
  it('keeps the last fine points of every series, aligned on one time column, oldest first', () => {
    const history = store();
    for (let i = 1; i <= 14; i++) history.record(i * 1000, sample({ cpu: { total: i } }));
    const window = parsed(history.windowJson(0, ['cpu']));
    expect(window.time).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((s) => s * 1000));
    expect(window.charts.cpu.total).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    // After an instant: only the points after it.
    expect(parsed(history.windowJson(12_000, ['cpu'])).charts.cpu.total).toEqual([13, 14]);
  });

  it('a series that appears late or skips a sample has nulls there; a clock step back is ignored', () => {
    const history = store();
    history.record(1000, sample({ cpu: { total: 1 } }));
    history.record(2000, sample({ cpu: { total: 2, 'core 1': 5 } }));
    history.record(3000, sample({ cpu: { total: 3 } }));
    history.record(2500, sample({ cpu: { total: 99 } }));
    history.record(4000, sample({ cpu: { total: Number.NaN, 'core 1': 7 } }));
    const { time, charts } = parsed(history.windowJson(0, ['cpu']));
    expect(time).toEqual([1000, 2000, 3000, 4000]);
    expect(charts.cpu).toEqual({ total: [1, 2, 3, null], 'core 1': [null, 5, null, 7] });
  });

  it('folds each minute into one coarse point: the mean for figures, the worst for levels', () => {
    const history = store();
    // Three minutes at one point every 10 s; the fourth minute opens a bucket.
    for (let t = 0; t <= 3 * MINUTE; t += 10_000) {
      const minute = Math.floor(t / MINUTE);
      history.record(
        t,
        sample({ cpu: { total: minute * 10 + (t % MINUTE) / 10_000 }, levels: { db: t === 70_000 ? 4 : 0 } }),
      );
    }
    // The fine ring (10 points) no longer reaches back to 0: the answer is coarse, then fine.
    const { time, charts } = parsed(history.windowJson(-1, ['cpu', 'levels']));
    expect(time.slice(0, 3)).toEqual([0, MINUTE, 2 * MINUTE]);
    expect(charts.cpu.total.slice(0, 3)).toEqual([2.5, 12.5, 22.5]);
    expect(charts.levels.db.slice(0, 3)).toEqual([0, 4, 0]);
    // ...followed by the fine points of the minute not yet closed.
    expect(time.slice(3)).toEqual([3 * MINUTE]);
    expect(charts.cpu.total.slice(3)).toEqual([30]);
  });

  it('stops at maxSeries, and makes room only from series silent for longer than both rings hold', () => {
    const history = store({ maxSeries: 2, fineCapacity: 3, coarseCapacity: 2 });
    history.record(1000, sample({ targets: { a: 1, b: 2 } }));
    history.record(2000, sample({ targets: { a: 1, b: 2, c: 3 } }));
    expect(history.series).toBe(2);
    expect(history.droppedSeries).toBe(1);
    // `b` goes quiet; once its last value has left both rings, `c` takes its place.
    for (let t = 1; t <= 4; t++) history.record(t * MINUTE, sample({ targets: { a: 1 } }));
    history.record(5 * MINUTE, sample({ targets: { a: 1, c: 3 } }));
    expect(Object.keys(parsed(history.windowJson(0, ['targets'])).charts.targets)).toEqual(['a', 'c']);
    expect(history.series).toBe(2);
  });

  it('answers the latest sample of each chart as one small object', () => {
    const history = store();
    history.record(1000, sample({ cpu: { total: 1 }, memory: { memory: 7.65 } }));
    history.record(2000, sample({ cpu: { total: 2 } }));
    expect(JSON.parse(history.latestJson(['cpu', 'memory']))).toEqual({ cpu: { total: 2 } });
  });

  it('seeded: any sequence of samples gives windows whose columns all match the time column', () => {
    const random = seededRandom(19_001);
    const history = store({ fineCapacity: 50, coarseCapacity: 20, maxSeries: 6 });
    let time = 0;
    for (let i = 0; i < 2000; i++) {
      time += 1 + Math.floor(random() * 20_000);
      const values: Record<string, Record<string, number>> = {};
      for (const chart of ['a', 'b', 'c']) {
        if (random() < 0.3) continue;
        values[chart] = {};
        for (const label of ['x', 'y', 'z']) if (random() < 0.7) values[chart][label] = random() * 100;
      }
      history.record(time, sample(values));
      if (i % 97 === 0) {
        const since = time - Math.floor(random() * 40 * MINUTE);
        const window = parsed(history.windowJson(since, ['a', 'b', 'c']));
        expect([...window.time].sort((p, q) => p - q)).toEqual(window.time);
        for (const series of Object.values(window.charts))
          for (const column of Object.values(series)) expect(column).toHaveLength(window.time.length);
      }
    }
    expect(history.series).toBeLessThanOrEqual(6);
  });
});

describe('history charts read the sources’ own figures', () => {
  it('memory is the reading’s usedPercent, disks their usedPercent: the numbers the document shows', () => {
    const vitals = createVitals().start();
    try {
      const memory = vitals.memory();
      expect(memoryPoints(memory)).toEqual([
        ['memory', memory.usedPercent],
        ['swap', memory.swapTotal > 0 ? expect.any(Number) : 0],
      ]);
      const disks = [
        { mount: '/', name: '/dev/vda', usedPercent: 23.2, total: 100, available: 70 },
        { mount: '/data', name: '/dev/vdb', usedPercent: null },
      ];
      expect(diskPoints(disks)).toEqual([['/', 23.2]]);
      const cpu = vitals.cpus();
      const points = cpuPoints(cpu)!;
      expect(points[0]).toEqual(['total', cpu.total.usage]);
      expect(points.slice(1).map(([label]) => label)).toEqual(
        cpu.cores.slice(0, 16).map((c) => `core ${c.name}`),
      );
    } finally {
      vitals.close();
    }
  });

  it('network sums every interface but lo; PSI takes some.avg10; requests sum the meters', () => {
    expect(
      networkPoints({
        supported: true,
        interfaces: [
          { name: 'lo', rxBytesPerSec: 1000, txBytesPerSec: 1000 },
          { name: 'eth0', rxBytesPerSec: 10.5, txBytesPerSec: 2 },
          { name: 'eth1', rxBytesPerSec: 1, txBytesPerSec: 3 },
        ],
      }),
    ).toEqual([
      ['rx', 11.5],
      ['tx', 5],
    ]);
    expect(networkPoints({ supported: false, interfaces: [] })).toBeUndefined();
    const figures = (avg10: number) => ({ some: { avg10 } });
    expect(pressurePoints({ cpu: figures(1.5), memory: null, io: figures(0.25) })).toEqual([
      ['cpu', 1.5],
      ['I/O', 0.25],
    ]);
    const meter = (m1: number) => ({ oneMinuteRate: m1, fiveMinuteRate: m1 / 2, fifteenMinuteRate: m1 / 4 });
    expect(requestPoints({ successes: meter(10), errors: meter(2), ignored: meter(0) })).toEqual([
      ['1 min', 12],
      ['5 min', 6],
      ['15 min', 3],
    ]);
    expect(requestPoints({})).toBeUndefined();
  });
});

function snapshotOf(version: number, components: Record<string, Level>, message = ''): Snapshot {
  const node = (key: string, level: Level): SnapshotNode => ({
    key,
    path: [key],
    level,
    critical: true,
    check: { level, durationMs: version, time: version, ...(message ? { message } : {}) },
    options: {},
    children: [],
  });
  const children = Object.entries(components).map(([key, level]) => node(key, level));
  const worst = children.some((c) => c.level === 'critical') ? 'critical' : 'ok';
  const root: SnapshotNode = { key: '', path: [], critical: true, options: {}, children };
  return { root, level: worst, durationMs: 0, time: version * 1000, version };
}

describe('StatusTimeline', () => {
  it('keeps the last transitions in a bounded ring, messages cut short; a removed component is no change', () => {
    const timeline = new StatusTimeline(3);
    timeline.observe(snapshotOf(1, { db: 'ok', api: 'ok' }));
    for (let v = 2; v <= 5; v++)
      timeline.observe(snapshotOf(v, { db: v % 2 ? 'ok' : 'critical', api: 'ok' }, 'x'.repeat(1000)));
    timeline.observe(snapshotOf(5, { db: 'ok' })); // the same version: not read again
    timeline.observe(snapshotOf(6, { db: 'ok' })); // api went away: no transition
    const kept = timeline.after(0, FULL_DISCLOSURE);
    expect(kept).toHaveLength(3);
    expect(kept.map((t) => [t.time, t.component, t.from, t.to])).toEqual([
      [4000, 'db', 'ok', 'critical'],
      [5000, '', 'critical', 'ok'],
      [5000, 'db', 'critical', 'ok'],
    ]);
    expect(kept[0].message).toHaveLength(300);
    expect(timeline.levelPoints()).toEqual([
      ['', 0],
      ['db', 0],
    ]);
  });
});
