import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createStatus, type StatusKit } from '../../src/index.js';
import { FRAMEWORKS } from './frameworks.js';
import { get } from './helpers.js';

function status(): StatusKit {
  const s = createStatus({ vocabulary: 'okKo' });
  s.value('version', '9.9.9', { summary: true });
  s.check('applications.dialog', () => ({ level: 'ok', fields: { customs: { sessions: 2 } } }));
  return s;
}

let cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

function method(url: string, verb: string): Promise<{ status: number; allow?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: verb }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, allow: res.headers.allow as string | undefined, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The same expectations for every framework: statuskit's routes behave identically, the app's own routes still work. */
async function expectStatusRoutes(base: string) {
  const doc = await get(`${base}/status?pretty=true&unknown=1`);
  expect(doc.status).toBe(200);
  expect(doc.headers.get('cache-control')).toBe('no-store');
  expect(doc.json()).toMatchObject({
    status: 'Ok',
    version: '9.9.9',
    applications: { dialog: { status: 'Ok', customs: { sessions: 2 } } },
  });
  expect((await get(`${base}/status?path=applications.dialog.customs.sessions`)).text).toBe('2');
  expect((await get(`${base}/status?path=nope`)).status).toBe(404);
  expect((await get(`${base}/status?path=a..b`)).status).toBe(400);
  expect((await get(`${base}/status/applications/dialog`)).json()).toMatchObject({ status: 'Ok' });
  expect((await get(`${base}/health/live`)).status).toBe(200);
  expect((await get(`${base}/health/ready`)).status).toBe(200);
  const post = await method(`${base}/status`, 'POST');
  expect(post.status).toBe(405);
  expect(post.allow).toBe('GET, HEAD');
  const head = await method(`${base}/status`, 'HEAD');
  expect(head.status).toBe(200);
  expect(head.body).toBe('');
  expect((await get(`${base}/app`)).text).toBe('app route');
}

describe('framework adapters (real frameworks)', () => {
  for (const [name, serve] of Object.entries(FRAMEWORKS)) {
    it(name, async () => {
      const served = await serve(status());
      cleanups.push(() => served.close());
      await expectStatusRoutes(served.base);
    });
  }

  it('fetch handler (Request -> Response)', async () => {
    const s = status();
    const handle = s.fetch();
    const res = await handle(new Request('http://x/status?path=version'));
    expect(res?.status).toBe(200);
    expect(await res?.text()).toBe('"9.9.9"');
    expect(await handle(new Request('http://x/other'))).toBeUndefined();
    const post = await handle(new Request('http://x/status', { method: 'POST' }));
    expect(post?.status).toBe(405);
  });
});
