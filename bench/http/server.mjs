// One benchmark server per process, so each gets a core of its own: node bench/http/server.mjs <variant> <port>
import { createServer } from 'node:http';

const [variant, portText] = process.argv.slice(2);
const port = Number(portText);
const COMPONENTS = 20;

function componentNames() {
  return Array.from({ length: COMPONENTS }, (_, i) => `component${String(i).padStart(2, '0')}`);
}

async function bare() {
  // A fixed ~1 KB JSON body: the practical ceiling of node:http.
  const body = JSON.stringify({ status: 'ok', pad: 'x'.repeat(1000) }).slice(0, 1024);
  return createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}

async function statuskit() {
  const { createStatus } = await import('../../dist/index.js');
  const status = createStatus({ vocabulary: 'okKo' });
  status.value('version', '1.0.0', { summary: true });
  for (const name of componentNames()) status.check(`applications.${name}`, () => 'ok', { cache: '1h' });
  return createServer(status.nodeListener());
}

async function terminus() {
  const { createTerminus } = await import('@godaddy/terminus');
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  // The equivalent health route: 20 components whose results are cached, as in the statuskit variant.
  const cached = Object.fromEntries(componentNames().map((name) => [name, { status: 'Ok', durationMs: 0 }]));
  createTerminus(server, { healthChecks: { '/status': async () => cached }, logger: () => {} });
  return server;
}

const variants = { bare, statuskit, terminus };
const server = await variants[variant]();
server.listen(port, '127.0.0.1', () => process.send?.('ready'));
