/** The history store on a real SQLite file (better-sqlite3, WAL). */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { availability } from '../../src/watch/availability.js';
import { buildReport, reportJson, reportText } from '../../src/watch/report.js';
import { HistoryUnavailableError, openDatabase } from '../../src/watch/sqlite.js';
import { SqliteHistoryStore as HistoryStore, type Sample } from '../../src/watch/store.js';

const dir = mkdtempSync(join(tmpdir(), 'statuskit-watch-store-'));
let counter = 0;
const freshFile = () => join(dir, `history-${++counter}.db`);
const open: HistoryStore[] = [];
const track = (store: HistoryStore) => {
  open.push(store);
  return store;
};

afterEach(() => {
  for (const store of open.splice(0)) store.close();
});

const sample = (time: number, level: Sample['level'], target = 'api'): Sample => ({
  time,
  target,
  level,
  word: level === 'ok' ? 'UP' : 'DOWN',
  httpCode: level === 'ok' ? 200 : 503,
  durationMs: 12.4,
  message: level === 'ok' ? undefined : 'down for maintenance of the disks',
  intervalMs: 1000,
});

describe('history store', () => {
  it('records samples, transitions and state in WAL mode; a reader sees them while the writer is open', () => {
    const file = freshFile();
    const store = track(HistoryStore.open(file));
    store.record(
      sample(1000, 'ok'),
      'http://a/status',
      { level: 'ok', since: 1000, streak: 0 },
      { at: 1000, to: 'ok' },
    );
    store.record(sample(2000, 'critical'), 'http://a/status', {
      level: 'ok',
      since: 1000,
      pending: 'critical',
      streak: 1,
    });
    store.record(
      sample(3000, 'critical'),
      'http://a/status',
      { level: 'critical', since: 3000, streak: 0 },
      { at: 3000, from: 'ok', to: 'critical' },
    );
    expect(existsSync(`${file}-wal`)).toBe(true);

    const reader = track(HistoryStore.openForReading(file));
    expect(reader.count('samples')).toBe(3);
    expect(reader.transitions(0)).toEqual([
      { time: 1000, target: 'api', url: 'http://a/status', to: 'ok', word: 'UP', httpCode: 200 },
      {
        time: 3000,
        target: 'api',
        url: 'http://a/status',
        from: 'ok',
        to: 'critical',
        word: 'DOWN',
        httpCode: 503,
        message: 'down for maintenance of the disks',
      },
    ]);
    expect(reader.loadStates().get('api')).toEqual({ level: 'critical', since: 3000, streak: 0 });
    expect([...reader.levelSamples('api', 2500)]).toEqual([
      { time: 2000, level: 'critical', intervalMs: 1000 },
      { time: 3000, level: 'critical', intervalMs: 1000 },
    ]);
  });

  it('keeps a half-confirmed streak across a reopen', () => {
    const file = freshFile();
    const first = HistoryStore.open(file);
    first.record(sample(1000, 'critical'), 'u', { level: 'ok', since: 0, pending: 'critical', streak: 2 });
    first.close();
    const again = track(HistoryStore.open(file));
    expect(again.loadStates().get('api')).toEqual({ level: 'ok', since: 0, pending: 'critical', streak: 2 });
  });

  it('prunes samples and transitions older than the cutoff, never the current state', () => {
    const store = track(HistoryStore.open(freshFile()));
    for (const time of [1000, 2000, 3000, 4000]) {
      store.record(sample(time, 'ok'), 'u', { level: 'ok', since: 1000, streak: 0 }, { at: time, to: 'ok' });
    }
    expect(store.prune(2500)).toEqual({ samples: 2, transitions: 2, changes: 0 });
    expect(store.count('samples')).toBe(2);
    expect(store.loadStates().get('api')?.level).toBe('ok');
    expect(store.prune(2500)).toEqual({ samples: 0, transitions: 0, changes: 0 });
  });

  it('feeds availability and the history report', async () => {
    const store = track(HistoryStore.open(freshFile()));
    const levels = ['ok', 'ok', 'critical', 'critical', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'] as const;
    levels.forEach((level, i) => {
      const transition =
        i === 0
          ? { at: 0, to: level }
          : levels[i - 1] !== level
            ? { at: i * 1000, from: levels[i - 1], to: level }
            : undefined;
      store.record(sample(i * 1000, level), 'http://a/status', { level, since: 0, streak: 0 }, transition);
    });
    const window = { start: 0, end: 10_000 };
    expect(availability(store.levelSamples('api', 0), window)).toMatchObject({
      okMs: 8000,
      observedMs: 10_000,
    });
    const report = await buildReport(store, window);
    expect(reportText(report)).toMatch(/api\s+80\.00 %\s+8s\s+10s\s+0ms\s+ok/);
    expect(reportText(report)).toMatch(/ok\s+critical\s+DOWN\s+503\s+down for maintenance/);
    const json = reportJson(report) as { targets: Array<{ availability: { percent: number } }> };
    expect(json.targets[0].availability.percent).toBe(80);
    await expect(buildReport(store, window, 'nope')).rejects.toThrow(/no target "nope".*targets: api/);
  });

  it('refuses files that are not its history, with a clear error', () => {
    expect(() => HistoryStore.openForReading(join(dir, 'missing.db'))).toThrow(HistoryUnavailableError);
    const text = join(dir, 'not-sqlite.db');
    writeFileSync(text, 'hello, this is not a database'.repeat(100));
    expect(() => HistoryStore.open(text)).toThrow(/cannot use .* as a history/);
    const other = join(dir, 'other.db');
    const db = openDatabase(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => HistoryStore.openForReading(other)).toThrow(/not a statuskit watch history/);
  });
});
