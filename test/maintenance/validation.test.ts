import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMaintenance, loadState, resolveWindow } from '../../src/maintenance/index.js';
import { closeServers, seedStatus, serve } from './harness.js';

const T0 = Date.parse('2024-12-19T12:00:00Z');
const dirs: string[] = [];
afterEach(async () => {
  await closeServers();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateFilePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'statuskit-maintenance-'));
  dirs.push(dir);
  return join(dir, 'maintenance.json');
}

describe('admin bodies are validated before anything is stored (issue 15, item 2)', () => {
  it('a date beyond the ECMAScript range is a 400 that stores nothing, and a restart still starts', async () => {
    const stateFile = stateFilePath();
    const { call } = await serve(seedStatus(), { stateFile });
    const refused = await call('POST', '/status/maintenance', 'admin-key', {
      id: 'boom',
      end: 8640000000000001,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^`end`: expected ISO 8601 .* got 8640000000000001$/);

    const listed = await call('GET', '/status/maintenance', 'admin-key');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ active: [], windows: [] });
    expect((await call('GET', '/status', 'reader-key')).status).toBe(200);
    expect((await call('GET', '/health/ready')).status).toBe(200);
    expect(existsSync(stateFile)).toBe(false);

    const errors: unknown[] = [];
    const restarted = await serve(seedStatus(), { stateFile, onError: (e) => errors.push(e) });
    expect((await restarted.call('GET', '/status/maintenance', 'admin-key')).status).toBe(200);
    expect(errors).toEqual([]);
  });

  it.each([
    ['end at the top of the ECMAScript range', { end: 8.64e15 }, /`end`: expected ISO 8601/],
    ['start at the bottom of the range', { start: -8.64e15 }, /`start`: expected ISO 8601/],
    ['an extended-year ISO date', { end: '+275760-09-13T00:00:00.000Z' }, /`end`: expected ISO 8601/],
    ['the year 10000', { end: '10000-01-01T00:00:00Z' }, /`end`/],
    ['a list (String([1]) is "1", which Date.parse reads as 2001)', { end: [1] }, /got a list$/],
    ['"1"', { end: '1' }, /`end`: .* got "1"$/],
    ['a day that does not exist', { end: '2099-02-30T00:00:00Z' }, /`end`/],
    ["25 o'clock", { end: '2099-01-01T25:00:00Z' }, /`end`/],
    ['fractional milliseconds', { end: 4102444800000.5 }, /`end`/],
    ['a boolean', { start: true }, /`start`: .* got true$/],
    ['null', { end: null }, /`end`: .* got null$/],
    ['an object', { estimated_completion: { $date: 1 } }, /`estimated_completion`: .* got an object$/],
    ['end before start', { start: '2099-01-02T00:00:00Z', end: '2099-01-01T00:00:00Z' }, /after `start`/],
    [
      'an estimate before the start',
      { start: '2099-01-02T00:00:00Z', estimated_completion: '2099-01-01' },
      /before `start`/,
    ],
    ['an id of 101 characters', { id: 'x'.repeat(101) }, /`id` must be 1-100/],
    ['a numeric id', { id: 42 }, /`id`/],
    ['a message of 1001 characters', { message: 'x'.repeat(1001) }, /`message`/],
    ['a message with terminal escapes', { message: 'done\u001b]0;pwned\u0007' }, /control characters/],
    ['a message that is not text', { message: ['a'] }, /`message`/],
    ['101 components', { components: Array.from({ length: 101 }, (_, i) => `c${i}`) }, /`components`/],
    ['a component that is not text', { components: [1] }, /`components`/],
    ['a component path of 201 characters', { components: ['a'.repeat(201)] }, /`components`/],
    [
      'an announce without a unit',
      { announce: 3600 },
      /`announce`: "3600" has no unit; did you mean 3600ms\?/,
    ],
    ['an announce that is not a duration', { announce: 'soon' }, /`announce`: expected a duration/],
    ['a misspelt field', { mesage: 'typo' }, /unknown field "mesage"/],
  ])('refuses %s with 400 and stores nothing', async (_name, body, message) => {
    const stateFile = stateFilePath();
    const { call, maintenance } = await serve(seedStatus(), { stateFile });
    const response = await call('POST', '/status/maintenance', 'admin-key', body);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(message);
    expect(maintenance.list().windows).toEqual([]);
    expect(maintenance.isActive()).toBe(false);
    expect(existsSync(stateFile)).toBe(false);
  });

  it('accepts ISO 8601 with offsets, epoch milliseconds, and the last millisecond of 9999', async () => {
    const { call } = await serve(seedStatus(), { clock: () => T0 });
    const post = (body: unknown) => call('POST', '/status/maintenance', 'admin-key', body);
    const offset = await post({
      id: 'offset',
      start: '2099-01-01T02:00:00+01:00',
      end: '2099-01-01T03:30+0130',
    });
    expect(offset.status).toBe(201);
    expect(offset.body.started).toMatchObject({
      start: '2099-01-01T01:00:00.000Z',
      end: '2099-01-01T02:00:00.000Z',
    });
    const epoch = await post({ id: 'epoch', start: 4102444800000, end: '9999-12-31T23:59:59.999Z' });
    expect(epoch.status).toBe(201);
    expect(epoch.body.started).toMatchObject({
      start: '2100-01-01T00:00:00.000Z',
      end: '9999-12-31T23:59:59.999Z',
    });
    const dateOnly = await post({ id: 'date', start: '2099-03-01', end: '2099-03-02', announce: '1h' });
    expect(dateOnly.body.started).toMatchObject({ start: '2099-03-01T00:00:00.000Z' });
    expect((await call('GET', '/status/maintenance', 'admin-key')).body.windows).toHaveLength(3);
  });

  it('takes epoch milliseconds in the query form, and still refuses what is not a date', async () => {
    const { call } = await serve(seedStatus(), { clock: () => T0 });
    const started = await call('POST', '/status/maintenance?id=q&end=4102444800000', 'admin-key');
    expect(started.status).toBe(201);
    expect(started.body.started.end).toBe('2100-01-01T00:00:00.000Z');
    const refused = await call('POST', '/status/maintenance?id=r&end=99999999999999999', 'admin-key');
    expect(refused.status).toBe(400);
  });
});

