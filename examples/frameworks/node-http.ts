// Run: node --import tsx examples/frameworks/node-http.ts [--port 3000]
import { createServer } from 'node:http';
import { demoStatus, port } from './shared.js';

const status = demoStatus();
createServer(status.nodeListener((_req, res) => res.end('my app'))).listen(port(), '127.0.0.1', () =>
  console.log(`http://127.0.0.1:${port()}/status`),
);
