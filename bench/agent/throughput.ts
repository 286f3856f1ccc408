/**
 * Issue 17: what a new user runs. `statuskit serve` (embedded default, the real host document)
 * against bare node:http serving fixed bodies of the same sizes; then how the cost of `/status`
 * grows with the tree (10, 100, 1,000 cached components). `wrk -t1 -c50`, every server pinned to
 * one core and wrk to the other (taskset), rounds interleaved, the median of paired ratios. Needs `npm run build`,
 * `wrk` and `taskset` (Debian: `apt-get install wrk`; taskset is in util-linux).
 *
 *   node --import tsx bench/agent/throughput.ts        ROUNDS=3 DURATION=3s by default
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable, verdict } from '../lib.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = process.env.DURATION ?? '3s';
const SERVER_CORE = '1';
const CLIENT_CORE = '0';
const BIN = fileURLToPath(new URL('../../bin/statuskit.js', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));
const TREE = fileURLToPath(new URL('./tree-server.mjs', import.meta.url));

/** The agent's doors measured, each with its ratio target against bare node:http. */
const DOORS = [
  { path: '/status', target: 0.85 },
  { path: '/status?pretty=true', target: 0.8 },
  { path: '/status?path=host.memory', target: 0.8 },
];
const TREE_SIZES = [10, 100, 1000];

interface Server {
  base: string;
  child: ChildProcess;
}

/** Starts a server pinned to SERVER_CORE; it prints its URL on its first stdout line. */
function startPinned(args: string[]): Promise<Server> {
  const child = spawn('taskset', ['-c', SERVER_CORE, process.execPath, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve({ base: new URL(out.slice(0, newline)).origin, child });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

function stop(server: Server): void {
  server.child.removeAllListeners('exit');
  server.child.kill();
}

/** Requests per second of `wrk -t1 -c50`, pinned to CLIENT_CORE; any non-2xx answer is an error. */
function wrk(url: string, duration: string): number {
  const out = execFileSync('taskset', ['-c', CLIENT_CORE, 'wrk', '-t1', '-c50', `-d${duration}`, url], {
    encoding: 'utf8',
  });
  if (/Non-2xx/.test(out)) throw new Error(`${url} answered errors under load:\n${out}`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
}

async function body(url: string): Promise<string> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return response.text();
}

async function agentVsBare(): Promise<void> {
  const agent = await startPinned([BIN, 'serve', '--port', '0', '--quiet']);
  // The bare server answers the agent's own bytes for each door: the same sizes, no work at all.
  const bodies: Record<string, string> = {};
  for (const { path } of DOORS) bodies[path] = await body(`${agent.base}${path}`);
  const file = join(mkdtempSync(join(tmpdir(), 'statuskit-bench-')), 'bodies.json');
  writeFileSync(file, JSON.stringify(bodies));
  const bare = await startPinned([BARE, file]);
  const rps: Record<string, { agent: number[]; bare: number[] }> = {};
  for (const { path } of DOORS) rps[path] = { agent: [], bare: [] };
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const { path } of DOORS) {
        // Back to back, the order alternating by round: a drifting machine load hits both alike.
        const pair = [
          ['bare', bare],
          ['agent', agent],
        ] as const;
        for (const [name, server] of round % 2 === 1 ? pair : [...pair].reverse()) {
          wrk(`${server.base}${path}`, '1s'); // warm-up
          const value = wrk(`${server.base}${path}`, DURATION);
          rps[path][name].push(value);
          console.log(`round ${round}  ${name.padEnd(5)}  ${path.padEnd(26)} ${value.toFixed(0)} req/s`);
        }
      }
    }
  } finally {
    stop(agent);
    stop(bare);
  }
  // The ratio of each round's pair, then their median: steadier than a ratio of medians on a VM
  // whose speed moves between rounds.
  const ratioOf = (path: string) => median(rps[path].agent.map((a, i) => a / rps[path].bare[i]));
  const rows = [['door', 'body', 'statuskit serve', 'bare node:http', 'ratio (median of pairs)']];
  for (const { path } of DOORS) {
    rows.push([
      path,
      `${bodies[path].length} B`,
      `${median(rps[path].agent).toFixed(0)} req/s`,
      `${median(rps[path].bare).toFixed(0)} req/s`,
      `${ratioOf(path).toFixed(2)}x`,
    ]);
  }
  printTable(
    `statuskit serve (embedded default) vs bare node:http, wrk -t1 -c50, medians of ${ROUNDS}`,
    rows,
  );
  for (const { path, target } of DOORS) {
    const ratio = ratioOf(path);
    verdict(`GET ${path} vs bare node:http`, `${ratio.toFixed(2)}x`, `>= ${target}x`, ratio >= target);
  }
}

async function treeScaling(): Promise<void> {
  const servers = new Map<number, Server>();
  const rps = new Map<number, number[]>(TREE_SIZES.map((n) => [n, []]));
  try {
    for (const n of TREE_SIZES) {
      const server = await startPinned([TREE, String(n)]);
      await body(`${server.base}/status`); // runs the checks once; cached for an hour after that
      servers.set(n, server);
    }
    for (let round = 1; round <= ROUNDS; round++) {
      for (const n of TREE_SIZES) {
        const url = `${servers.get(n)!.base}/status`;
        wrk(url, '1s');
        const value = wrk(url, DURATION);
        rps.get(n)!.push(value);
        console.log(`round ${round}  ${String(n).padStart(5)} components  ${value.toFixed(0)} req/s`);
      }
    }
  } finally {
    for (const server of servers.values()) stop(server);
  }
  // The server is pinned to one core and saturated: 1 s / req/s is the core time of one request.
  const micros = (n: number) => 1e6 / median(rps.get(n)!);
  const rows = [['components', 'req/s', 'µs per request', 'x the cost of 10']];
  for (const n of TREE_SIZES) {
    rows.push([
      String(n),
      median(rps.get(n)!).toFixed(0),
      micros(n).toFixed(1),
      (micros(n) / micros(10)).toFixed(2),
    ]);
  }
  printTable(`/status of a tree of cached components, wrk -t1 -c50, medians of ${ROUNDS}`, rows);
  const growth = micros(1000) / micros(10);
  verdict('cost of /status, 1,000 vs 10 components', `${growth.toFixed(2)}x`, '<= 100x', growth <= 100);
}

await agentVsBare();
await treeScaling();
