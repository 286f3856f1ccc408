import { describe, expect, it } from 'vitest';
import { clusterDocument, mergeView, parseReport, reportOf } from '../../src/cluster/index.js';
import { createStatus } from '../../src/index.js';
import { isLevel } from '../../src/model/levels.js';
import { hostileReports } from './reports.js';

describe('an instance report', () => {
  it('carries the overall level and every component level of the snapshot, nothing else', async () => {
    const status = createStatus();
    status.value('version', '1.2.3');
    status.check('db.primary', () => ({ level: 'critical', message: 'password authentication failed' }));
    status.check('db.replica', () => 'ok');
    status.check('cache', () => 'warning', { critical: false });
    const report = reportOf(await status.snapshot(), {
      id: 'web-1',
      version: '1.2.3',
      startedAt: 1_700_000_000_000,
      elu: 0.4,
      state: 'serving',
    });
    expect(report).toEqual({
      v: 1,
      id: 'web-1',
      level: 'critical',
      state: 'serving',
      version: '1.2.3',
      startedAt: 1_700_000_000_000,
      elu: 0.4,
      components: { db: 'critical', 'db.primary': 'critical', 'db.replica': 'ok', cache: 'warning' },
    });
    // No message, field or value leaves the instance.
    expect(JSON.stringify(report)).not.toContain('password');
    expect(parseReport(JSON.stringify(report), 'web-1')).toEqual(report);
  });

  it('is refused when stored under another name, or when it is not a report', () => {
    const text = JSON.stringify({
      v: 1,
      id: 'a',
      level: 'ok',
      state: 'serving',
      startedAt: 0,
      elu: 0,
      components: {},
    });
    expect(parseReport(text, 'a')).toBeDefined();
    expect(parseReport(text, 'b')).toBeUndefined();
    const proto = parseReport(text.replace('"components":{}', '"components":{"__proto__":"critical"}'), 'a');
    expect(Object.hasOwn(proto!.components, '__proto__')).toBe(true);
    for (const bad of ['', 'null', '[]', '{"v":2}', text.replace('"ok"', '"fine"'), 'x'.repeat(70_000)])
      expect(parseReport(bad, 'a')).toBeUndefined();
  });

  it('survives hostile store contents: 400 seeded mutations parse or are refused, and always render', () => {
    let parsed = 0;
    for (const text of hostileReports(23_001, 400, 'a')) {
      const report = parseReport(text, 'a');
      if (!report) continue;
      parsed++;
      expect(isLevel(report.level)).toBe(true);
      expect(Object.getPrototypeOf(report.components)).toBe(null);
      for (const level of Object.values(report.components)) expect(isLevel(level)).toBe(true);
      const view = mergeView([{ report, ageMs: 0 }], {
        service: 's',
        store: 'redis',
        rule: 'all',
        ttlMs: 1000,
        now: Date.now(),
      });
      const status = createStatus();
      expect(() => JSON.stringify(clusterDocument(view, status.style, true))).not.toThrow();
    }
    expect(parsed).toBeGreaterThan(50);
  });
});
