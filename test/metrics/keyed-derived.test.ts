import { describe, expect, it } from 'vitest';
import {
  Counter,
  Derived,
  errorRatio,
  Gauge,
  KeyedCounter,
  ManualClock,
  Meter,
} from '../../src/metrics/index.js';

describe('KeyedCounter', () => {
  it('counts per key as a plain object', () => {
    const k = new KeyedCounter();
    k.inc('a');
    k.inc('b', 5);
    k.inc('a');
    expect(k.readStatus()).toEqual({ a: 2, b: 5 });
    expect(k.total).toBe(7);
  });

  it('bounds cardinality: a flood of new keys lands in the overflow bucket', () => {
    const k = new KeyedCounter({ maxKeys: 3, overflowKey: '(other)' });
    for (let i = 0; i < 100_000; i++) k.inc(`bot-${i}`);
    k.inc('bot-1', 10);
    expect(k.size).toBe(3);
    expect(k.readStatus()).toEqual({ 'bot-0': 1, 'bot-1': 11, 'bot-2': 1, '(other)': 99_997 });
    expect(k.get('(other)')).toBe(99_997);
    expect(k.total).toBe(100_010);
  });

  it('keeps hostile keys as own properties', () => {
    const k = new KeyedCounter();
    k.inc('__proto__');
    k.inc('constructor', 2);
    const status = k.readStatus() as Record<string, number>;
    expect(Object.getPrototypeOf(status)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(status))).toEqual({ ['__proto__']: 1, constructor: 2 });
  });

  it('rejects bad input with clear errors', () => {
    const k = new KeyedCounter();
    expect(() => k.inc(42 as never)).toThrow(/key must be a string/);
    expect(() => k.inc('a', -1)).toThrow(RangeError);
    expect(() => new KeyedCounter({ maxKeys: -1 })).toThrow(RangeError);
    expect(() => new KeyedCounter({ label: 'bad-label' })).toThrow(TypeError);
  });
});

describe('Derived and errorRatio', () => {
  it('is 0 when idle, never NaN', () => {
    const clock = new ManualClock(0);
    const errors = new Meter({ clock });
    const successes = new Meter({ clock });
    const ratio = errorRatio(errors, successes);
    clock.set(600_000);
    expect(ratio.readStatus()).toBe(0);
  });

  it('is errors.m5 / (successes.m5 + errors.m5)', () => {
    const clock = new ManualClock(0);
    const errors = new Meter({ clock });
    const successes = new Meter({ clock });
    const ratio = errorRatio(errors, successes, 'm5');
    for (let t = 0; t < 120_000; t += 100) {
      clock.set(t);
      successes.mark(3);
      if (t % 1_000 === 0) errors.mark();
    }
    clock.set(121_000);
    const want = errors.fiveMinuteRate / (successes.fiveMinuteRate + errors.fiveMinuteRate);
    expect(ratio.value).toBeCloseTo(want, 14);
    expect(ratio.value).toBeCloseTo(1 / 31, 2);
  });

  it('turns throwing or non-finite formulas into 0', () => {
    expect(new Derived(() => 1 / 0).value).toBe(0);
    expect(
      new Derived(() => {
        throw new Error('x');
      }).value,
    ).toBe(0);
    expect(() => new Derived(3 as never)).toThrow(TypeError);
  });
});

describe('Counter and Gauge', () => {
  it('counts up and down', () => {
    const c = new Counter();
    c.inc();
    c.inc(4);
    c.dec(2);
    expect(c.readStatus()).toBe(3);
    expect(new Counter({ jsonForm: 'servlet' }).readStatus()).toEqual({ count: 0 });
    expect(() => c.inc(Number.NaN)).toThrow(RangeError);
  });

  it('reads callbacks at render time and survives broken ones', () => {
    let sessions = 4;
    const g = new Gauge(() => sessions);
    expect(g.readStatus()).toBe(4);
    sessions = 16;
    expect(g.readStatus()).toBe(16);
    const broken = new Gauge(() => {
      throw new Error('nope');
    });
    expect(broken.readStatus()).toBeNull();
    const set = new Gauge(1, { jsonForm: 'servlet' });
    set.set(2);
    expect(set.readStatus()).toEqual({ value: 2 });
    expect(() => new Gauge('x' as never)).toThrow(TypeError);
  });
});
