import { describe, expect, it } from 'vitest';
import {
  defaultHttpCodes,
  okKo,
  operational,
  parseDuration,
  parseWord,
  resolveHttpCodes,
  resolveVocabulary,
  worstOfCritical,
} from '../../src/index.js';

describe('aggregation', () => {
  it('is ok with no inputs', () => {
    expect(worstOfCritical([])).toBe('ok');
  });
  it('takes the worst critical input', () => {
    expect(
      worstOfCritical([
        { level: 'ok', critical: true },
        { level: 'critical', critical: true },
        { level: 'warning', critical: true },
      ]),
    ).toBe('critical');
  });
  it('caps a failing non-critical input at warning', () => {
    expect(
      worstOfCritical([
        { level: 'critical', critical: false },
        { level: 'ok', critical: true },
      ]),
    ).toBe('warning');
    expect(worstOfCritical([{ level: 'unknown', critical: false }])).toBe('unknown');
    expect(worstOfCritical([{ level: 'maintenance', critical: false }])).toBe('warning');
  });
  it('orders unknown above ok and below warning', () => {
    expect(
      worstOfCritical([
        { level: 'unknown', critical: true },
        { level: 'ok', critical: true },
      ]),
    ).toBe('unknown');
    expect(
      worstOfCritical([
        { level: 'unknown', critical: true },
        { level: 'warning', critical: true },
      ]),
    ).toBe('warning');
  });
});

describe('vocabularies', () => {
  it('has the seed words', () => {
    expect(okKo.overall.critical).toBe('Ko');
    expect(operational.overall.critical).toBe('critical');
    expect(operational.component.critical).toBe('unavailable');
    expect(resolveVocabulary('upDown').overall.maintenance).toBe('OUT_OF_SERVICE');
    expect(resolveVocabulary('passFail').overall.warning).toBe('warn');
    expect(resolveVocabulary('okError').overall.critical).toBe('Error');
  });
  it('accepts custom plain objects, with component words defaulting to overall ones', () => {
    const v = resolveVocabulary({ overall: { ok: 'Connected', critical: 'Disconnected' } });
    expect(v.overall.ok).toBe('Connected');
    expect(v.component.critical).toBe('Disconnected');
    expect(v.overall.warning).toBe('warning');
  });
  it('refuses unknown names', () => {
    expect(() => resolveVocabulary('nope' as never)).toThrow(/unknown vocabulary "nope"/);
  });
  it('parses words back into levels', () => {
    expect(parseWord('Ko')).toBe('critical');
    expect(parseWord('unavailable')).toBe('critical');
    expect(parseWord('UP')).toBe('ok');
    expect(parseWord('fail')).toBe('critical');
    expect(parseWord('degraded')).toBe('warning');
    expect(parseWord('banana')).toBeUndefined();
  });
});

describe('http codes', () => {
  it('maps by default', () => {
    expect(defaultHttpCodes).toEqual({
      ok: 200,
      warning: 200,
      unknown: 200,
      critical: 503,
      maintenance: 503,
    });
  });
  it('accepts overrides and refuses nonsense', () => {
    expect(resolveHttpCodes({ warning: 207 }).warning).toBe(207);
    expect(() => resolveHttpCodes({ critical: 42 })).toThrow(/httpCodes.critical/);
  });
});

describe('durations', () => {
  it.each([
    [250, 250],
    ['250ms', 250],
    ['5s', 5000],
    ['1m', 60000],
    ['1.5s', 1500],
    ['1m30s', 90000],
    ['2h', 7_200_000],
    ['0', 0],
  ])('%s -> %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });
  it('refuses text without a unit rather than reading milliseconds', () => {
    expect(() => parseDuration('100', '--interval')).toThrow(
      '--interval: "100" has no unit; did you mean 100s?',
    );
  });
  it.each(['fast', '', '5x', 's5', '-1s'])('refuses %j', (input) => {
    expect(() => parseDuration(input, 'components.db.timeout')).toThrow(
      /components.db.timeout: expected a duration like "2s"/,
    );
  });
});
