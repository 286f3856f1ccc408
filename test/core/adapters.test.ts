import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as honoServe } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { createStatus, type StatusKit } from '../../src/index.js';
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

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

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
  it('node:http listener with a fallback', async () => {
    const s = status();
    const server = createServer(
      s.nodeListener((req, res) => {
        if (req.url === '/app') res.end('app route');
        else res.writeHead(404).end();
      }),
    );
    cleanups.push(() => new Promise((r) => server.close(r)));
    await expectStatusRoutes(await listen(server));
  });

  it('Express 5 middleware', async () => {
    const s = status();
    const app = express();
    app.use(s.express());
    app.get('/app', (_req, res) => {
      res.send('app route');
    });
    const server = createServer(app);
    cleanups.push(() => new Promise((r) => server.close(r)));
    await expectStatusRoutes(await listen(server));
  });

  it('Fastify 5 plugin', async () => {
    const s = status();
    const app = Fastify();
    await app.register(s.fastify());
    app.get('/app', async () => 'app route');
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    const { port } = app.server.address() as AddressInfo;
    await expectStatusRoutes(`http://127.0.0.1:${port}`);
  });

  it('Koa 3 middleware', async () => {
    const s = status();
    const app = new Koa();
    app.use(s.koa());
    app.use(async (ctx) => {
      if (ctx.path === '/app') ctx.body = 'app route';
    });
    const server = createServer(app.callback());
    cleanups.push(() => new Promise((r) => server.close(r)));
    await expectStatusRoutes(await listen(server));
  });

  it('Hono middleware on @hono/node-server', async () => {
    const s = status();
    const app = new Hono();
    app.use('*', s.hono());
    app.get('/app', (c) => c.text('app route'));
    const base = await new Promise<string>((resolve) => {
      const server = honoServe({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve(`http://127.0.0.1:${info.port}`),
      );
      cleanups.push(() => new Promise((r) => server.close(r)));
    });
    await expectStatusRoutes(base);
  });

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
