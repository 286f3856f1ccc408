/**
 * Scheduling lag and target freshness, as /fleet reports them: quantiles over the recent window,
 * the latest-starting targets worst first, a target handed over forgotten; never-sampled and stale
 * targets ahead of the fresh ones.
 */
import { describe, expect, it } from 'vitest';
import { summarize, type TargetFreshness } from '../../src/watch/fleet/freshness.js';
import { LAG_WINDOW_MS, ScheduleLag } from '../../src/watch/schedule-lag.js';

describe('ScheduleLag', () => {
  it('gives quantiles in ms and the worst targets, worst first, without the forgotten ones', () => {
    const lag = new ScheduleLag();
    const now = Date.now();
    for (let i = 0; i < 100; i++) lag.note(`t${i}`, i, now);
    lag.note('late', 900, now);
    lag.note('gone', 5000, now);
    lag.forget('gone');
    const summary = lag.summary(now, 3);
    expect(summary.polls).toBe(102);
    expect(summary.windowMs).toBe(LAG_WINDOW_MS);
    expect(summary.p50Ms).toBeGreaterThanOrEqual(45);
    expect(summary.p50Ms).toBeLessThanOrEqual(55);
    expect(summary.maxMs).toBe(5000);
    expect(summary.worst).toEqual([
      { target: 'late', lagMs: 900 },
      { target: 't99', lagMs: 99 },
      { target: 't98', lagMs: 98 },
    ]);
  });

  it('counts an early start as no lag, and names no target that was on time', () => {
    const lag = new ScheduleLag();
    lag.note('early', -20);
    expect(lag.summary()).toMatchObject({ p99Ms: 0, maxMs: 0, polls: 1, worst: [] });
  });
});

describe('fleet freshness', () => {
  const target = (name: string, intervals: number | null, owners = ['m1']): TargetFreshness => ({
    target: name,
    intervalMs: 1000,
    lastSample: intervals === null ? null : new Date(0).toISOString(),
    ageMs: intervals === null ? null : intervals * 1000,
    intervals,
    owners,
  });

  it('counts overdue, never sampled and unowned targets, and lists the stalest first', () => {
    const summary = summarize([
      target('fresh', 0.4),
      target('stale', 7, []),
      target('never-b', null, []),
      target('edge', 2),
      target('never-a', null),
      target('late', 2.5),
    ]);
    expect(summary).toMatchObject({ targets: 6, overdue: 4, neverSampled: 2, unowned: 2 });
    expect(summary.stalest.map((t) => t.target)).toEqual([
      'never-a',
      'never-b',
      'stale',
      'late',
      'edge',
      'fresh',
    ]);
  });
});
