/**
 * Cost of access control on the status path.
 *   1. HTTP: a bare node:http handler serving cached 1.1 KB bytes vs the same handler behind
 *      API-key `authorize()`, both under wrk (target: auth adds <= 10 % latency).
 *   2. In process: one API-key `authorize()`, one Digest verification and one Basic check, each
 *      against a single SHA-256 of the same input size (target: Digest ≈ "one hash").
 * Run: node --import tsx bench/access/authorize.ts
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { apiKeyAuth, basicAuth, createAccess, digestAuth } from '../../src/access/index.js';
import type { StatusRequest } from '../../src/http/types.js';

const ROUNDS = 3;
const HTTP_ROUNDS = 5;
const BODY = Buffer.from(JSON.stringify({ status: 'operational', padding: 'x'.repeat(1050) }));
const API_KEY = 'wk_live_5f2b9c1e';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timePerOp(run: () => void, iterations: number): number {
  for (let i = 0; i < Math.min(iterations, 10_000); i++) run();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run();
  return Number(process.hrtime.bigint() - start) / iterations;
}

async function listen(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/status`, close: () => new Promise((r) => server.close(() => r())) };
}

/** wrk's mean latency (ms) and requests/s. Async: the servers under test run in this process. */
async function wrk(url: string, headers: string[]): Promise<{ latencyMs: number; rps: number }> {
  const args = ['-t1', '-c50', '-d2s', '--latency', ...headers.flatMap((h) => ['-H', h]), url];
  const { stdout: out } = await promisify(execFile)('wrk', args, { encoding: 'utf8' });
  const latency = /Latency\s+([\d.]+)(us|ms|s)/.exec(out);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!latency || !rps) throw new Error(`cannot read wrk output:\n${out}`);
  const scale = { us: 0.001, ms: 1, s: 1000 }[latency[2] as 'us' | 'ms' | 's'];
  return { latencyMs: Number(latency[1]) * scale, rps: Number(rps[1]) };
}

async function httpBench(): Promise<void> {
  const access = createAccess({
    anonymous: 'refuse',
    authenticators: [apiKeyAuth({ keys: [{ key: API_KEY, name: 'monitor' }] })],
  });
  const send = (res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
    res.end(BODY);
  };
  const bare = await listen((_req, res) => send(res));
  const guarded = await listen((req, res) => {
    const request = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress,
    };
    const decision = access.authorize(request);
    if ('then' in decision) throw new Error('API-key authorization should be synchronous');
    if (!decision.allowed) {
      res.writeHead(decision.response.status, decision.response.headers).end(decision.response.body);
      return;
    }
    send(res);
  });
  const bareRuns: Awaited<ReturnType<typeof wrk>>[] = [];
  const authRuns: Awaited<ReturnType<typeof wrk>>[] = [];
  // Interleaved rounds; the ratio is taken per round (neighbours share the machine's noise).
  for (let round = 0; round < HTTP_ROUNDS; round++) {
    bareRuns.push(await wrk(bare.url, [`X-Api-Key: ${API_KEY}`]));
    authRuns.push(await wrk(guarded.url, [`X-Api-Key: ${API_KEY}`]));
  }
  await bare.close();
  await guarded.close();
  const bareLatency = median(bareRuns.map((r) => r.latencyMs));
  const authLatency = median(authRuns.map((r) => r.latencyMs));
  const ratios = authRuns.map((run, round) => run.latencyMs / bareRuns[round].latencyMs);
  console.log(
    `HTTP  bare:    ${median(bareRuns.map((r) => r.rps)).toFixed(0)} req/s, mean latency ${bareLatency.toFixed(3)} ms`,
  );
  console.log(
    `HTTP  api-key: ${median(authRuns.map((r) => r.rps)).toFixed(0)} req/s, mean latency ${authLatency.toFixed(3)} ms`,
  );
  console.log(
    `HTTP  latency ratio api-key / bare = ${median(ratios).toFixed(3)} ` +
      `(median of per-round ratios ${ratios.map((r) => r.toFixed(2)).join(' ')}; target <= 1.10)`,
  );
}

function digestRequests(count: number): StatusRequest[] {
  const realm = 'statuskit';
  const probe = createAccess({ anonymous: 'refuse', authenticators: [digestAuthFor()] });
  const challenge = probe.authorize({ method: 'GET', url: '/status', headers: {} });
  if ('then' in challenge || challenge.allowed) throw new Error('expected a challenge');
  const header = [challenge.response.headers['www-authenticate']].flat().join(', ');
  const nonce = /nonce="([^"]+)"/.exec(header)![1];
  const opaque = /opaque="([^"]+)"/.exec(header)![1];
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const ha1 = sha(`admin:${realm}:pa55-w0rd!`);
  const ha2 = sha('GET:/status');
  return Array.from({ length: count }, (_, index) => {
    const nc = (index + 1).toString(16).padStart(8, '0');
    const response = sha(`${ha1}:${nonce}:${nc}:abc:auth:${ha2}`);
    const authorization = `Digest username="admin", realm="${realm}", nonce="${nonce}", uri="/status", algorithm=SHA-256, response="${response}", qop=auth, nc=${nc}, cnonce="abc", opaque="${opaque}"`;
    return { method: 'GET', url: '/status', headers: { authorization }, remoteAddress: '127.0.0.1' };
  });
}

const DIGEST_SECRET = 'bench-secret-of-at-least-16-bytes';
function digestAuthFor() {
  return digestAuth({
    secret: DIGEST_SECRET,
    users: [{ username: 'admin', password: 'pa55-w0rd!' }],
    algorithms: ['SHA-256'],
    maxTrackedNonces: 10,
  });
}

function inProcessBench(): void {
  const apiAccess = createAccess({ authenticators: [apiKeyAuth({ keys: [{ key: API_KEY }] })] });
  const apiRequest = {
    method: 'GET',
    url: '/status',
    headers: { 'x-api-key': API_KEY },
    remoteAddress: '127.0.0.1',
  };
  const basicAccess = createAccess({
    authenticators: [basicAuth({ users: [{ username: 'admin', password: 'pa55-w0rd!' }] })],
  });
  const basicRequest = {
    method: 'GET',
    url: '/status',
    headers: { authorization: `Basic ${Buffer.from('admin:pa55-w0rd!').toString('base64')}` },
  };
  const hashInput = 'x'.repeat(200);
  const results: Record<string, number[]> = { sha256: [], apiKey: [], basic: [], digest: [] };
  for (let round = 0; round < ROUNDS; round++) {
    results.sha256.push(timePerOp(() => createHash('sha256').update(hashInput).digest('hex'), 100_000));
    results.apiKey.push(timePerOp(() => apiAccess.authorize(apiRequest), 100_000));
    results.basic.push(timePerOp(() => basicAccess.authorize(basicRequest), 50_000));
    const requests = digestRequests(30_000);
    const digestAccess = createAccess({ authenticators: [digestAuthFor()] });
    let next = 0;
    results.digest.push(
      timePerOp(() => {
        const decision = digestAccess.authorize(requests[next++]);
        if ('then' in decision || !decision.allowed)
          throw new Error('digest verification failed in the bench');
      }, 20_000),
    );
  }
  const hash = median(results.sha256);
  for (const [name, values] of Object.entries(results)) {
    const ns = median(values);
    console.log(
      `in-process ${name.padEnd(7)} ${(ns / 1000).toFixed(2).padStart(7)} µs/op  = ${(ns / hash).toFixed(1)} × one SHA-256`,
    );
  }
}

inProcessBench();
await httpBench();
