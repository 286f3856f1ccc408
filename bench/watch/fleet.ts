/**
 * The watcher fleet (issue 21): N targets on one local HTTP server, polled by 3 watcher processes
 * sharing a PostgreSQL history, and by 1 watcher with a SQLite file, in the same run. Per setup:
 * CPU per poll (µs, the watchers' own CPU from /proc; the database server's apart, per sample),
 * database statements per sample, p99 scheduling lag (each watcher's own
 * `statuskit_watch_schedule_lag_seconds`, the worst member's); CPU per poll at the smallest and
 * largest N (flat: <= 1.5x). Then 90-day availability of one target: the rollup query against the
 * raw-sample query, over 129,600 samples (one a minute).
 *
 *   npm run build && node --import tsx bench/watch/fleet.ts [INTERVAL_S] [N...]
 *   (default: the issue's figures, 100 and 10,000 targets every 30 s; measured over two intervals
 *    after two of warm-up: about 9 minutes)
 *   FLEET_BENCH_SCALE=0.1 node --import tsx bench/watch/fleet.ts
 *   (a quick run at the same poll rate: 100 and 1,000 targets every 3 s)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { availability } from '../../src/watch/availability.js';
import { PgHistoryStore } from '../../src/watch/postgres/store.js';
import { median, printTable, verdict } from '../lib.js';

const BIN = new URL('../../bin/statuskit.js', import.meta.url).pathname;
const [intervalArg, ...sizeArgs] = process.argv.slice(2);
/** Scales the interval and the largest N together: the poll rate, and so the load, stay the issue's. */
const SCALE = Number(process.env.FLEET_BENCH_SCALE ?? 1);
if (!(SCALE > 0 && SCALE <= 1)) throw new Error(`FLEET_BENCH_SCALE must be in (0, 1], got ${SCALE}`);
const INTERVAL_S = Number(intervalArg ?? 30 * SCALE);
const SIZES = sizeArgs.length > 0 ? sizeArgs.map(Number) : [100, Math.round(10_000 * SCALE)];
const TICK_US = 1e6 / 100; // clock ticks of /proc/<pid>/stat (USER_HZ = 100 on Linux)
const quiet = { info() {}, warn() {}, error() {} };

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"status":"UP"}');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
const admin = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 2 });

function config(n: number, history: string): string {
  const lines = [
    `history: "${history}"`,
    `interval: ${INTERVAL_S}s`,
    'timeout: 5s',
    'fleet:',
    '  lease: 6s',
    'targets:',
  ];
  for (let i = 0; i < n; i++) lines.push(`  t${i}:`, `    url: "http://127.0.0.1:${port}/t/${i}"`);
  const file = join(mkdtempSync(join(tmpdir(), 'statuskit-fleet-bench-')), 'watch.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function cpuTicks(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // a backend that ended meanwhile
  }
}

/** The local ports of a process's TCP sockets: which database backends are this watcher's. */
function localPorts(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    const link = (() => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    })();
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports = new Set<number>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length > 9 && inodes.has(cols[9])) ports.add(Number.parseInt(cols[1].split(':')[1], 16));
  }
  return ports;
}

/** The database server's processes working for these watchers: their backends, and the WAL writer. */
async function databasePids(watchers: readonly number[]): Promise<number[]> {
  const ports = [...new Set(watchers.flatMap((pid) => [...localPorts(pid)]))];
  const { rows } = await admin.query(
    "SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1) OR backend_type = 'walwriter'",
    [ports],
  );
  return rows.map((row) => row.pid as number);
}

interface Member {
  child: ChildProcess;
  metrics?: string;
}

function startMember(file: string, id?: string): Promise<Member> {
  const args = [BIN, 'watch', '--quiet', '--config', file, '--serve', '127.0.0.1:0'];
  const child = spawn(process.execPath, id ? [...args, '--member', id] : args);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const lines = out.split('\n');
      if (lines.length > 4) resolve({ child, metrics: lines[3] });
    });
    child.stderr!.on('data', () => {});
    child.once('exit', (code) => reject(new Error(`watcher exited ${code}`)));
  });
}

