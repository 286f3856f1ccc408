// Run: node --import tsx examples/frameworks/hono.ts [--port 3000]
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { demoStatus, port, statusUrl } from './shared.js';

const app = new Hono();
app.use('*', demoStatus().hono());
app.get('/', (c) => c.text('my app'));
const server = serve({ fetch: app.fetch, port: port(), hostname: '127.0.0.1' }, () =>
  console.log(statusUrl(server)),
);
