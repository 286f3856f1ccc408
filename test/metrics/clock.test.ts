import { describe, expect, it } from 'vitest';
import { ManualClock, MetricsRegistry, SystemClock, systemClock, toClock } from '../../src/metrics/index.js';

describe('clocks', () => {
  it('SystemClock keeps `recent` at or behind now()', () => {
    const clock = new SystemClock({ resolutionMs: 1000 });
    try {
      const before = clock.recent;
      const now = clock.now();
      expect(now).toBeGreaterThanOrEqual(before);
      expect(clock.recent).toBe(now);
    } finally {
      clock.stop();
    }
    expect(systemClock()).toBe(systemClock());
    expect(() => new SystemClock({ resolutionMs: 0 })).toThrow(RangeError);
  });

  it('ManualClock moves only when told to, and refuses nonsense', () => {
    const clock = new ManualClock(10);
    clock.advance(5);
    expect(clock.now()).toBe(15);
    expect(clock.recent).toBe(15);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set(Number.NaN)).toThrow(RangeError);
  });

  it('toClock accepts functions and clocks, and rejects anything else', () => {
    let t = 3;
    const fromFunction = toClock(() => t);
    t = 7;
    expect(fromFunction.now()).toBe(7);
    expect(fromFunction.recent).toBe(7);
    const manual = new ManualClock();
    expect(toClock(manual)).toBe(manual);
    expect(() => toClock(42 as never)).toThrow(TypeError);
  });

  it('registry.requests refuses the same name twice', () => {
    const registry = new MetricsRegistry({ clock: new ManualClock() });
    registry.requests('http');
    expect(() => registry.requests('http')).toThrow(/already registered/);
  });
});
