// Run: node --import tsx examples/frameworks/fastify.ts [--port 3000]
import Fastify from 'fastify';
import { demoStatus, port, statusUrl } from './shared.js';

const app = Fastify();
await app.register(demoStatus().fastify());
app.get('/', async () => 'my app');
await app.listen({ port: port(), host: '127.0.0.1' });
console.log(statusUrl(app.server));
