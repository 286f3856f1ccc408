// Run: node --import tsx examples/frameworks/hono.ts [--port 3000]
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { demoStatus, port } from './shared.js';

const app = new Hono();
app.use('*', demoStatus().hono());
app.get('/', (c) => c.text('my app'));
serve({ fetch: app.fetch, port: port(), hostname: '127.0.0.1' }, () =>
  console.log(`http://127.0.0.1:${port()}/status`),
);
