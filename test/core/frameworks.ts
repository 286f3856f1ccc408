/**
 * A status served through each framework statuskit adapts to, real ones on real ports, beside an
 * app route (`/app` answers "app route"), so a test can say once what every framework must answer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as honoServe } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import type { StatusKit } from '../../src/index.js';

export interface Served {
  base: string;
  close(): Promise<unknown>;
}

function listen(server: Server): Promise<Served> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((done) => server.close(done)),
      }),
    ),
  );
}

export const FRAMEWORKS: Record<string, (status: StatusKit) => Promise<Served>> = {
  'node:http listener with a fallback': (status) =>
    listen(
      createServer(
        status.nodeListener((req, res) => {
          if (req.url === '/app') res.end('app route');
          else res.writeHead(404).end();
        }),
      ),
    ),
  'Express 5 middleware': (status) => {
    const app = express();
    app.use(status.express());
    app.get('/app', (_req, res) => {
      res.send('app route');
    });
    return listen(createServer(app));
  },
  'Fastify 5 plugin': async (status) => {
    const app = Fastify();
    await app.register(status.fastify());
    app.get('/app', async () => 'app route');
    await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      close: () => app.close(),
    };
  },
  'Koa 3 middleware': (status) => {
    const app = new Koa();
    app.use(status.koa());
    app.use(async (ctx) => {
      if (ctx.path === '/app') ctx.body = 'app route';
    });
    return listen(createServer(app.callback()));
  },
  'Hono middleware on @hono/node-server': (status) => {
    const app = new Hono();
    app.use('*', status.hono());
    app.get('/app', (c) => c.text('app route'));
    return new Promise((resolve) => {
      const server = honoServe({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve({
          base: `http://127.0.0.1:${info.port}`,
          close: () => new Promise((done) => server.close(done)),
        }),
      );
    });
  },
};
