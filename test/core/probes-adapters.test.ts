import { afterEach, describe, expect, it } from 'vitest';
import { createStatus, type StatusKit } from '../../src/index.js';
import { FRAMEWORKS } from './frameworks.js';
import { get } from './helpers.js';

/** Payments needs the database and the cache; the cache is down, the mailer is not in the group. */
function status(): StatusKit {
  const s = createStatus({
    vocabulary: 'upDown',
    groups: { payments: { include: ['database', 'cache'] } },
    info: { name: 'shop', version: '7.0.1' },
  });
  s.value('version', '7.0.1', { summary: true });
  s.check('database', () => 'ok');
  s.check('cache', () => 'critical');
  s.check('mailer', () => 'ok');
  return s;
}

let cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

const answer = async (url: string) => {
  const response = await get(url);
  return [response.status, response.json()];
};

/** The same answers from every framework. */
async function expectProbeRoutes(base: string) {
  expect(await answer(`${base}/health/payments`)).toEqual([
    503,
    { status: 'DOWN', components: { database: 'UP', cache: 'DOWN' } },
  ]);
  expect(await answer(`${base}/health/payments?exclude=cache`)).toEqual([
    200,
    { status: 'UP', components: { database: 'UP' } },
  ]);
  expect((await get(`${base}/health/ready`)).status).toBe(503);
  expect(await answer(`${base}/health/ready?exclude=cache`)).toEqual([200, { status: 'UP' }]);
  expect((await answer(`${base}/health/ready?exclude=a..b`))[0]).toBe(400);
  expect(await answer(`${base}/health/started`)).toEqual([200, { status: 'UP' }]);
  const document = await get(`${base}/status?group=payments`);
  expect(document.status).toBe(503);
  expect(Object.keys(document.json() as object)).toEqual([
    'status',
    'version',
    'database',
    'cache',
    'durationMs',
  ]);
  expect((await get(`${base}/info`)).json()).toMatchObject({
    name: 'shop',
    version: '7.0.1',
    node: process.version,
  });
  // Not a group: the app's own answer (its 404).
  expect((await get(`${base}/health/nope`)).status).toBe(404);
  expect((await get(`${base}/app`)).text).toBe('app route');
}

describe('probes, groups and ?exclude= through every adapter', () => {
  for (const [name, serve] of Object.entries(FRAMEWORKS)) {
    it(name, async () => {
      const served = await serve(status());
      cleanups.push(() => served.close());
      await expectProbeRoutes(served.base);
    });
  }

  it('fetch handler (Request -> Response)', async () => {
    const handle = status().fetch();
    const group = await handle(new Request('http://x/health/payments?exclude=cache'));
    expect([group?.status, await group?.json()]).toEqual([
      200,
      { status: 'UP', components: { database: 'UP' } },
    ]);
    const ready = await handle(new Request('http://x/health/ready?exclude=cache'));
    expect(ready?.status).toBe(200);
    expect((await handle(new Request('http://x/status?group=payments')))?.status).toBe(503);
    expect(await handle(new Request('http://x/health/nope'))).toBeUndefined();
  });
});
