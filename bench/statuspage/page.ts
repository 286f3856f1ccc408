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
import { SqlitePageSource } from '../../src/statuspage/sqlite-source.js';
import { openDatabase } from '../../src/watch/sqlite.js';
import { SqliteHistoryStore as HistoryStore } from '../../src/watch/store.js';
import { benchPage } from './measure.js';
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

const generatedIn = time(() =>
  console.log(`samples: ${generate().toLocaleString('en')} (${TARGETS} targets x 90 days, every 5 min)`),
);
console.log(`generated in ${generatedIn.toFixed(0)} ms`);
const source = SqlitePageSource.open(file);
const caughtUp = time(() => source.catchUp(now));
console.log(`rollups built from the raw samples once (catch-up): ${caughtUp.toFixed(0)} ms`);

await benchPage({
  label: '',
  source,
  names,
  now,
  rounds: ROUNDS,
  raw: {
    daily: (t, a, b, n) => source.dailyFromSamples(t, a, b, n),
    responseTimes: (t, s) => source.responseTimesFromSamples(t, s),
  },
});
source.close();
rmSync(dir, { recursive: true, force: true });

await benchPostgres({ names, now, rounds: ROUNDS, every: EVERY });
