/**
 * Hostile admin bodies through real HTTP against a status with a state file, then a restart from
 * that file (issue 15: one such body used to poison the file and stop the agent from starting).
 * Seeded and bounded: a failure prints its seed and input, and replays with it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WINDOW_FIELDS } from '../../src/maintenance/admin.js';
import { seededRandom } from '../support/seeded-random.js';
import { closeServers, seedStatus, serve } from './harness.js';

const SEED = 15_002;
const INPUTS = 400;
const T0 = Date.parse('2024-12-19T12:00:00Z');

const dirs: string[] = [];
afterEach(async () => {
  await closeServers();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Pick = <T>(options: readonly T[]) => T;

const HOSTILE_TIMES: readonly unknown[] = [
  8.64e15,
  8.64e15 + 1,
  -8.64e15,
  -8.64e15 - 1,
  253_402_300_799_999,
  253_402_300_800_000,
  0,
  -1,
  1.5,
  1e308,
  -0,
  Number.MAX_SAFE_INTEGER,
  '1',
  '',
  ' ',
  '2025',
  '2099-02-29T00:00:00Z',
  '2096-02-29T00:00:00Z',
  '2099-13-01',
  '2099-01-01T24:00:00Z',
  '2099-01-01T23:59:60Z',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '10000-01-01T00:00:00Z',
  '2099-01-01T00:00:00+99:00',
  '2099-01-01T00:00:00.123456789-05:30',
  'Tue, 01 Jan 2099 00:00:00 GMT',
  'now',
  'x'.repeat(5000),
  '\u0000',
  [1],
  [],
  [[2099]],
  {},
  { $date: 4102444800000 },
  true,
  false,
  null,
];

const HOSTILE_TEXT: readonly unknown[] = [
  '',
  'a',
  'x'.repeat(100),
  'x'.repeat(101),
  'x'.repeat(1000),
  'x'.repeat(1001),
  '\u001b[2J',
  'ok\u0000',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '🛠️ upgrade',
  42,
  ['a'],
  { a: 1 },
  null,
  true,
];

const HOSTILE_COMPONENTS: readonly unknown[] = [
  'all',
  'components.api',
  ['components.api'],
  ['components.search', 'components.api'],
  [],
  [''],
  ['a..b'],
  ['x'.repeat(300)],
  Array.from({ length: 150 }, (_, i) => `c${i}`),
  [1],
  [null],
  {},
  42,
];

const HOSTILE_DURATIONS: readonly unknown[] = [
  '1h',
  '0',
  '5',
  3600,
  -1,
  '1e9d',
  '99999999d',
  'soon',
  '',
  [],
  null,
];

function valueFor(field: string, pick: Pick, random: () => number): unknown {
  if (field === 'id') return random() < 0.5 ? `w${Math.floor(random() * 40)}` : pick(HOSTILE_TEXT);
  if (field === 'message') return pick(HOSTILE_TEXT);
  if (field === 'components') return pick(HOSTILE_COMPONENTS);
  if (field === 'announce') return pick(HOSTILE_DURATIONS);
  // Half the times are plausible, so windows get stored and the restart has something to restore.
  if (random() < 0.5) return new Date(T0 + Math.floor((random() - 0.3) * 4e10)).toISOString();
  return pick(HOSTILE_TIMES);
}

/** A request body: mostly objects of known fields, some unknown fields, some not objects at all. */
function hostileBody(random: () => number): string {
  const pick: Pick = (options) => options[Math.floor(random() * options.length)];
  const roll = random();
  if (roll < 0.05)
    return pick(['{', '[1]', '"text"', '42', 'null', '{"a":', '\u0000', '{"__proto__":{"x":1}}']);
  if (roll < 0.08) return `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const body: Record<string, unknown> = {};
  const count = Math.floor(random() * 5);
  for (let i = 0; i < count; i++) {
    const field = random() < 0.05 ? pick(['mesage', 'ends', 'START', '']) : pick(WINDOW_FIELDS);
    body[field] = valueFor(field, pick, random);
  }
  return JSON.stringify(body);
}

describe('maintenance admin fuzzer (seeded)', () => {
  it(`${INPUTS} hostile bodies: never a 5xx, the list always answers, and a restart from the file starts`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'statuskit-fuzz-'));
    dirs.push(dir);
    const stateFile = join(dir, 'maintenance.json');
    const clock = () => T0;
    const { url, call } = await serve(seedStatus(), { stateFile, clock });
    const random = seededRandom(SEED);
    const outcomes = new Map<number, number>();
    const crashes: string[] = [];
    for (let i = 0; i < INPUTS; i++) {
      const body = hostileBody(random);
      const response = await fetch(`${url}/status/maintenance`, {
        method: 'POST',
        headers: { 'x-api-key': 'admin-key', 'content-type': 'application/json' },
        body,
      });
      const text = await response.text();
      outcomes.set(response.status, (outcomes.get(response.status) ?? 0) + 1);
      const json = (() => {
        try {
          return JSON.parse(text);
        } catch {
          return undefined;
        }
      })();
      if (![201, 400, 409, 413].includes(response.status) || json === undefined)
        crashes.push(
          `seed ${SEED} input #${i}: ${response.status} ${text.slice(0, 200)} for ${body.slice(0, 200)}`,
        );
      if (i % 25 === 0) {
        const listed = await call('GET', '/status/maintenance', 'admin-key');
        if (listed.status !== 200)
          crashes.push(`seed ${SEED} after input #${i}: list answered ${listed.status}`);
      }
    }
    expect(crashes).toEqual([]);
    // The generator must reach both sides, or the test proves nothing.
    expect(outcomes.get(201)).toBeGreaterThan(20);
    expect(outcomes.get(400)).toBeGreaterThan(INPUTS / 2);

    const before = await call('GET', '/status/maintenance', 'admin-key');
    expect(before.status).toBe(200);
    const warnings: unknown[] = [];
    const restarted = await serve(seedStatus(), { stateFile, clock, onError: (e) => warnings.push(e) });
    const after = await restarted.call('GET', '/status/maintenance', 'admin-key');
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
    expect(warnings).toEqual([]);
    expect([200, 503]).toContain((await restarted.call('GET', '/status', 'reader-key')).status);
    console.info(
      `maintenance fuzzer: seed ${SEED}, ${INPUTS} inputs, ${crashes.length} crashes, answers ${JSON.stringify(Object.fromEntries(outcomes))}, ${after.body.windows.length} windows restored`,
    );
  });
});
