import { describe, expect, it } from 'vitest';
import { ALPHA_M1, ALPHA_M5, ALPHA_M15, ManualClock, Meter, RATE_FLOOR } from '../../src/metrics/index.js';
import { ReferenceMeter } from './dropwizard-reference.js';

type Fields = ReturnType<ReferenceMeter['read']>;

/** Same value as the reference, allowing for the closed-form catch-up and the 1e-12 floor. */
function expectMatches(actual: Fields, reference: Fields): void {
  expect(actual.count).toBe(reference.count);
  for (const field of ['meanRate', 'oneMinuteRate', 'fiveMinuteRate', 'fifteenMinuteRate'] as const) {
    const want = reference[field] < RATE_FLOOR ? 0 : reference[field];
    const got = actual[field];
    expect(Math.abs(got - want), `${field}: got ${got}, want ${want}`).toBeLessThanOrEqual(
      1e-9 * Math.abs(want) + 1e-11,
    );
  }
}

/** Runs one schedule against both meters: `marks` are [timeMs, n]; reads at `readTimes`. */
function runSchedule(marks: Array<[number, number]>, readTimes: number[]): void {
  const clock = new ManualClock(1_000);
  const meter = new Meter({ clock });
  const reference = new ReferenceMeter(() => clock.now());
  const events = [
    ...marks.map(([t, n]) => ({ t: 1_000 + t, kind: 'mark' as const, n })),
    ...readTimes.map((t) => ({ t: 1_000 + t, kind: 'read' as const, n: 0 })),
  ].sort((a, b) => a.t - b.t || (a.kind === 'mark' ? -1 : 1));
  for (const event of events) {
    clock.set(event.t);
    if (event.kind === 'mark') {
      meter.mark(event.n);
      reference.mark(event.n);
    } else {
      expectMatches(meter.toSeedJSON(), reference.read());
    }
  }
}

const every = (stepMs: number, untilMs: number, from = 0): number[] =>
  Array.from({ length: Math.floor((untilMs - from) / stepMs) + 1 }, (_, i) => from + i * stepMs);