/** The watcher's own figures on /metrics: plain gauges; the lag summary's p99 and count (its polls). */
async function gauges(member: Member): Promise<Record<string, number>> {
  const text = await (await fetch(member.metrics!)).text();
  const p99 = /^statuskit_watch_schedule_lag_seconds\{quantile="0\.99"\} ([\d.e+-]+|NaN)$/m.exec(text);
  return {
    ...Object.fromEntries(
      [...text.matchAll(/^(statuskit_watch_\w+) ([\d.e+-]+)$/gm)].map((m) => [m[1], Number(m[2])]),
    ),
    p99: Number(p99?.[1] ?? Number.NaN),
    polls: Number(/^statuskit_watch_schedule_lag_seconds_count (\d+)$/m.exec(text)?.[1] ?? Number.NaN),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Figures {
  cpuUsPerPoll: number;
  /** The database server's CPU (these watchers' backends and the WAL writer) per sample written. */
  dbCpuUsPerSample?: number;
  statementsPerSample: number;
  lagP99Ms: number;
  polls: number;
}

/**
 * Waits `warmMs` (members join, take their share and adopt it), then measures over two intervals:
 * the watchers' CPU (and the database server's working for them), polls, samples written.
 */
async function measure(members: readonly Member[], warmMs: number, store: 'postgres' | 'sqlite') {
  await sleep(warmMs);
  const pids = members.map((m) => m.child.pid!);
  const before = await Promise.all(members.map(gauges));
  const cpu0 = pids.map(cpuTicks);
  const db = store === 'postgres' ? await databaseCpu(pids) : undefined;
  await sleep(INTERVAL_S * 2000);
  const dbCpu = (await db?.stop()) ?? 0;
  const after = await Promise.all(members.map(gauges));
  const cpu = pids.reduce((sum, pid, i) => sum + cpuTicks(pid) - cpu0[i], 0) * TICK_US;
  const delta = (key: string) => after.reduce((sum, g, i) => sum + (g[key] ?? 0) - (before[i][key] ?? 0), 0);
  const polls = delta('polls');
  // The lag summary covers the last minute (at most 8192 polls): at 30 s, the two measured intervals.
  const lagP99Ms = Math.max(...after.map((g) => g.p99)) * 1000;
  return { cpu, dbCpu, polls, delta, lagP99Ms };
}

/**
 * The database server's CPU for these watchers from now until `stop()`, in µs. The pool closes
 * idle connections and opens new ones, so the backends are looked up every half second: each one's
 * first reading (0 for one that appeared meanwhile) and last; a backend that ended loses at most
 * its last half second.
 */
async function databaseCpu(watchers: readonly number[]) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const look = async (born: boolean) => {
    for (const pid of await databasePids(watchers)) {
      const ticks = cpuTicks(pid);
      if (ticks === 0) continue;
      if (!first.has(pid)) first.set(pid, born ? 0 : ticks);
      last.set(pid, ticks);
    }
  };
  await look(false);
  let looking = Promise.resolve();
  const timer = setInterval(() => {
    looking = looking.then(() => look(true));
  }, 500);
  return {
    async stop(): Promise<number> {
      clearInterval(timer);
      await looking;
      await look(true);
      return [...last].reduce((sum, [pid, ticks]) => sum + ticks - first.get(pid)!, 0) * TICK_US;
    },
  };
}

/** The fleet on PostgreSQL: 3 members; measured over two intervals after two of warm-up. */
async function postgresRun(n: number): Promise<Figures> {
  const schema = `fleet_bench_${process.pid}_${n}`;
  const file = config(n, `postgres://postgres@127.0.0.1:5432/test?schema=${schema}`);
  const members: Member[] = [];
  try {
    for (const id of ['b1', 'b2', 'b3']) members.push(await startMember(file, id));
    const { cpu, dbCpu, polls, delta, lagP99Ms } = await measure(
      members,
      INTERVAL_S * 2000 + 3000,
      'postgres',
    );
    const written = delta('statuskit_watch_history_written_total');
    return {
      cpuUsPerPoll: cpu / polls,
      dbCpuUsPerSample: dbCpu / written,
      statementsPerSample: delta('statuskit_watch_history_statements_total') / written,
      lagP99Ms,
      polls,
    };
  } finally {
    for (const m of members) m.child.kill('SIGKILL');
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

/** One watcher on a SQLite file (a single member), measured the same way. */
async function sqliteRun(n: number): Promise<Figures> {
  const db = join(mkdtempSync(join(tmpdir(), 'statuskit-fleet-bench-')), 'watch.db');
  const member = await startMember(config(n, db));
  try {
    const { cpu, polls, lagP99Ms } = await measure([member], INTERVAL_S * 1000 + 2000, 'sqlite');
    // BEGIN, sample, state, COMMIT: in-process statements, no round trips.
    return { cpuUsPerPoll: cpu / polls, statementsPerSample: 4, lagP99Ms, polls };
  } finally {
    member.child.kill('SIGKILL');
  }
}

/** Others share this machine: the figures are read beside the load they were taken under. */
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`fleet bench: ${SIZES.join(', ')} targets every ${INTERVAL_S} s; load average ${load()}`);
const rows: string[][] = [];
const results = new Map<string, Figures>();
for (const n of SIZES) {
  for (const [kind, runIt] of [
    ['postgres x3', postgresRun],
    ['sqlite x1', sqliteRun],
  ] as const) {
    const figures = await runIt(n);
    results.set(`${kind} ${n}`, figures);
    rows.push([
      kind,
      String(n),
      `${INTERVAL_S}s`,
      String(figures.polls),
      figures.cpuUsPerPoll.toFixed(0),
      figures.dbCpuUsPerSample === undefined ? '(in process)' : figures.dbCpuUsPerSample.toFixed(0),
      figures.statementsPerSample.toFixed(2),
      figures.lagP99Ms.toFixed(0),
    ]);
  }
}
console.log(`load average after the runs: ${load()}`);
printTable('watch fleet: CPU per poll, statements per sample, scheduling lag', [
  [
    'store',
    'targets',
    'interval',
    'polls measured',
    'CPU µs/poll',
    'DB server CPU µs/sample',
    'statements/sample',
    'lag p99 ms',
  ],
  ...rows,
]);
const [small, large] = [SIZES[0], SIZES.at(-1)!];
for (const kind of ['postgres x3', 'sqlite x1']) {
  const growth =
    results.get(`${kind} ${large}`)!.cpuUsPerPoll / results.get(`${kind} ${small}`)!.cpuUsPerPoll;
  verdict(
    `${kind}: CPU per poll ${small} -> ${large} targets`,
    `${growth.toFixed(2)}x`,
    '<= 1.5x',
    growth <= 1.5,
  );
  const lag = results.get(`${kind} ${large}`)!.lagP99Ms;
  verdict(
    `${kind}: p99 scheduling lag at ${large} targets`,
    `${lag.toFixed(0)} ms`,
    '<= 1000 ms',
    lag <= 1000,
  );
}
const pgLarge = results.get(`postgres x3 ${large}`)!;
const sqLarge = results.get(`sqlite x1 ${large}`)!;
console.log(
  `postgres/sqlite CPU per poll at ${large} targets: ${(pgLarge.cpuUsPerPoll / sqLarge.cpuUsPerPoll).toFixed(2)}x`,
);

// 90 days of one sample a minute for one target, rolled up as the writer rolls them up.
const schema = `fleet_bench_avail_${process.pid}`;
const store = await PgHistoryStore.open(`postgres://postgres@127.0.0.1:5432/test?schema=${schema}`, {
  log: quiet,
});
try {
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  const start = end - 90 * 86_400_000;
  await store.pool.query(
    `INSERT INTO samples (time, target, level, duration_ms, interval_ms)
       SELECT t, 'api', CASE WHEN (t / 60000) % 97 = 0 THEN 'critical' ELSE 'ok' END, 20, 60000
         FROM generate_series($1::bigint, $2::bigint - 60000, 60000) AS t`,
    [start, end],
  );
  for (const [tier, ms] of [
    ['minute', 60_000],
    ['hour', 3_600_000],
    ['day', 86_400_000],
  ] as const) {
    await store.pool.query(
      `INSERT INTO rollups (tier, bucket, target, level, ms, samples, duration_sum)
         SELECT $1, (time / $2) * $2, target, level, sum(interval_ms), count(*), sum(duration_ms)
           FROM samples WHERE time >= $3 GROUP BY 2, target, level`,
      [tier, ms, tier === 'minute' ? end - 7 * 86_400_000 : start],
    );
  }
  await store.pool.query('ANALYZE');
  const window = { start: start + 30_000, end: end - 30_000 };
  const time = async (fn: () => Promise<unknown>) => {
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      await fn();
      runs.push(performance.now() - t0);
    }
    return median(runs);
  };
  const rolled = await time(() => store.availabilityOf('api', window));
  const raw = await time(async () => availability(await store.levelSamples('api', window.start), window));
  const a = await store.availabilityOf('api', window);
  const b = availability(await store.levelSamples('api', window.start), window);
  printTable('90-day availability of one target (129,600 samples)', [
    ['query', 'median ms', 'availability'],
    ['rollups (days, hours, minutes, raw edges)', rolled.toFixed(2), (a.ratio! * 100).toFixed(4)],
    ['raw samples', raw.toFixed(2), (b.ratio! * 100).toFixed(4)],
  ]);
  verdict(
    '90-day availability: rollups vs raw',
    `${(raw / rolled).toFixed(1)}x faster`,
    '>= 10x',
    raw / rolled >= 10,
  );
} finally {
  await store.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await store.close();
  await admin.end();
  server.close();
}
