// Run: node --import tsx examples/frameworks/koa.ts [--port 3000]
import Koa from 'koa';
import { demoStatus, port, statusUrl } from './shared.js';

const app = new Koa();
app.use(demoStatus().koa());
app.use(async (ctx) => {
  ctx.body = 'my app';
});
const server = app.listen(port(), '127.0.0.1', () => console.log(statusUrl(server)));
