/**
 * The status page for 100 targets x 90 days: the page and its JSON built from the daily rollups
 * against the same built from the raw samples (one pass per target over its 90 days), same run,
 * same file; then per request over HTTP, cached and rebuilt. Prints medians and the ratio. Then
 * the same on a PostgreSQL history (the fleet's store: its day rollups against its raw samples),
 * when a server answers at STATUSKIT_BENCH_PG (default postgres://postgres@127.0.0.1:5432/test).
 *
 *   node --import tsx bench/statuspage/page.ts [targets=100] [rounds=7]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStatus } from '../../src/status.js';
import { renderPage } from '../../src/statuspage/html.js';
import { resolveWindows } from '../../src/statuspage/maintenance.js';
import { buildPageData } from '../../src/statuspage/model.js';
import { resolvePageOptions } from '../../src/statuspage/options.js';
import { StatusPage } from '../../src/statuspage/page.js';
import { statusPageRoute } from '../../src/statuspage/routes.js';
import { SqlitePageSource } from '../../src/statuspage/sqlite-source.js';
import { openDatabase } from '../../src/watch/sqlite.js';
import { SqliteHistoryStore as HistoryStore } from '../../src/watch/store.js';
import { median, printTable, verdict } from '../lib.js';
import { benchPostgres } from './page-pg.js';

const TARGETS = Number(process.argv[2] ?? 100);
const ROUNDS = Number(process.argv[3] ?? 7);
const DAY = 86_400_000;
const EVERY = 5 * 60_000;

const dir = mkdtempSync(join(tmpdir(), 'statuskit-bench-page-'));
const file = join(dir, 'watch.db');
const now = Date.now();
const names = Array.from({ length: TARGETS }, (_, i) => `t${String(i).padStart(3, '0')}`);

function generate(): number {
  HistoryStore.open(file).close();
  const db = openDatabase(file);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare(
    'INSERT INTO samples (time, target, level, duration_ms, interval_ms) VALUES (?, ?, ?, ?, ?)',
  );
  let rows = 0;
  db.transaction(() => {
    const start = Math.floor(now / DAY) * DAY - 89 * DAY;
    names.forEach((name, n) => {
      for (let time = start; time < now; time += EVERY) {
        // An outage now and then, different for each target.
        const level = (time / EVERY + n * 7) % 997 < 3 ? 'critical' : 'ok';
        insert.run(time, name, level, 20 + ((time / EVERY) % 13), EVERY);
        rows++;
      }
    });
  })();
  db.close();
  return rows;
}

function time(action: () => void): number {
  const started = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function timeAsync(action: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const generatedIn = time(() =>
  console.log(`samples: ${generate().toLocaleString('en')} (${TARGETS} targets x 90 days, every 5 min)`),
);
console.log(`generated in ${generatedIn.toFixed(0)} ms`);
const source = SqlitePageSource.open(file);
const caughtUp = time(() => source.catchUp(now));
console.log(`rollups built from the raw samples once (catch-up): ${caughtUp.toFixed(0)} ms`);

const options = resolvePageOptions({});
const windows = resolveWindows([], now);
const build = (raw: boolean) => async () => {
  const data = await buildPageData({
    source,
    options,
    targets: names,
    windows,
    now,
    ...(raw
      ? {
          daily: (t: string, a: number, b: number, n: number) => source.dailyFromSamples(t, a, b, n),
          responseTimes: (t: string, s: number) => source.responseTimesFromSamples(t, s),
        }
      : {}),
  });
  JSON.stringify(data);
  renderPage(data, { path: options.path, days: 90, refreshMs: options.refreshMs });
};

// Interleaved rounds: the machine's noise falls on both alike.
const rollupTimes: number[] = [];
const rawTimes: number[] = [];
await build(false)();
await build(true)();
for (let round = 0; round < ROUNDS; round++) {
  rollupTimes.push(await timeAsync(build(false)));
  rawTimes.push(await timeAsync(build(true)));
}
const rollup = median(rollupTimes);
const raw = median(rawTimes);

// Per request over HTTP: the cached page, and the page rebuilt from the rollups at each request.
const page = new StatusPage({ source, options, targets: () => names });
const status = createStatus({});
status.addRoute(statusPageRoute(page, source));
const server = await status.listen({ host: '127.0.0.1', port: 0 });
const url = `http://127.0.0.1:${server.port}${options.path}`;
const get = (path: string) => async () => {
  const response = await fetch(`${url}${path}`);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
};
await get('')();
const cachedHtml: number[] = [];
const cachedJson: number[] = [];
const rebuiltHtml: number[] = [];
for (let round = 0; round < 30; round++) {
  cachedHtml.push(await timeAsync(get('')));
  cachedJson.push(await timeAsync(get('/api/status.json')));
}
for (let round = 0; round < ROUNDS; round++) {
  page.invalidate();
  rebuiltHtml.push(await timeAsync(get('')));
}
const htmlBytes = (await (await fetch(url)).arrayBuffer()).byteLength;
const jsonBytes = (await (await fetch(`${url}/api/status.json`)).arrayBuffer()).byteLength;
await status.close();
source.close();
rmSync(dir, { recursive: true, force: true });

printTable(`page + JSON, ${TARGETS} targets x 90 days (median of ${ROUNDS})`, [
  ['built from', 'ms per build', 'ratio'],
  ['raw samples', raw.toFixed(1), '1.00x'],
  ['daily rollups', rollup.toFixed(1), `${(raw / rollup).toFixed(1)}x faster`],
]);
printTable('per HTTP request (median)', [
  ['request', 'ms', 'bytes'],
  ['GET page, cached', median(cachedHtml).toFixed(2), String(htmlBytes)],
  ['GET api/status.json, cached', median(cachedJson).toFixed(2), String(jsonBytes)],
  ['GET page, rebuilt from rollups', median(rebuiltHtml).toFixed(1), String(htmlBytes)],
]);
verdict('rollups against raw samples', `${(raw / rollup).toFixed(1)}x`, '>= 5x', raw / rollup >= 5);
const rebuilt = median(rebuiltHtml);
verdict(
  'cached page per request',
  `${median(cachedHtml).toFixed(2)} ms`,
  `<= 1/5 of a rebuild (${rebuilt.toFixed(0)} ms)`,
  median(cachedHtml) * 5 <= rebuilt,
);

await benchPostgres({ names, now, rounds: ROUNDS, every: EVERY });
