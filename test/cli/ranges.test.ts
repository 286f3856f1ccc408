import { describe, expect, it } from 'vitest';
import { alerts, parseRange } from '../../src/cli/ranges.js';

// The monitoring-plugins guidelines' table: range, then values that alert and values that do not.
const TABLE: Array<[string, number[], number[]]> = [
  ['10', [-1, 10.5, 11, 100], [0, 5, 10]],
  ['10:', [-5, 0, 9.99], [10, 11, 1e9]],
  ['~:10', [10.01, 11, 1e9], [-1e9, -1, 0, 10]],
  ['10:20', [9, 21, -1], [10, 15, 20]],
  ['@10:20', [10, 15, 20], [9.9, 20.1, 0]],
  ['0:0', [-1, 1], [0]],
  ['-5:5', [-6, 6], [-5, 0, 5]],
  ['@~:0', [-100, 0], [0.1, 5]],
  ['1e2', [101, -1], [0, 100]],
];

describe('Nagios ranges', () => {
  it.each(TABLE)('%s', (text, alerting, quiet) => {
    const range = parseRange(text);
    for (const value of alerting) expect(alerts(range, value), `${text} should alert at ${value}`).toBe(true);
    for (const value of quiet)
      expect(alerts(range, value), `${text} should not alert at ${value}`).toBe(false);
  });

  it.each(['abc', '10:5', '1:2:3', '@', ':x', '10::'])('refuses "%s"', (text) => {
    expect(() => parseRange(text)).toThrow(RangeError);
  });
});
