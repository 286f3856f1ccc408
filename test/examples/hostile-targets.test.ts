import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http.js';
import { seededRandom } from '../support/seeded-random.js';
import { startExample } from './run-example.js';

/**
 * Issue 15, item 1 and its fuzzer: raw request lines and headers that no well-behaved client sends
 * (absolute-form targets with broken hosts, authority and asterisk forms, bad percent-encoding,
 * NUL, CR/LF, huge targets, junk credentials) against every seed example and every framework
 * adapter, each a real process. Every request gets a status line, none is a 500, hostile targets
 * get a 4xx, and the process stays up with a bystander still answering.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Server {
  name: string;
  port: number;
  statusPath: string;
  process: ChildProcess;
  framework: boolean;
  stop(): Promise<void>;
}

const HOSTILE_TARGETS = [
  'http://[::1/api/v2/status',
  'http:///',
  'http://%zz/',
  'http://[::1]:99999/status',
  'http://user:pa%ss@[zz]/status',
  'https://xn--/status',
  'ftp://127.0.0.1/status',
  'javascript:alert(1)',
  '127.0.0.1:80',
  '?pretty=true',
  'status',
  `/${'a'.repeat(9000)}`,
  `/status?path=${'x.'.repeat(5000)}`,
];
const ODD_TARGETS = [
  '*',
  '/status/%E0%A4%A',
  '/status/maintenance/%E0%A4%A',
  '/status?path=%ZZ',
  '/status?pretty=%E0',
  '/%00',
  '//status',
  '/status#fragment',
  '/status/../metrics',
  '/status/__proto__',
  '/status?format=xml',
  '/status/stream?topics=%FF',
  '/api/health/ws',
];
const VALID_ABSOLUTE = [
  'http://127.0.0.1/status',
  'http://localhost:1/status?pretty=true',
  'http://h/health/live',
];
const METHODS = ['GET', 'HEAD', 'POST', 'DELETE', 'PUT', 'OPTIONS', 'PATCH', 'FOO', 'CONNECT'];
const HEADER_SETS = [
  [],
  ['Authorization: Basic !!!'],
  ['Authorization: Basic '],
  ['Authorization: Digest ,,,,username="\\"'],
  [`Authorization: Bearer ${'x'.repeat(6000)}`],
  ['X-Api-Key: ', 'X-Access-Token: a', 'X-Key: b'],
  ['Accept: application/health+json'],
  ['Content-Length: 5', '', 'hello'],
  ['Transfer-Encoding: chunked', '', 'zz\r\n'],
  ['Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: bad'],
  ['Host: [::1'],
];

function hostileRequests(
  count: number,
  seed: number,
): Array<{ bytes: string; method: string; hostile: boolean }> {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length) % list.length];
  const out: Array<{ bytes: string; method: string; hostile: boolean }> = [];
  // Every target once, then random combinations.
  for (const target of [...HOSTILE_TARGETS, ...ODD_TARGETS, ...VALID_ABSOLUTE]) {
    out.push({ bytes: request('GET', target, []), method: 'GET', hostile: HOSTILE_TARGETS.includes(target) });
  }
  out.push({
    bytes: 'GET /st\0atus HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    method: 'GET',
    hostile: true,
  });
  // A request line without a version (HTTP/0.9 style) that Node reads as `GET /status`: not hostile.
  out.push({ bytes: 'GET /status\r\nX-Injected: 1 HTTP/1.1\r\n\r\n', method: 'GET', hostile: false });
  out.push({ bytes: 'GET /status HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', method: 'GET', hostile: true });
  out.push({ bytes: 'GET /status HTTP/9.9\r\nHost: x\r\n\r\n', method: 'GET', hostile: true });
  while (out.length < count) {
    const method = pick(METHODS);
    const target = pick([...HOSTILE_TARGETS, ...ODD_TARGETS, ...VALID_ABSOLUTE]);
    out.push({
      bytes: request(method, target, pick(HEADER_SETS)),
      method,
      hostile: HOSTILE_TARGETS.includes(target),
    });
  }
  return out;
}

function request(method: string, target: string, headers: readonly string[]): string {
  const blank = headers.indexOf('');
  const head = blank === -1 ? headers : headers.slice(0, blank);
  const body = blank === -1 ? '' : headers.slice(blank + 1).join('');
  const host = head.some((h) => h.startsWith('Host:')) ? [] : ['Host: 127.0.0.1'];
  return `${method} ${target} HTTP/1.1\r\n${[...host, ...head, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`;
}

function startFramework(name: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', `examples/frameworks/${name}.ts`, '--port', '0'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /http:\/\/127\.0\.0\.1:(\d+)\/status/.exec(out);
      if (!match) return;
      resolve({
        name,
        port: Number(match[1]),
        statusPath: '/status',
        process: child,
        framework: true,
        stop: () => stopChild(child),
      });
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${out}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

async function startSeed(name: string): Promise<Server> {
  const running = await startExample(name);
  const url = new URL(running.url.replace(/^ws/, 'http'));
  return {
    name,
    port: Number(url.port),
    statusPath: url.pathname.startsWith('/api/health') ? '/health/live' : url.pathname,
    process: running.process,
    framework: false,
    stop: running.stop,
  };
}

const started: Server[] = [];
afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
});

const SERVERS: Array<[string, () => Promise<Server>]> = [
  ...['webitel', 'dydu', 'wickson', 'turbocore', 'itgrix'].map(
    (name) => [name, () => startSeed(name)] as [string, () => Promise<Server>],
  ),
  ...['node-http', 'express', 'koa', 'fastify', 'hono'].map(
    (name) => [`frameworks/${name}`, () => startFramework(name)] as [string, () => Promise<Server>],
  ),
];

describe('hostile request targets and headers against every example and framework adapter', () => {
  it.each(SERVERS)('%s answers every one, never with a 500, and stays up', async (_label, start) => {
    const server = await start();
    started.push(server);
    const inputs = hostileRequests(90, server.port);
    const bystander = () => rawRequest(server.port, request('GET', server.statusPath, []));
    for (const [index, input] of inputs.entries()) {
      const answer = await rawRequest(server.port, input.bytes);
      const what = `${server.name}: ${JSON.stringify(input.bytes.slice(0, 100))}`;
      // Node closes CONNECT tunnels nobody listens for; the frameworks' servers are the app's own.
      if (!(server.framework && input.method === 'CONNECT')) expect(answer.status, what).toBeDefined();
      if (answer.status !== undefined) {
        expect(answer.status, what).not.toBe(500);
        if (input.hostile) expect(answer.status, what).toBeGreaterThanOrEqual(400);
        expect(answer.text, what).not.toMatch(/ at [\w.<>]+ \(|TypeError|RangeError|node:internal/);
      }
      if (index % 15 === 0) expect((await bystander()).status, `${server.name} bystander`).toBeDefined();
    }
    expect(server.process.exitCode, `${server.name} exited`).toBeNull();
    const last = await bystander();
    expect([200, 401, 503]).toContain(last.status);
  });
});
