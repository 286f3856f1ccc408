import { describe, expect, it } from 'vitest';
import {
  correlatedFailure,
  failingComponents,
  type GuardOptions,
  mergeView,
} from '../../src/cluster/index.js';
import { createStatus } from '../../src/index.js';
import type { Level } from '../../src/model/levels.js';
import { stored } from './reports.js';

const guard: GuardOptions = { threshold: 0.5, minInstances: 2 };

function viewOf(levels: Record<string, Level>, component = 'postgres') {
  return mergeView(
    Object.entries(levels).map(([id, level]) => stored(id, level, { [component]: level })),
    { service: 'shop', store: 'redis', rule: 'majority', ttlMs: 1000, selfId: 'a', now: Date.now() },
  );
}

/** A real status whose checks give these levels, and its snapshot. */
async function snapshotWith(levels: Record<string, Level>, options: { critical?: string[] } = {}) {
  const status = createStatus();
  for (const [path, level] of Object.entries(levels))
    status.check(path, () => level, { critical: options.critical ? options.critical.includes(path) : true });
  return status.snapshot();
}

describe('which failures make this instance not ready', () => {
  it('names the critical checks below critical nodes, leaving non-critical ones out', async () => {
    const snapshot = await snapshotWith(
      { 'db.primary': 'critical', 'db.replica': 'ok', search: 'critical', cache: 'critical' },
      { critical: ['db.primary', 'db.replica', 'search'] },
    );
    expect(failingComponents(snapshot, undefined)).toEqual(['db.primary', 'search']);
  });

  it('follows the readiness group only, and gives up on a group path that is not mounted', async () => {
    const snapshot = await snapshotWith({ postgres: 'critical', disk: 'critical' });
    expect(failingComponents(snapshot, { components: [['postgres']] })).toEqual(['postgres']);
    expect(failingComponents(snapshot, { components: [['nothing']] })).toBeUndefined();
  });
});

describe('the correlated-failure guard', () => {
  it('holds readiness when the failing dependency fails on enough of the cluster', () => {
    const view = viewOf({ a: 'critical', b: 'critical', c: 'critical', d: 'critical', e: 'critical' });
    expect(correlatedFailure(['postgres'], view, 'a', guard)).toBe(
      'degraded: postgres failing on 5/5 instances',
    );
  });

  it('lets an instance failing alone go not-ready, as a cluster of one does', () => {
    expect(
      correlatedFailure(['postgres'], viewOf({ a: 'critical', b: 'ok', c: 'ok' }), 'a', guard),
    ).toBeUndefined();
    expect(correlatedFailure(['postgres'], viewOf({ a: 'critical' }), 'a', guard)).toBeUndefined();
  });

  it('counts this instance as failing even when its last report said ok (the snapshot is newer)', () => {
    const view = viewOf({ a: 'ok', b: 'critical', c: 'ok', d: 'ok' });
    expect(correlatedFailure(['postgres'], view, 'a', guard)).toBe(
      'degraded: postgres failing on 2/4 instances',
    );
    expect(correlatedFailure(['postgres'], view, 'a', { ...guard, threshold: 0.51 })).toBeUndefined();
    expect(correlatedFailure(['postgres'], view, 'a', { ...guard, minInstances: 3 })).toBeUndefined();
  });

  it('needs every failure to be shared, and only the listed shared dependencies count', () => {
    const view = mergeView(
      ['a', 'b', 'c'].map((id) =>
        stored(id, 'critical', { 'db.primary': 'critical', disk: id === 'a' ? 'critical' : 'ok' }),
      ),
      { service: 'shop', store: 'redis', rule: 'majority', ttlMs: 1000, selfId: 'a', now: Date.now() },
    );
    expect(correlatedFailure(['db.primary'], view, 'a', guard)).toBe(
      'degraded: db.primary failing on 3/3 instances',
    );
    expect(correlatedFailure(['db.primary', 'disk'], view, 'a', guard)).toBeUndefined();
    expect(correlatedFailure(['db.primary'], view, 'a', { ...guard, components: ['db'] })).toBeDefined();
    expect(correlatedFailure(['db.primary'], view, 'a', { ...guard, components: ['cache'] })).toBeUndefined();
  });

  it('does nothing without a cluster view (the store is away)', () => {
    const view = { ...viewOf({ a: 'critical', b: 'critical' }), available: false };
    expect(correlatedFailure(['postgres'], view, 'a', guard)).toBeUndefined();
  });
});
