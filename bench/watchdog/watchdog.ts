/**
 * Issue 24's watchdog figures, each against its competitor in the same run:
 *
 * 1. `/status` throughput with the watchdog on vs the same server with it off (`wrk -t1 -c50`,
 *    servers pinned to one core, wrk to the other, rounds interleaved, medians): within 5 %. The
 *    verdict is on CPU time per request (the whole process, the watchdog thread included), which a
 *    saturated core turns into throughput and which other load on the machine does not move.
 * 2. The heartbeat: garbage collections during 10 million beats vs a heartbeat that stores a
 *    BigInt timestamp (the obvious alternative), and ns per beat: no allocation, so no GC.
 * 3. `/health/live` on the watchdog port while the main loop is blocked for 3 s: the slowest answer
 *    (curl's time_total) vs the main port, which answers only once the block is over; with both
 *    threads on one core (a one-CPU container) and free to use both.
 *
 * Needs `npm run build`, `wrk`, `curl` and `taskset`.   node --import tsx bench/watchdog/watchdog.ts
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createSharedMemory, SharedWriter } from '../../src/watchdog/shared-state.js';
import { median, printTable, verdict } from '../lib.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const DURATION = process.env.DURATION ?? '3s';
const SERVER_CORE = '1';
const CLIENT_CORE = '0';
const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const run = promisify(execFile);

interface Server {
  urls: string[];
  child: ChildProcess;
}

/**
 * Starts the server, pinned to SERVER_CORE for throughput (its watchdog thread then shares that
 * core with the main thread, as in a one-CPU container); resolves once it printed its URLs.
 */
function startServer(mode: 'on' | 'off', pinned = true): Promise<Server> {
  const lines = mode === 'on' ? 2 : 1;
  const command = [process.execPath, SERVER, mode];
  const child = pinned
    ? spawn('taskset', ['-c', SERVER_CORE, ...command], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const urls = out.split('\n').filter(Boolean);
      if (urls.length >= lines && out.endsWith('\n')) resolve({ urls, child });
    });
    child.once('exit', (code) => reject(new Error(`server ${mode} exited with ${code}`)));
  });
}

function stop(server: Server): void {
  server.child.removeAllListeners('exit');
  server.child.kill();
}

/** `wrk -t1 -c50` pinned to CLIENT_CORE: requests per second and requests done; any non-2xx is an error. */
function wrk(url: string, duration: string): { rps: number; requests: number } {
  const out = execFileSync('taskset', ['-c', CLIENT_CORE, 'wrk', '-t1', '-c50', `-d${duration}`, url], {
    encoding: 'utf8',
  });
  if (/Non-2xx/.test(out)) throw new Error(`${url} answered errors under load:\n${out}`);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? Number.NaN),
  };
}

const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU time the process has used (all its threads, the watchdog's included), in µs. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US; // utime + stime
}

/**
 * One measured run: req/s, and CPU µs per request. On a machine others load too, req/s moves with
 * what the scheduler grants; the CPU a request costs does not, so that is the figure judged.
 */
interface Run {
  rps: number;
  cpuPerRequest: number;
}

function measure(server: Server): Run {
  const url = `${server.urls[0]}/status`;
  wrk(url, '1s'); // warm-up
  const before = cpuMicros(server.child.pid!);
  const { rps, requests } = wrk(url, DURATION);
  return { rps, cpuPerRequest: (cpuMicros(server.child.pid!) - before) / requests };
}

async function throughput(on: Server, off: Server): Promise<void> {
  const runs = { on: [] as Run[], off: [] as Run[] };
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate which goes first: load from elsewhere on the machine drifts within a round too.
    const order = [
      ['off', off],
      ['on', on],
    ] as const;
    for (const [name, server] of round % 2 ? order : [...order].reverse()) {
      const run = measure(server);
      runs[name].push(run);
      console.log(
        `round ${round}  watchdog ${name.padEnd(3)}  ${run.rps.toFixed(0)} req/s  ${run.cpuPerRequest.toFixed(1)} µs CPU per request`,
      );
    }
  }
  const rps = (name: 'on' | 'off') => median(runs[name].map((run) => run.rps));
  const cpu = (name: 'on' | 'off') => median(runs[name].map((run) => run.cpuPerRequest));
  printTable(`/status, 20 cached components, wrk -t1 -c50, server on one core, medians of ${ROUNDS}`, [
    ['watchdog', 'req/s', 'CPU µs per request'],
    ['off', rps('off').toFixed(0), cpu('off').toFixed(1)],
    ['on', rps('on').toFixed(0), cpu('on').toFixed(1)],
  ]);
  // A saturated core serves 1 / (CPU per request): the throughput ratio, whatever else runs here.
  // Each round's two runs are next to each other in time: the median of their ratios cancels drift.
  const paired = (of: (run: Run) => number) => median(runs.on.map((run, i) => of(run) / of(runs.off[i])));
  const ratio = 1 / paired((run) => run.cpuPerRequest);
  verdict(
    '/status throughput (CPU-bound), watchdog on vs off',
    `${ratio.toFixed(3)}x`,
    '>= 0.95x',
    ratio >= 0.95,
  );
  console.log(
    `      (req/s under this machine's load, median of the rounds' ratios: ${paired((run) => run.rps).toFixed(3)}x)`,
  );
}