describe('Meter (Dropwizard semantics, injected clock)', () => {
  it('uses alpha = 1 - exp(-5/60/N)', () => {
    expect(ALPHA_M1).toBeCloseTo(0.0799556, 7);
    expect(ALPHA_M5).toBeCloseTo(0.0165285, 7);
    expect(ALPHA_M15).toBeCloseTo(0.0055402, 7);
  });

  it('seeds every rate with the first tick, then decays by (1 - alpha) per idle tick', () => {
    // 5 events in the first interval; read just after the first tick (5.001 s):
    // instantRate = 5 / 5 s = 1/s seeds all three averages; meanRate = 5 / 5.001 s.
    const clock = new ManualClock(0);
    const meter = new Meter({ clock });
    meter.mark(5);
    clock.set(5_001);
    expect(meter.oneMinuteRate).toBe(1);
    expect(meter.fiveMinuteRate).toBe(1);
    expect(meter.fifteenMinuteRate).toBe(1);
    expect(meter.meanRate).toBeCloseTo(5 / 5.001, 12);
    // One idle tick later (10.001 s): rate = 1 + alpha * (0 - 1) = 1 - alpha.
    clock.set(10_001);
    expect(meter.oneMinuteRate).toBeCloseTo(0.9200444146293233, 14);
    expect(meter.fiveMinuteRate).toBeCloseTo(1 - ALPHA_M5, 14);
    expect(meter.fifteenMinuteRate).toBeCloseTo(1 - ALPHA_M15, 14);
  });

  it('does not tick at exactly 5 s (Dropwizard ticks when age > interval)', () => {
    const clock = new ManualClock(0);
    const meter = new Meter({ clock });
    meter.mark();
    clock.set(5_000);
    expect(meter.oneMinuteRate).toBe(0);
    clock.set(5_000.001);
    expect(meter.oneMinuteRate).toBeCloseTo(0.2, 12);
  });

  it('reads 0 everywhere before any event', () => {
    const clock = new ManualClock(0);
    const meter = new Meter({ clock });
    clock.advance(60_000);
    expect(meter.toSeedJSON()).toEqual({
      fiveMinuteRate: 0,
      oneMinuteRate: 0,
      fifteenMinuteRate: 0,
      count: 0,
      meanRate: 0,
    });
  });

  it('matches the reference at a constant 10 events/s for 20 minutes', () => {
    runSchedule(
      every(100, 20 * 60_000).map((t) => [t, 1]),
      every(7_333, 20 * 60_000),
    );
  });

  it('matches the reference for a burst then idle', () => {
    const burst = every(1, 999).map((t): [number, number] => [t, 1]);
    runSchedule(burst, [...every(1_000, 60_000), ...every(60_000, 45 * 60_000)]);
  });

  it('matches the reference for marks of n > 1 at irregular times', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const marks: Array<[number, number]> = [];
    for (let t = 0; t < 30 * 60_000; t += Math.floor(random() * 4_000))
      marks.push([t, 1 + Math.floor(random() * 50)]);
    runSchedule(marks, every(2_718, 40 * 60_000));
  });

  it('matches the reference across reads and marks on tick boundaries', () => {
    const marks = every(5_000, 120_000).map((t): [number, number] => [t, 3]);
    runSchedule(marks, [
      ...every(5_000, 120_000),
      ...every(5_000, 120_000, 1),
      ...every(5_000, 120_000, 4_999),
    ]);
  });

  it('decays to exactly 0 after hours of idle, never to a denormal', () => {
    const clock = new ManualClock(0);
    const meter = new Meter({ clock });
    const reference = new ReferenceMeter(() => clock.now());
    for (let t = 0; t < 60_000; t += 10) {
      clock.set(t);
      meter.mark();
      reference.mark();
    }
    for (let hour = 1; hour <= 48; hour++) {
      clock.set(60_000 + hour * 3_600_000);
      const fields = meter.toSeedJSON();
      expectMatches(fields, reference.read());
      for (const rate of [fields.oneMinuteRate, fields.fiveMinuteRate, fields.fifteenMinuteRate]) {
        expect(rate === 0 || rate >= RATE_FLOOR).toBe(true);
      }
    }
    const after = meter.toSeedJSON();
    expect(after.oneMinuteRate).toBe(0);
    expect(after.fiveMinuteRate).toBe(0);
    expect(after.fifteenMinuteRate).toBe(0);
    expect(after.count).toBe(6_000);
    // Dropwizard itself would still report a tiny positive rate here (its issue #288).
    expect(reference.read().fifteenMinuteRate).toBeGreaterThan(0);
  });

  it('catches up a month of idle in one step', () => {
    const clock = new ManualClock(0);
    const meter = new Meter({ clock });
    meter.mark(100);
    clock.set(30 * 24 * 3_600_000);
    expect(meter.fifteenMinuteRate).toBe(0);
    meter.mark();
    clock.advance(5_001);
    expect(meter.oneMinuteRate).toBeCloseTo(ALPHA_M1 * 0.2, 12);
  });

  it('renders seed 001 key order and the servlet form', () => {
    const clock = new ManualClock(0);
    const meter = new Meter({ clock });
    meter.mark(2);
    clock.set(10_000);
    expect(Object.keys(meter.readStatus())).toEqual([
      'fiveMinuteRate',
      'oneMinuteRate',
      'fifteenMinuteRate',
      'count',
      'meanRate',
    ]);
    const servlet = new Meter({ clock, jsonForm: 'servlet' });
    servlet.mark();
    expect(servlet.readStatus()).toEqual({
      count: 1,
      m15_rate: 0,
      m1_rate: 0,
      m5_rate: 0,
      mean_rate: 0,
      units: 'events/second',
    });
  });

  it('rejects bad counts with a clear error', () => {
    const meter = new Meter({ clock: new ManualClock() });
    expect(() => meter.mark(-1)).toThrow(RangeError);
    expect(() => meter.mark(Number.NaN)).toThrow(/finite non-negative/);
    expect(() => meter.mark(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => new Meter({ clock: 'x' as never })).toThrow(TypeError);
    expect(meter.count).toBe(0);
  });

  it('with a lagging `recent`, counts a mark in the interval it believes current', () => {
    // The default clock refreshes `recent` every 250 ms: a mark just after a boundary can still
    // see the old time. It then joins the pending events and the next exact read ticks them in.
    const clock = { t: 0, recent: 0, now: () => clock.t };
    const meter = new Meter({ clock });
    clock.t = 5_100;
    meter.mark(10);
    expect(meter.count).toBe(10);
    expect(meter.oneMinuteRate).toBe(2);
    clock.t = 5_200;
    clock.recent = 5_200;
    meter.mark(5);
    clock.t = 10_101;
    expect(meter.oneMinuteRate).toBeCloseTo(2 + ALPHA_M1 * (1 - 2), 12);
  });

  it('works with the default clock and a function clock', () => {
    const meter = new Meter();
    meter.mark(3);
    expect(meter.count).toBe(3);
    let now = 0;
    const fnMeter = new Meter({ clock: () => now });
    fnMeter.mark(10);
    now = 5_001;
    expect(fnMeter.oneMinuteRate).toBe(2);
  });
});
