/**
 * The agent's cold start (spawn -> first answered /status) and idle RSS (after ~3 s idle), against a
 * bare node:http server started the same way in the same run. Targets: cold start <= the bare
 * server's + 150 ms, idle RSS <= 60 MB. Run `npm run build` first: this spawns the built CLI, as
 * `npx statuskit` does.
 *
 *   node --import tsx bench/agent/startup.ts [rounds]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { median, verdict } from '../lib.js';

const BIN = new URL('../../bin/statuskit.js', import.meta.url).pathname;
const ROUNDS = Number(process.argv[2] ?? 5);
const IDLE_MS = 3000;

const BARE = `const s = require('http').createServer((q, r) => r.end('{"status":"ok"}'));
s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port + '/status'));`;

interface Sample {
  coldStartMs: number;
  idleRssMb: number;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline));
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}

function getOnce(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

async function measure(args: string[]): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await firstLine(child);
  const status = await getOnce(url);
  const coldStartMs = performance.now() - started;
  if (status !== 200) throw new Error(`${url} answered ${status}`);
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idleRssMb = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('exit', resolve));
  return { coldStartMs, idleRssMb };
}

const variants = {
  'statuskit serve (default)': [BIN, 'serve', '--port', '0', '--quiet'],
  'bare node:http': ['-e', BARE],
};
const samples: Record<string, Sample[]> = { 'statuskit serve (default)': [], 'bare node:http': [] };
// Interleaved, so both see the same machine load.
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, args] of Object.entries(variants)) samples[name].push(await measure(args));
}
const agent = samples['statuskit serve (default)'];
const bare = samples['bare node:http'];
const row = (name: string, list: Sample[]) =>
  `${name.padEnd(28)} cold start ${median(list.map((s) => s.coldStartMs))
    .toFixed(0)
    .padStart(5)} ms   idle RSS ${median(list.map((s) => s.idleRssMb))
    .toFixed(1)
    .padStart(5)} MB`;
console.log(`medians of ${ROUNDS} rounds`);
console.log(row('statuskit serve (default)', agent));
console.log(row('bare node:http', bare));
const agentStart = median(agent.map((s) => s.coldStartMs));
const bareStart = median(bare.map((s) => s.coldStartMs));
const agentRss = median(agent.map((s) => s.idleRssMb));
console.log(
  `ratio agent/bare: cold start ${(agentStart / bareStart).toFixed(2)}x, ` +
    `idle RSS ${(agentRss / median(bare.map((s) => s.idleRssMb))).toFixed(2)}x`,
);
verdict(
  'cold start, agent - bare node:http',
  `${(agentStart - bareStart).toFixed(0)} ms`,
  '<= 150 ms',
  agentStart - bareStart <= 150,
);
verdict('idle RSS of the agent', `${agentRss.toFixed(1)} MB`, '<= 60 MB', agentRss <= 60);