describe('state file entries are checked on restore', () => {
  it('skips each bad entry with a warning naming it, keeps the good ones, and starts', async () => {
    const stateFile = stateFilePath();
    const good = { id: 'migration', message: 'Migrating', start: T0, end: T0 + 3_600_000, components: 'all' };
    writeFileSync(
      stateFile,
      JSON.stringify({
        version: 1,
        windows: [
          { id: 'boom', message: 'x', start: T0, end: 8640000000000001, components: 'all' },
          { id: 'typed', message: 'x', start: String(T0), components: 'all' },
          { id: 'backwards', message: 'x', start: T0, end: T0 - 1, components: 'all' },
          { id: 'long', message: 'x'.repeat(5000), start: T0, components: 'all' },
          { message: 'no id', start: T0, components: 'all' },
          'not a window',
          good,
          { ...good, message: 'the same id again' },
        ],
        suppressed: ['weekly@2024-12-22T02:00:00.000Z', 42, 'k'.repeat(500)],
      }),
    );
    const warnings: string[] = [];
    const { call, maintenance } = await serve(seedStatus(), {
      stateFile,
      clock: () => T0 + 60_000,
      onError: (error) => warnings.push((error as Error).message),
    });
    expect(warnings).toEqual([
      expect.stringMatching(/skipped window "boom" \(#0\): `end`: expected ISO 8601/),
      expect.stringMatching(/skipped window "typed" \(#1\): `start`: .* got "\d+"$/),
      expect.stringMatching(/skipped window "backwards" \(#2\): `end` must be after `start`/),
      expect.stringMatching(/skipped window "long" \(#3\): `message`/),
      expect.stringMatching(/skipped window #4: `id` is missing/),
      expect.stringMatching(/skipped window #5: a maintenance window must be an object/),
      expect.stringMatching(/skipped window "migration" \(#7\): a window with this id comes earlier/),
      expect.stringMatching(/skipped ended occurrence #1/),
      expect.stringMatching(/skipped ended occurrence #2/),
    ]);
    for (const warning of warnings) expect(warning).toContain(stateFile);
    expect(maintenance.list().windows).toEqual([
      expect.objectContaining({ id: 'migration', message: 'Migrating' }),
    ]);
    const listed = await call('GET', '/status/maintenance', 'admin-key');
    expect(listed.status).toBe(200);
    expect((await call('GET', '/status', 'reader-key')).status).toBe(503);
  });

  it('a file that is not JSON, or not an object, is an empty state with one warning', () => {
    const stateFile = stateFilePath();
    for (const text of ['{"windows": [', '42', 'null', '{"windows": {"a": 1}}']) {
      writeFileSync(stateFile, text);
      const warnings: unknown[] = [];
      expect(loadState(stateFile, (e) => warnings.push(e))).toEqual({ windows: [], suppressed: [] });
      expect(warnings.length).toBeLessThanOrEqual(1);
    }
  });

  it('what one instance writes, the next restores exactly', async () => {
    const stateFile = stateFilePath();
    const first = createMaintenance(seedStatus(), { stateFile, clock: () => T0 });
    first.start({
      id: 'a',
      start: T0 + 1000,
      end: '2099-01-01T00:00:00Z',
      announce: '2h',
      components: ['components.api'],
    });
    first.start({ id: 'b', message: 'Open-ended', estimatedCompletion: new Date(T0 + 7_200_000) });
    const written = JSON.parse(readFileSync(stateFile, 'utf8'));
    const second = createMaintenance(seedStatus(), { stateFile, clock: () => T0 });
    expect(second.list()).toEqual(first.list());
    expect(written.windows[0]).toMatchObject({ id: 'a', announceMs: 7_200_000 });
  });
});

describe('resolveWindow in code', () => {
  it('takes Dates and epoch milliseconds, and refuses an invalid Date', () => {
    expect(resolveWindow({ start: new Date(T0), end: T0 + 1 }, 0)).toMatchObject({ start: T0, end: T0 + 1 });
    expect(() => resolveWindow({ end: new Date(Number.NaN) }, T0)).toThrow(/`end`: .* got an invalid Date/);
    expect(() => resolveWindow({ announce: '5' }, T0)).toThrow(
      /`announce`: "5" has no unit; did you mean 5s\?/,
    );
  });
});
