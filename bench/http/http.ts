/**
 * Issue 2 targets, same run, medians of several rounds:
 * - `/status` with 20 cached components over node:http, `wrk -t1 -c50`: >= 0.85x a bare node:http
 *   server returning a fixed 1 KB JSON string, and >= 2x @godaddy/terminus serving an equivalent route;
 * - 1000 concurrent requests while a check takes 200 ms -> the check runs exactly once;
 * - a check that never resolves: `/status` answers within its timeout + 50 ms.
 * Needs `npm run build` first (servers load dist/) and `wrk` (Debian package).
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { Agent, get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createStatus } from '../../src/index.js';
import { median, printTable } from '../lib.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = process.env.DURATION ?? '5s';
const serverScript = fileURLToPath(new URL('./server.mjs', import.meta.url));

async function startServer(variant: string, port: number): Promise<ChildProcess> {
  const child = fork(serverScript, [variant, String(port)], { stdio: 'inherit' });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${variant} server exited with ${code}`)));
  });
  return child;
}

function wrk(url: string, duration: string): { rps: number; p99: string } {
  const out = execFileSync('wrk', ['-t1', '-c50', `-d${duration}`, '--latency', url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const p99 = /99%\s+(\S+)/.exec(out)?.[1] ?? '?';
  return { rps, p99 };
}

async function throughput() {
  const variants = ['bare', 'statuskit', 'terminus'] as const;
  const results: Record<string, number[]> = { bare: [], statuskit: [], terminus: [] };
  let port = 18_700;
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of variants) {
      const p = port++;
      const child = await startServer(variant, p);
      const url = `http://127.0.0.1:${p}${variant === 'bare' ? '/' : '/status'}`;
      wrk(url, '1s'); // warm-up
      const { rps, p99 } = wrk(url, DURATION);
      results[variant].push(rps);
      console.log(`round ${round + 1} ${variant.padEnd(9)} ${rps.toFixed(0)} req/s  p99 ${p99}`);
      child.kill();
    }
  }
  const m = Object.fromEntries(variants.map((v) => [v, median(results[v])]));
  printTable('HTTP /status throughput (wrk -t1 -c50, medians)', [
    ['bare node:http 1 KB', `${m.bare.toFixed(0)} req/s`, ''],
    [
      'statuskit, 20 cached',
      `${m.statuskit.toFixed(0)} req/s`,
      `${(m.statuskit / m.bare).toFixed(2)}x bare (target >= 0.85)`,
    ],
    [
      'terminus, equivalent',
      `${m.terminus.toFixed(0)} req/s`,
      `statuskit ${(m.statuskit / m.terminus).toFixed(2)}x terminus (target >= 2)`,
    ],
  ]);
}

async function singleFlight() {
  const status = createStatus();
  const runner = status.check('slow', async () => {
    await new Promise((r) => setTimeout(r, 200));
    return 'ok' as const;
  });
  const server = await status.listen();
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 2000 });
  // Open the 1000 connections first (liveness runs no check), so the 1000 status requests are
  // really concurrent rather than limited by how fast the client can connect.
  await Promise.all(Array.from({ length: 1000 }, () => getText(`${server.url}/health/live`, agent)));
  await Promise.all(Array.from({ length: 1000 }, () => getText(`${server.url}/status`, agent)));
  await status.close();
  printTable('single-flight', [
    ['1000 concurrent requests, 200 ms check', `check ran ${runner.runs} time(s)`, 'target: 1'],
  ]);
}

function getText(url: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

async function hangingCheck() {
  const status = createStatus();
  status.check('hang', () => new Promise(() => {}), { timeout: 500 });
  const server = await status.listen();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await fetch(`${server.url}/status`).then((r) => r.text());
    times.push(performance.now() - started);
  }
  await status.close();
  printTable('hanging check (timeout 500 ms)', [
    ['answer time, median of 5', `${median(times).toFixed(1)} ms`, 'target: <= 550 ms'],
  ]);
}

if (!process.env.SKIP_THROUGHPUT) await throughput();
await singleFlight();
await hangingCheck();
