// Run: node --import tsx examples/frameworks/node-http.ts [--port 3000]
import { createServer } from 'node:http';
import { demoStatus, port, statusUrl } from './shared.js';

const status = demoStatus();
const server = createServer(status.nodeListener((_req, res) => res.end('my app')));
server.listen(port(), '127.0.0.1', () => console.log(statusUrl(server)));
