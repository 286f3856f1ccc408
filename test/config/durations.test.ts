import { describe, expect, it } from 'vitest';
import { DurationError, MAX_DURATION_MS, parseDuration, readDuration } from '../../src/util/duration.js';

describe('parseDuration: text needs a unit, numbers are milliseconds in code', () => {
  it('reads units and sums of them', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration(' 1.5s ')).toBe(1500);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration(5000)).toBe(5000);
    expect(parseDuration(0)).toBe(0);
    expect(parseDuration('0')).toBe(0);
  });

  it('refuses a bare number in text, with the likely unit', () => {
    expect(() => parseDuration('5', '--interval')).toThrow(
      new DurationError('--interval: "5" has no unit; did you mean 5s?'),
    );
    expect(() => parseDuration('2.5', '--timeout')).toThrow(
      '--timeout: "2.5" has no unit; did you mean 2.5s?',
    );
    expect(() => parseDuration('1500', 'timeout')).toThrow(
      'timeout: "1500" has no unit; did you mean 1500ms?',
    );
    expect(() => parseDuration('5')).toThrow(RangeError); // DurationError is a RangeError, as before
  });

  it('refuses what is not a duration, naming what was written', () => {
    expect(() => parseDuration('fast', 'x')).toThrow('x: expected a duration like "2s", got "fast"');
    expect(() => parseDuration('5 s', 'x')).toThrow(/got "5 s"/);
    expect(() => parseDuration('-1s', 'x')).toThrow(/got "-1s"/);
    expect(() => parseDuration('', 'x')).toThrow(/got ""/);
    expect(() => parseDuration(-1, 'x')).toThrow('x: expected a non-negative duration, got -1');
    expect(() => parseDuration(Number.NaN, 'x')).toThrow(/non-negative/);
    expect(() => parseDuration(Number.POSITIVE_INFINITY, 'x')).toThrow(/non-negative/);
    expect(() => parseDuration([1] as never, 'x')).toThrow('x: expected a duration like "2s", got a list');
    expect(() => parseDuration('x'.repeat(10_000), 'x')).toThrow(
      /^x: expected a duration like "2s", got "x{60}"$/,
    );
  });

  it('caps durations at 100 years', () => {
    expect(parseDuration('36500d')).toBe(MAX_DURATION_MS);
    expect(() => parseDuration('36501d', 'x')).toThrow(
      'x: expected a duration of at most 100 years, got "36501d"',
    );
    expect(() => parseDuration(1e300, 'x')).toThrow(/at most 100 years/);
  });

  it('readDuration: numbers need a unit too when the option does not say ms', () => {
    expect(readDuration(5, false)).toEqual({ sentence: '"5" has no unit; did you mean 5s?' });
    expect(readDuration(0, false)).toBe(0);
    expect(readDuration(5, true)).toBe(5);
    expect(readDuration('5s', false)).toBe(5000);
    expect(readDuration(true)).toEqual({ hint: 'expected a duration like "2s"' });
  });
});
