/**
 * The watcher fleet (issue 21): N targets on one local HTTP server, polled by 3 watcher processes
 * sharing a PostgreSQL history, and by 1 watcher with a SQLite file, in the same run. Per setup:
 * CPU per poll (µs, the watchers' own CPU from /proc, the database server's not included),
 * database statements per sample, p99 scheduling lag; CPU per poll at the smallest and largest N
 * (flat: <= 1.5x). Then 90-day availability of one target: the rollup query against the raw-sample
 * query, over 129,600 samples (one a minute).
 *
 *   npm run build && node --import tsx bench/watch/fleet.ts [INTERVAL_S] [N...]
 *   (default 5 100 2000: 2000 targets every 5 s is 400 polls/s, more than 10,000 every 30 s;
 *    the issue's own scale is `node --import tsx bench/watch/fleet.ts 30 100 10000`)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { availability } from '../../src/watch/availability.js';
import { PgHistoryStore } from '../../src/watch/postgres/store.js';
import { openDatabase } from '../../src/watch/sqlite.js';
import { median, printTable, verdict } from '../lib.js';

const BIN = new URL('../../bin/statuskit.js', import.meta.url).pathname;
const [intervalArg, ...sizeArgs] = process.argv.slice(2);
const INTERVAL_S = Number(intervalArg ?? 5);
const SIZES = sizeArgs.length > 0 ? sizeArgs.map(Number) : [100, 2000];
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
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

interface Member {
  child: ChildProcess;
  metrics?: string;
}

function startMember(file: string, id: string): Promise<Member> {
  const child = spawn(process.execPath, [
    BIN,
    'watch',
    '--quiet',
    '--config',
    file,
    '--member',
    id,
    '--serve',
    '127.0.0.1:0',
  ]);
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

async function gauges(member: Member): Promise<Record<string, number>> {
  const text = await (await fetch(member.metrics!)).text();
  return Object.fromEntries(
    [...text.matchAll(/^(statuskit_watch_\w+) ([\d.e+-]+)$/gm)].map((m) => [m[1], Number(m[2])]),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Figures {
  cpuUsPerPoll: number;
  statementsPerSample: number;
  lagP99Ms: number;
  polls: number;
}

/** The fleet on PostgreSQL: 3 members; measured over two intervals after one of warm-up. */
async function postgresRun(n: number): Promise<Figures> {
  const schema = `fleet_bench_${process.pid}_${n}`;
  const file = config(n, `postgres://postgres@127.0.0.1:5432/test?schema=${schema}`);
  const members: Member[] = [];
  try {
    for (const id of ['b1', 'b2', 'b3']) members.push(await startMember(file, id));
    // Joining members take their share and adopt it: measure once the handovers are done.
    await sleep(INTERVAL_S * 2000 + 3000);
    const before = await Promise.all(members.map(gauges));
    const cpu0 = members.map((m) => cpuTicks(m.child.pid!));
    await sleep(INTERVAL_S * 2000);
    const after = await Promise.all(members.map(gauges));
    const cpu = members.reduce((sum, m, i) => sum + cpuTicks(m.child.pid!) - cpu0[i], 0) * TICK_US;
    const delta = (key: string) => after.reduce((sum, g, i) => sum + g[key] - before[i][key], 0);
    const polls = delta('statuskit_watch_polls_total');
    return {
      cpuUsPerPoll: cpu / polls,
      statementsPerSample:
        delta('statuskit_watch_history_statements_total') / delta('statuskit_watch_history_written_total'),
      lagP99Ms: Math.max(...after.map((g) => g.statuskit_watch_scheduling_lag_p99_ms)),
      polls,
    };
  } finally {
    for (const m of members) m.child.kill('SIGKILL');
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

/** One watcher on a SQLite file (a single member): polls counted from the file's samples. */
async function sqliteRun(n: number): Promise<Figures> {
  const db = join(mkdtempSync(join(tmpdir(), 'statuskit-fleet-bench-')), 'watch.db');
  const file = config(n, db);
  const child = spawn(process.execPath, [BIN, 'watch', '--quiet', '--config', file]);
  try {
    await sleep(INTERVAL_S * 1000 + 2000);
    const reader = openDatabase(db, { readonly: true });
    const count = () => (reader.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n;
    const samples0 = count();
    const cpu0 = cpuTicks(child.pid!);
    await sleep(INTERVAL_S * 2000);
    const polls = count() - samples0;
    const cpu = (cpuTicks(child.pid!) - cpu0) * TICK_US;
    // Lag: each sample's time against the previous sample of its target plus the interval.
    const lags = (
      reader
        .prepare(
          `SELECT time - lag(time) OVER (PARTITION BY target ORDER BY time) - ? AS late FROM samples ORDER BY time DESC LIMIT 5000`,
        )
        .all(INTERVAL_S * 1000) as { late: number | null }[]
    )
      .map((r) => r.late)
      .filter((late): late is number => late !== null)
      .sort((a, b) => a - b);
    reader.close();
    // BEGIN, sample, state, COMMIT: in-process statements, no round trips.
    return {
      cpuUsPerPoll: cpu / polls,
      statementsPerSample: 4,
      lagP99Ms: Math.max(0, lags[Math.floor(lags.length * 0.99)] ?? 0),
      polls,
    };
  } finally {
    child.kill('SIGKILL');
  }
}

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
      figures.statementsPerSample.toFixed(2),
      figures.lagP99Ms.toFixed(0),
    ]);
  }
}
printTable('watch fleet: CPU per poll, statements per sample, scheduling lag', [
  ['store', 'targets', 'interval', 'polls measured', 'CPU µs/poll', 'statements/sample', 'lag p99 ms'],
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
