import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import {
  expressMetrics,
  instrumentFastify,
  instrumentListener,
  koaMetrics,
  ManualClock,
  MetricsRegistry,
  RequestMetrics,
} from '../../src/metrics/index.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The requests every framework test sends: 2 successes, 1 error per route, 1 ignored (404). */
async function drive(base: string): Promise<void> {
  for (const path of ['/bots/a', '/bots/b', '/fail/x', '/nowhere']) {
    const res = await fetch(base + path);
    await res.arrayBuffer();
  }
}

/** Waits for a condition the server reaches asynchronously (a response's `finish` event). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

function expectDriven(metrics: RequestMetrics, routeKey: string, failKey: string): void {
  expect(metrics.successes.count).toBe(2);
  expect(metrics.errors.count).toBe(1);
  expect(metrics.ignored.count).toBe(1);
  expect(metrics.duration.count).toBe(4);
  expect(metrics.requestsByKey.readStatus()).toEqual({ [routeKey]: 2, [failKey]: 1 });
  expect(metrics.errorsByKey.readStatus()).toEqual({ [failKey]: 1 });
}

describe('request instrumentation with real frameworks', () => {
  it('node:http listener', async () => {
    const metrics = new RequestMetrics();
    const listener = instrumentListener(
      metrics,
      (req, res) => {
        if (req.url?.startsWith('/bots/')) res.end('ok');
        else if (req.url?.startsWith('/fail/')) {
          res.statusCode = 500;
          res.end('no');
        } else {
          res.statusCode = 404;
          res.end();
        }
      },
      { key: (req) => (req.url === '/nowhere' ? undefined : req.url?.split('/')[1]) },
    );
    const base = await listen(createServer(listener));
    await drive(base);
    await until(() => metrics.duration.count === 4);
    expectDriven(metrics, 'bots', 'fail');
  });

  it('node:http counts a client that hangs up as 499 (ignored by default)', async () => {
    const metrics = new RequestMetrics();
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const base = await listen(createServer(instrumentListener(metrics, () => arrived())));
    const controller = new AbortController();
    const pending = fetch(`${base}/slow`, { signal: controller.signal }).catch(() => undefined);
    await arrival;
    controller.abort();
    await pending;
    await until(() => metrics.ignored.count === 1);
    expect(metrics.errors.count + metrics.successes.count).toBe(0);
  });

  it('Express 5 middleware keyed by route pattern', async () => {
    const metrics = new RequestMetrics();
    const app = express();
    app.use(expressMetrics(metrics));
    app.get('/bots/:id', (_req, res) => {
      res.send('ok');
    });
    app.get('/fail/:id', () => {
      throw new Error('handler failed');
    });
    // Express logs unhandled errors to stderr; a quiet error handler keeps the test output clean.
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).send('error');
    });
    const base = await listen(createServer(app));
    await drive(base);
    await until(() => metrics.duration.count === 4);
    expectDriven(metrics, '/bots/:id', '/fail/:id');
  });

  it('Express keys routes of mounted routers with their base path', async () => {
    const metrics = new RequestMetrics();
    const app = express();
    app.use(expressMetrics(metrics));
    const api = express.Router();
    api.get('/bots/:id', (_req, res) => {
      res.send('ok');
    });
    app.use('/api/v1', api);
    const base = await listen(createServer(app));
    await (await fetch(`${base}/api/v1/bots/7`)).arrayBuffer();
    await until(() => metrics.duration.count === 1);
    expect(metrics.requestsByKey.readStatus()).toEqual({ '/api/v1/bots/:id': 1 });
  });

  it('Koa middleware with @koa/router, thrown errors included', async () => {
    const metrics = new RequestMetrics();
    const app = new Koa();
    app.silent = true;
    const router = new Router();
    router.get('/bots/:id', (ctx) => {
      ctx.body = 'ok';
    });
    router.get('/fail/:id', () => {
      throw new Error('handler failed');
    });
    app.use(koaMetrics(metrics));
    app.use(router.routes());
    const base = await listen(createServer(app.callback()));
    await drive(base);
    await until(() => metrics.duration.count === 4);
    expectDriven(metrics, '/bots/:id', '/fail/:id');
  });

  it('Fastify onResponse hook', async () => {
    const metrics = new RequestMetrics();
    const app = Fastify();
    instrumentFastify(app, metrics);
    app.get('/bots/:id', async () => 'ok');
    app.get('/fail/:id', async () => {
      throw new Error('handler failed');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const { port } = app.server.address() as AddressInfo;
    await drive(`http://127.0.0.1:${port}`);
    await until(() => metrics.duration.count === 4);
    expectDriven(metrics, '/bots/:id', '/fail/:id');
  });
});

describe("seed 001's servlet.requests.chatHttp from live traffic", () => {
  it('builds the section with errorsByBot and the seed key order', async () => {
    const clock = new ManualClock(0);
    const registry = new MetricsRegistry({ clock });
    const chatHttp = registry.requests('servlet.requests.chatHttp', {
      errorsByKeyField: 'errorsByBot',
      keyLabel: 'bot',
    });
    const listener = instrumentListener(
      chatHttp,
      (req, res) => {
        const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
        res.statusCode = status;
        res.end();
      },
      { key: (req) => new URL(req.url ?? '/', 'http://x').searchParams.get('bot') ?? undefined },
    );
    const base = await listen(createServer(listener));
    const sends: Array<[string, number]> = [
      ['0df33792', 200],
      ['0df33792', 500],
      ['3c1556aa', 502],
      ['3c1556aa', 200],
      ['3c1556aa', 200],
      ['84e8cb21', 404],
    ];
    for (const [bot, status] of sends)
      await (await fetch(`${base}/chat?bot=${bot}&status=${status}`)).arrayBuffer();
    await until(() => chatHttp.duration.count === sends.length);
    clock.set(5_001);
    const section = chatHttp.readStatus();
    expect(Object.keys(section)).toEqual([
      'successes',
      'errors',
      'errorsByBot',
      'ignored',
      'fiveMinuteErrorsRatio',
    ]);
    expect(section.successes).toEqual({
      fiveMinuteRate: 0.6,
      oneMinuteRate: 0.6,
      fifteenMinuteRate: 0.6,
      count: 3,
      meanRate: 3 / 5.001,
    });
    expect((section.errors as { count: number }).count).toBe(2);
    expect((section.ignored as { count: number }).count).toBe(1);
    expect(section.errorsByBot).toEqual({ '0df33792': 1, '3c1556aa': 1 });
    expect(section.fiveMinuteErrorsRatio).toBeCloseTo(0.4, 12);
    expect(JSON.parse(JSON.stringify(section))).toEqual(section);
    expect(chatHttp.toServletJSON().successes).toMatchObject({
      count: 3,
      m1_rate: 0.6,
      units: 'events/second',
    });
  });

  it('accepts a custom classification', () => {
    const metrics = new RequestMetrics({
      clock: new ManualClock(),
      classify: (status) => (status === 429 ? 'error' : status >= 400 ? 'ignored' : 'success'),
    });
    expect(metrics.record(429, 1)).toBe('error');
    expect(metrics.record(503, 1)).toBe('ignored');
    const timing = metrics.start();
    expect(timing.end(200)).toBe('success');
    expect(timing.end(500)).toBe('success');
    expect(metrics.successes.count).toBe(1);
    expect(() => new RequestMetrics({ errorsByKeyField: 'errors' })).toThrow(TypeError);
    const broken = new RequestMetrics({ classify: () => 'nope' as never });
    expect(() => broken.record(200, 1)).toThrow(/classify returned nope/);
  });
});
