import { describe, expect, it } from 'vitest';
import { mergeView, parseQuorum, type QuorumRule, quorumVerdict } from '../../src/cluster/index.js';
import { stored } from './reports.js';

const base = { service: 'shop', store: 'redis', ttlMs: 1000, selfId: 'a', now: Date.UTC(2025, 0, 2) };
const merge = (entries: ReturnType<typeof stored>[], rule: QuorumRule = 'majority') =>
  mergeView(entries, { ...base, rule });

describe('the quorum rule', () => {
  it('reads all, majority and numbers, and refuses anything else by name', () => {
    expect(parseQuorum(undefined)).toBe('majority');
    expect(parseQuorum('all')).toBe('all');
    expect(parseQuorum(3)).toBe(3);
    expect(parseQuorum('2')).toBe(2);
    for (const bad of [0, -1, 1.5, 'most', '', null, {}])
      expect(() => parseQuorum(bad, 'cluster.ok')).toThrow(
        /^cluster\.ok: expected "all", "majority" or a number/,
      );
  });

  it('is met, short by maintenance, short by missing instances, or short for good', () => {
    const counts = { up: 2, maintenance: 0, missing: 0, down: 1, ok: 2 };
    expect(quorumVerdict('majority', counts)).toMatchObject({ level: 'warning', required: 2, total: 3 });
    expect(quorumVerdict('all', counts)).toMatchObject({
      level: 'critical',
      reason: '2 of 3 instances up; all needs 3',
    });
    expect(quorumVerdict('all', { ...counts, down: 0, missing: 1 }).level).toBe('unknown');
    expect(quorumVerdict('all', { ...counts, down: 0, maintenance: 1 }).level).toBe('maintenance');
    expect(quorumVerdict(2, counts).level).toBe('warning');
    expect(quorumVerdict(4, counts)).toMatchObject({
      level: 'critical',
      reason: '2 of 3 instances up; quorum of 4 needs 4',
    });
    expect(quorumVerdict('majority', { up: 3, maintenance: 0, missing: 0, down: 0, ok: 3 }).level).toBe('ok');
    expect(quorumVerdict('majority', { up: 0, maintenance: 0, missing: 0, down: 0, ok: 0 })).toMatchObject({
      level: 'unknown',
      reason: 'no instance has reported',
    });
  });
});

describe('merging the reports into the cluster view', () => {
  it('lists every instance, which components fail where, and the versions', () => {
    const view = merge([
      stored('c', 'critical', { postgres: 'critical', cache: 'ok' }, { version: '1.1.0' }),
      stored('a', 'ok', { postgres: 'ok', cache: 'ok' }, { ageMs: 0 }),
      stored('b', 'ok', { postgres: 'ok', cache: 'warning' }),
    ]);
    expect(view.level).toBe('warning');
    expect(view.reason).toBe('1 of 3 instances not ok');
    expect([view.up, view.total, view.required]).toEqual([2, 3, 2]);
    expect(view.instances.map((i) => [i.id, i.level, i.state, i.self])).toEqual([
      ['a', 'ok', 'serving', true],
      ['b', 'ok', 'serving', false],
      ['c', 'critical', 'serving', false],
    ]);
    expect(view.components).toEqual([
      { path: 'cache', level: 'warning', failing: [], reporting: 3 },
      { path: 'postgres', level: 'warning', failing: ['c'], reporting: 3 },
    ]);
    expect(view.versions).toEqual({ '1.0.0': 2, '1.1.0': 1 });
  });

  it('makes an instance past the TTL unknown (missing), never critical, and keeps what it last said', () => {
    const view = merge(
      [stored('a', 'ok'), stored('b', 'critical', { postgres: 'critical' }, { ageMs: 1001 })],
      'all',
    );
    const missing = view.instances.find((i) => i.id === 'b')!;
    expect(missing).toMatchObject({ level: 'unknown', state: 'missing', version: '1.0.0', ageMs: 1001 });
    expect(missing.elu).toBeUndefined();
    // Its components no longer count: it may be serving or gone.
    expect(view.components).toEqual([]);
    expect(view.level).toBe('unknown');
    expect(view.reason).toBe('1 of 2 instances up; all needs 2');
  });

  it('leaves a draining instance out of the quorum, and out of the view once its goodbye expires', () => {
    const leaving = merge([stored('a', 'ok'), stored('b', 'ok', {}, { state: 'leaving' })], 'all');
    expect(leaving.instances.map((i) => [i.id, i.state])).toEqual([
      ['a', 'serving'],
      ['b', 'leaving'],
    ]);
    expect([leaving.level, leaving.total]).toEqual(['ok', 1]);
    const gone = merge([stored('a', 'ok'), stored('b', 'ok', {}, { state: 'leaving', ageMs: 5000 })], 'all');
    expect(gone.instances.map((i) => i.id)).toEqual(['a']);
  });

  it('says critical for a component failing on every instance that has it', () => {
    const view = merge([
      stored('a', 'critical', { 'db.primary': 'critical' }),
      stored('b', 'critical', { 'db.primary': 'critical', extra: 'ok' }),
    ]);
    expect(view.components.find((c) => c.path === 'db.primary')).toEqual({
      path: 'db.primary',
      level: 'critical',
      failing: ['a', 'b'],
      reporting: 2,
    });
    expect(view.level).toBe('critical');
  });
});
