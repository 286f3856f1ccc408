/**
 * Hostile probe requests through real HTTP: `?exclude=`, `?group=`, `/health/<group>` and raw
 * request targets, against the main port and the watchdog's. Every answer must be JSON with a
 * code the probe documents — never a 500, a hang or a dropped connection — and both listeners
 * must still answer afterwards. Seeded and bounded: a failure names its seed and input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatus, type StatusKit } from '../../src/index.js';
import { rawRequest } from '../support/raw-http.js';
import { seededRandom } from '../support/seeded-random.js';
import { until } from '../support/wait.js';
import { get } from './helpers.js';

const SEED = 24_024;
const INPUTS = 300;
const RAW_INPUTS = 120;

const PIECES = [
  'database',
  'cache',
  'checks.disk',
  'checks',
  'mailer',
  'a..b',
  '.',
  '',
  '/',
  '/checks/disk',
  '/a/~2',
  '~',
  'checks[0]',
  '[99999999999999999999]',
  '__proto__',
  'constructor.prototype',
  'x'.repeat(1100),
  '%E0%A4%A',
  '%00',
  '\u0000',
  '\u202e',
  '🛠️',
  ',,,',
  'a,b,,c',
];
const GROUPS = [
  'payments',
  'core',
  'nope',
  '',
  'pay ments',
  '../status',
  'PAYMENTS',
  '%70ayments',
  'x'.repeat(300),
];
const PATHS = [
  '/health/ready',
  '/health/live',
  '/health/started',
  '/health/payments',
  '/health/core',
  '/status',
];

let status: StatusKit;
let main: string;
let watchdog: string;

beforeAll(async () => {
  status = createStatus({
    watchdog: true,
    groups: { payments: { include: ['database', 'cache'] }, core: { exclude: ['mailer'] } },
    probes: { liveness: { include: ['checks'] } },
  });
  status.check('database', () => 'ok');
  status.check('cache', () => 'warning');
  status.check('mailer', () => 'critical');
  status.check('checks.disk', () => 'ok');
  main = (await status.listen({ port: 0 })).url;
  watchdog = (await status.watchdog!.listening).url;
  await until(
    async () => (await get(`${watchdog}/status`)).text.includes('"database"'),
    'the watchdog document',
  );
});

afterAll(() => status.close({ immediate: true }));

function hostileQuery(random: () => number): string {
  const pick = <T>(options: readonly T[]) => options[Math.floor(random() * options.length)];
  const params = new URLSearchParams();
  const count = random() < 0.05 ? 150 : Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const roll = random();
    if (roll < 0.6) params.append('exclude', pick(PIECES));
    else if (roll < 0.8) params.append('group', pick(GROUPS));
    else params.append(pick(['pretty', 'details', 'path', 'format', 'exclude[]']), pick(PIECES));
  }
  const text = params.toString();
  // Some raw, unencoded: what a careless client sends.
  return random() < 0.2 ? text.replace(/%2C/g, ',').replace(/%2F/g, '/') : text;
}

describe('probe doors under hostile input', () => {
  it(`answer ${INPUTS} hostile queries (seed ${SEED}) with JSON and a documented code, never a 500`, async () => {
    const random = seededRandom(SEED);
    const seen = new Map<number, number>();
    for (let i = 0; i < INPUTS; i++) {
      const path = PATHS[Math.floor(random() * PATHS.length)];
      const url = `${main}${path}?${hostileQuery(random)}`;
      const answer = await get(url);
      const what = `seed ${SEED}, input ${i}: GET ${url.slice(0, 300)} -> ${answer.status} ${answer.text.slice(0, 200)}`;
      expect([200, 400, 404, 414, 503], what).toContain(answer.status);
      expect(() => answer.json(), what).not.toThrow();
      seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
    }
    // The inputs reached every kind of answer, not only refusals.
    expect([...seen.keys()].sort()).toEqual(expect.arrayContaining([200, 400, 503]));
  });

  it(`the watchdog's listener answers ${RAW_INPUTS} hostile request lines (seed ${SEED}) and stays up`, async () => {
    const random = seededRandom(SEED + 1);
    const port = Number(new URL(watchdog).port);
    const targets = [
      '/health/live',
      'http://host/health/live',
      '*',
      'example.com:443',
      '//health/live',
      '/health/live/',
      `/${'a'.repeat(9000)}`,
      '/status?%zz',
      '/health/live#frag',
      'ftp://x/health/live',
      'http://[::1/status',
    ];
    const methods = ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS', 'CONNECT', 'BREW'];
    for (let i = 0; i < RAW_INPUTS; i++) {
      const pick = <T>(options: readonly T[]) => options[Math.floor(random() * options.length)];
      const line = `${pick(methods)} ${pick(targets)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;
      const answer = await rawRequest(port, line);
      const what = `seed ${SEED + 1}, input ${i}: ${JSON.stringify(line.slice(0, 120))} -> ${answer.text.slice(0, 120)}`;
      expect(answer.status, what).toBeDefined();
      expect(answer.status! < 500 || answer.status === 503, what).toBe(true);
    }
    expect((await get(`${watchdog}/health/live`)).json()).toEqual({ status: 'ok' });
    expect((await get(`${main}/health/live`)).status).toBe(200);
  });
});