/** Collections during `beats` calls of `tick`, and its cost per call. */
function collections(tick: () => void, beats: number, seen: number[]): () => { gcs: number; ns: number } {
  for (let i = 0; i < 100_000; i++) tick();
  const start = performance.now();
  for (let i = 0; i < beats; i++) tick();
  const end = performance.now();
  return () => ({
    gcs: seen.filter((at) => at >= start && at <= end).length,
    ns: ((end - start) * 1e6) / beats,
  });
}

async function heartbeat(): Promise<void> {
  const seen: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) seen.push(entry.startTime);
  });
  observer.observe({ entryTypes: ['gc'] });
  const writer = new SharedWriter(createSharedMemory(1024));
  const stamps = new BigInt64Array(new SharedArrayBuffer(8));
  const beats = 10_000_000;
  const ours = collections(() => writer.beat(), beats, seen);
  const bigint = collections(() => Atomics.store(stamps, 0, BigInt(Date.now())), beats, seen);
  await new Promise((resolve) => setTimeout(resolve, 100)); // GC entries are delivered asynchronously
  observer.disconnect();
  const a = ours();
  const b = bigint();
  printTable(`heartbeat, ${beats.toLocaleString('en')} beats`, [
    ['heartbeat', 'collections', 'ns per beat'],
    ['Atomics.add + notify (statuskit)', String(a.gcs), a.ns.toFixed(1)],
    ['Atomics.store(BigInt(Date.now()))', String(b.gcs), b.ns.toFixed(1)],
  ]);
  verdict('collections during the heartbeat', String(a.gcs), `0 (BigInt timestamps: ${b.gcs})`, a.gcs === 0);
}

async function curlTime(url: string): Promise<{ code: number; ms: number }> {
  const { stdout } = await run('taskset', [
    '-c',
    CLIENT_CORE,
    'curl',
    '-s',
    '-o',
    '/dev/null',
    '-m',
    '5',
    '-w',
    '%{http_code} %{time_total}',
    url,
  ]);
  const [code, seconds] = stdout.trim().split(' ');
  return { code: Number(code), ms: Number(seconds) * 1000 };
}

async function blocked(on: Server, where: string): Promise<void> {
  const [main, watchdog] = on.urls.map((url) => new URL(url).origin);
  const block = curlTime(`${main}/block?ms=3000`);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the block has begun
  const started = performance.now();
  const answers: Array<{ code: number; ms: number }> = [];
  while (performance.now() - started < 2500) answers.push(await curlTime(`${watchdog}/health/live`));
  const mainLive = await curlTime(`${main}/health/live`); // queued behind the block
  await block;
  const slowest = Math.max(...answers.map((a) => a.ms));
  const down = answers.filter((a) => a.code === 503).length;
  printTable(`/health/live while the main loop is blocked for 3 s (${where})`, [
    ['port', 'answers', 'median ms', 'slowest ms', '503 "blocked"'],
    [
      'watchdog',
      String(answers.length),
      median(answers.map((a) => a.ms)).toFixed(1),
      slowest.toFixed(1),
      String(down),
    ],
    ['main (asked once, during the block)', '1', mainLive.ms.toFixed(1), mainLive.ms.toFixed(1), '-'],
  ]);
  verdict(
    'slowest watchdog /health/live during a 3 s block',
    `${slowest.toFixed(1)} ms`,
    '<= 100 ms',
    slowest <= 100,
  );
}

const off = await startServer('off');
const on = await startServer('on');
try {
  await throughput(on, off);
  await blocked(on, 'both threads on one core');
} finally {
  stop(on);
  stop(off);
}
const free = await startServer('on', false);
try {
  await blocked(free, 'threads free to use both cores');
} finally {
  stop(free);
}
await heartbeat();
