import { describe, expect, it } from 'vitest';
import { createCheck, httpCheck, rabbitmqCheck, tcpCheck, tlsCheck } from '../../src/checks/index.js';
import {
  CheckOptionError,
  checkThresholdOrder,
  levelAbove,
  levelBelow,
  levelFor,
} from '../../src/checks/thresholds.js';

describe('the threshold rule shared by src/checks and the vitals checks', () => {
  it('reaching a threshold counts, in both directions', () => {
    const above = [9.99, 10, 19.99, 20, 21].map((v) => levelAbove(v, { warn: 10, crit: 20 }));
    expect(above).toEqual(['ok', 'warning', 'warning', 'critical', 'critical']);
    const below = [15, 14, 1, 0, -1].map((v) => levelBelow(v, { warn: 14, crit: 0 }));
    expect(below).toEqual(['ok', 'warning', 'warning', 'critical', 'critical']);
    expect(levelFor('higher', 1e9, {})).toBe('ok');
    expect(levelFor('lower', -1e9, { warn: 5 })).toBe('warning');
  });

  it('refuses a pair whose critical level comes first, blaming the side that was written', () => {
    const order =
      (worse: 'higher' | 'lower', warn: number, crit: number, defaulted?: 'warn' | 'crit') => () =>
        checkThresholdOrder(
          worse,
          { path: ['warn'], value: warn, defaulted: defaulted === 'warn' },
          { path: ['crit'], value: crit, defaulted: defaulted === 'crit' },
        );
    expect(order('higher', 20, 10)).toThrow('crit: expected a value >= warn (20), got 10');
    expect(order('higher', 20, 10, 'crit')).toThrow(
      'warn: expected a value <= crit (10, its default), got 20',
    );
    expect(order('lower', 5, 10)).toThrow('crit: expected a value <= warn (5), got 10');
    expect(order('lower', 5, 10, 'crit')).toThrow('warn: expected a value >= crit (10, its default), got 5');
    expect(order('higher', 10, 10)).not.toThrow();
    expect(order('lower', 10, 10)).not.toThrow();
    expect(() =>
      checkThresholdOrder('higher', { path: ['w'], value: 5 }, { path: ['c'], value: undefined }),
    ).not.toThrow();
  });

  it('the dependency checks refuse inverted thresholds when they are created, with a CheckOptionError', () => {
    expect(() => httpCheck({ url: 'http://x/', warnMs: 500, critMs: 100 })).toThrow(
      'critMs: expected a value >= warnMs (500), got 100',
    );
    expect(() => tcpCheck({ port: 1, warnMs: 500, critMs: 100 })).toThrow(CheckOptionError);
    expect(() => tlsCheck({ host: 'example.com', critDays: 30 })).toThrow(
      'critDays: expected a value <= warnDays (14, its default), got 30',
    );
    expect(() => rabbitmqCheck({ queues: ['a', { name: 'b', warn: 10, crit: 5 }] })).toThrow(
      'queues[1].crit: expected a value >= queues[1].warn (10), got 5',
    );
    expect(() => createCheck('tcp', { port: 1, warnMs: 5, critMs: 1 })).toThrow(/critMs/);
    expect(() => httpCheck({ url: 'http://x/', warnMs: 100, critMs: 500 })).not.toThrow();
  });
});
