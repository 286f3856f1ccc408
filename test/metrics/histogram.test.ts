import { describe, expect, it } from 'vitest';
import { Histogram, ManualClock, Timer } from '../../src/metrics/index.js';

/**
 * Oracle: sort the values the window should hold and apply Dropwizard's UniformSnapshot
 * definitions — quantile q interpolates at 1-based position q·(n+1) clamped to [1, n];
 * stddev is the sample standard deviation (n − 1).
 */
function oracle(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const q = (p: number) => {
    const pos = p * (n + 1);
    if (pos < 1) return s[0];
    if (pos >= n) return s[n - 1];
    const i = Math.floor(pos);
    return s[i - 1] + (pos - i) * (s[i] - s[i - 1]);
  };
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const variance = s.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return {
    min: s[0],
    max: s[n - 1],
    mean,
    stddev: Math.sqrt(variance),
    p50: q(0.5),
    p75: q(0.75),
    p95: q(0.95),
    p98: q(0.98),
    p99: q(0.99),
    p999: q(0.999),
  };
}

function seeded(seed: number) {
  return () => {
    seed = (seed * 16_807) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
}

function expectStats(actual: Record<string, number>, values: number[]): void {
  const want = oracle(values);
  for (const [field, value] of Object.entries(want)) {
    // Relative tolerance: sums of large values differ in the last bits with summation order.
    expect(Math.abs(actual[field] - value), field).toBeLessThanOrEqual(1e-12 * Math.abs(value) + 1e-9);
  }
}

describe('Histogram', () => {
  it('matches the sorted-array oracle on random data within the reservoir', () => {
    const random = seeded(7);
    for (const n of [1, 2, 3, 10, 99, 1000]) {
      const h = new Histogram({ clock: new ManualClock() });
      const values = Array.from({ length: n }, () => random() * 1000 - 200);
      for (const v of values) h.update(v);
      const stats = h.snapshot();
      expect(stats.count).toBe(n);
      if (n === 1) expect(stats.stddev).toBe(0);
      else expectStats({ ...stats }, values);
    }
  });

  it('matches the oracle with ties, sorted and reversed input', () => {
    const random = seeded(3);
    for (let round = 0; round < 60; round++) {
      const n = 2 + Math.floor(random() * 1026);
      const distinct = 1 + Math.floor(random() * 20);
      let values = Array.from({ length: n }, () => Math.floor(random() * distinct));
      if (round % 3 === 1) values = values.sort((a, b) => a - b);
      if (round % 3 === 2) values = values.sort((a, b) => b - a);
      const h = new Histogram({ clock: new ManualClock() });
      for (const v of values) h.update(v);
      expectStats({ ...h.snapshot() }, values);
      expect([...h.values()]).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('matches the oracle on skewed data and on windows larger than the default', () => {
    const random = seeded(5);
    const latencies = Array.from(
      { length: 3000 },
      () => Math.exp(random() * 4) * (random() < 0.01 ? 1e6 : 1),
    );
    const h = new Histogram({ clock: new ManualClock(), size: 4096 });
    for (const v of latencies) h.update(v);
    expectStats({ ...h.snapshot() }, latencies);
    const extremes = new Histogram({ clock: new ManualClock() });
    const huge = [-Number.MAX_VALUE, 0, 1, 2, Number.MAX_VALUE];
    for (const v of huge) extremes.update(v);
    expect(extremes.snapshot().p50).toBe(1);
    expect(extremes.snapshot().max).toBe(Number.MAX_VALUE);
  });

  it('recomputes after new values and serves repeated reads from the cache', () => {
    const h = new Histogram({ clock: new ManualClock() });
    h.update(1);
    const first = h.snapshot();
    expect(h.snapshot()).toEqual(first);
    h.update(3);
    expect(h.snapshot().max).toBe(3);
    expect(h.snapshot(1 / 1000).max).toBe(0.003);
  });

  it('keeps the most recent `size` values when more arrive', () => {
    const random = seeded(11);
    const h = new Histogram({ clock: new ManualClock(), size: 1028 });
    const values = Array.from({ length: 5000 }, () => Math.floor(random() * 10_000));
    for (const v of values) h.update(v);
    expect(h.count).toBe(5000);
    expect(h.sum).toBe(values.reduce((a, b) => a + b, 0));
    expectStats({ ...h.snapshot() }, values.slice(-1028));
  });

  it('ages old values out with time, even without new updates', () => {
    const clock = new ManualClock(0);
    const h = new Histogram({ clock, windowMs: 60_000 });
    for (let i = 1; i <= 100; i++) h.update(1000 + i);
    clock.set(30_000);
    for (let i = 1; i <= 50; i++) h.update(i);
    expect(h.snapshot().max).toBe(1100);
    clock.set(60_001);
    const later = h.snapshot();
    expect(later.max).toBe(50);
    expectStats(
      { ...later },
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    clock.set(90_001);
    expect(h.snapshot()).toEqual({
      count: 150,
      min: 0,
      max: 0,
      mean: 0,
      stddev: 0,
      p50: 0,
      p75: 0,
      p95: 0,
      p98: 0,
      p99: 0,
      p999: 0,
    });
  });

  it('rejects values that are not finite numbers', () => {
    const h = new Histogram({ clock: new ManualClock() });
    expect(() => h.update(Number.NaN)).toThrow(RangeError);
    expect(() => h.update('3' as never)).toThrow(/finite number/);
    expect(() => new Histogram({ size: 0 })).toThrow(RangeError);
    expect(h.count).toBe(0);
  });

  it('writes the servlet form in Jackson order', () => {
    const h = new Histogram({ clock: new ManualClock(), jsonForm: 'servlet' });
    h.update(5);
    expect(Object.keys(h.readStatus() as object)).toEqual([
      'count',
      'max',
      'mean',
      'min',
      'p50',
      'p75',
      'p95',
      'p98',
      'p99',
      'p999',
      'stddev',
    ]);
  });
});

describe('Timer', () => {
  it('times synchronous functions with the injected clock', () => {
    const clock = new ManualClock(0);
    const timer = new Timer({ clock });
    const result = timer.time(() => {
      clock.advance(42);
      return 'done';
    });
    expect(result).toBe('done');
    expect(timer.count).toBe(1);
    expect(timer.snapshot().max).toBe(42);
    expect(timer.meter.count).toBe(1);
  });

  it('times promises until they settle, and failures too', async () => {
    const clock = new ManualClock(0);
    const timer = new Timer({ clock });
    const ok = timer.time(async () => {
      await Promise.resolve();
      clock.advance(10);
      return 7;
    });
    await expect(ok).resolves.toBe(7);
    const failing = timer.time(async () => {
      clock.advance(30);
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(() =>
      timer.time(() => {
        clock.advance(5);
        throw new Error('sync');
      }),
    ).toThrow('sync');
    expect(timer.count).toBe(3);
    expect([...timer.values()]).toEqual([5, 10, 30]);
  });

  it('startTimer records once and returns the elapsed ms', () => {
    const clock = new ManualClock(100);
    const timer = new Timer({ clock });
    const stop = timer.startTimer();
    clock.advance(250);
    expect(stop()).toBe(250);
    clock.advance(1);
    expect(stop()).toBe(251);
    expect(timer.count).toBe(1);
  });

  it('reports units in both JSON forms', () => {
    const clock = new ManualClock(0);
    const timer = new Timer({ clock });
    timer.update(12);
    clock.set(6_000);
    const seed = timer.toSeedJSON();
    expect(seed.durationUnit).toBe('milliseconds');
    expect(seed.count).toBe(1);
    expect(seed.oneMinuteRate).toBeCloseTo(0.2, 12);
    const servlet = timer.toServletJSON();
    expect(servlet).toMatchObject({
      count: 1,
      max: 12,
      duration_units: 'milliseconds',
      rate_units: 'calls/second',
    });
    expect(servlet.m1_rate).toBeCloseTo(0.2, 12);
  });
});
