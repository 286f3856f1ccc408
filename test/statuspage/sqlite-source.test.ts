/** The page's SQLite source on a real history file: rollups against the raw samples, incidents, caching. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { incidentActions } from '../../src/statuspage/incidents.js';
import { resolvePageOptions } from '../../src/statuspage/options.js';
import { StatusPage } from '../../src/statuspage/page.js';
import { SqlitePageSource } from '../../src/statuspage/sqlite-source.js';
import { openDatabase } from '../../src/watch/sqlite.js';
import { DAY, dayStart, MINUTE, SAMPLE_EVERY, writeHistory } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'statuskit-page-source-'));
let counter = 0;
const freshFile = () => join(dir, `history-${++counter}.db`);
const opened: SqlitePageSource[] = [];
const track = (source: SqlitePageSource) => {
  opened.push(source);
  return source;
};
afterEach(() => {
  for (const source of opened.splice(0)) source.close();
});

const NOW = Date.UTC(2026, 11, 3, 14, 7, 0);
const TODAY = dayStart(NOW);

/** An outage on day −10 from 10:00 to 12:00, nothing seen on day −5, maintenance on day −3 02:00–04:00. */
const levelAt = (time: number) => {
  const day = (dayStart(time) - TODAY) / DAY;
  const hour = (time - dayStart(time)) / 3_600_000;
  if (day === -5) return undefined;
  if (day === -10 && hour >= 10 && hour < 12) return 'critical' as const;
  if (day === -3 && hour >= 2 && hour < 4) return 'maintenance' as const;
  return 'ok' as const;
};

describe('SQLite page source', () => {
  it('catches a 90-day history up into daily rollups that equal the computation from raw samples', () => {
    const file = freshFile();
    writeHistory(file, [{ name: 'api', displayUrl: 'http://a/', levelAt }], NOW);
    const source = track(SqlitePageSource.open(file));
    const transitions = source.catchUp(NOW);
    expect(transitions.map((t) => `${t.from ?? '-'}>${t.to}`)).toEqual([
      '->ok',
      'ok>critical',
      'critical>ok',
      'ok>maintenance',
      'maintenance>ok',
    ]);
    const from = TODAY - 89 * DAY;
    const rolled = source.daily('api', from, TODAY, NOW);
    expect(rolled).toHaveLength(90);
    expect(rolled).toEqual(source.dailyFromSamples('api', from, TODAY, NOW));
    const outage = rolled.find((day) => day.day === TODAY - 10 * DAY)!;
    expect(outage.byLevel.critical).toBe(2 * 3_600_000);
    expect(outage.byLevel.ok + outage.byLevel.critical).toBe(DAY);
    const unseen = rolled.find((day) => day.day === TODAY - 5 * DAY)!;
    // The last sample of day −6 covers 3 intervals (45 min) into day −5; the rest was not observed.
    expect(unseen.byLevel.ok).toBe(30 * MINUTE);
    expect(unseen.gapMs).toBe(DAY - 30 * MINUTE);
    expect(rolled.find((day) => day.day === TODAY - 3 * DAY)!.byLevel.maintenance).toBe(2 * 3_600_000);
    // Today counts up to now: the open span of the last sample included.
    const today = rolled.at(-1)!;
    expect(today.byLevel.ok + today.gapMs).toBe(NOW - TODAY);
  });

  it('rolls samples up incrementally as they arrive, to the same days as the catch-up', () => {
    const live = track(SqlitePageSource.open(':memory:'));
    const file = freshFile();
    writeHistory(file, [{ name: 'api', displayUrl: 'http://a/', levelAt }], NOW, 12);
    const db = openDatabase(file);
    const rows = db
      .prepare('SELECT time, level, duration_ms, interval_ms FROM samples ORDER BY time')
      .all() as {
      time: number;
      level: 'ok';
      duration_ms: number;
      interval_ms: number;
    }[];
    db.close();
    const seen: string[] = [];
    for (const row of rows) {
      const transition = live.ingest(
        {
          time: row.time,
          target: 'api',
          level: row.level,
          durationMs: row.duration_ms,
          intervalMs: row.interval_ms,
        },
        { level: row.level, since: row.time },
      );
      if (transition) seen.push(transition.to);
    }
    // A sample seen twice (the catch-up and the listener) is taken in once.
    const again = rows.at(-1)!;
    expect(
      live.ingest(
        { time: again.time, target: 'api', level: 'critical', durationMs: 1, intervalMs: SAMPLE_EVERY },
        { level: 'critical' },
      ),
    ).toBeUndefined();
    expect(seen).toEqual(['ok', 'critical', 'ok', 'maintenance', 'ok']);
    const caught = track(SqlitePageSource.open(file));
    caught.catchUp(NOW);
    const from = TODAY - 11 * DAY;
    expect(live.daily('api', from, TODAY, NOW)).toEqual(caught.daily('api', from, TODAY, NOW));
    expect(live.responseTimes('api', NOW - DAY)).toEqual(caught.responseTimesFromSamples('api', NOW - DAY));
  });

  it('drops day bars and transitions older than any bar shows, at the catch-up and on a new day', () => {
    const file = freshFile();
    // 120 days, down for an hour 100 and 10 days ago: the first outage (and the first observation)
    // is past the 90 days any bar shows, the second is not.
    const downDays = [TODAY - 100 * DAY, TODAY - 10 * DAY];
    const old = (t: number) =>
      downDays.includes(dayStart(t)) && t - dayStart(t) < 3_600_000 ? ('critical' as const) : ('ok' as const);
    writeHistory(file, [{ name: 'api', displayUrl: 'http://a/', levelAt: old }], NOW - DAY, 119);
    const source = track(SqlitePageSource.open(file));
    source.catchUp(NOW - DAY);
    const db = openDatabase(file);
    const oldest = () =>
      db.prepare('SELECT min(day) AS day, count(*) AS n FROM page_daily').get() as { day: number; n: number };
    const transitions = () =>
      (db.prepare('SELECT count(*) AS n FROM page_transitions').get() as { n: number }).n;
    expect(oldest().day).toBeGreaterThanOrEqual(NOW - DAY - 91 * DAY);
    expect(transitions()).toBe(2);
    expect(source.transitions(0).map((t) => [t.to, dayStart(t.time)])).toEqual([
      ['critical', TODAY - 10 * DAY],
      ['ok', TODAY - 10 * DAY],
    ]);
    // The first sample of the next day prunes again: the oldest bar moves on by a day.
    const before = oldest().day;
    source.ingest(
      { time: NOW, target: 'api', level: 'ok', durationMs: 10, intervalMs: SAMPLE_EVERY },
      { level: 'ok' },
    );
    expect(oldest().day).toBe(before + DAY);
    db.close();
  });
  it('keeps incidents with their updates; several at once; a resolved one leaves the open list', () => {
    const source = track(SqlitePageSource.open(freshFile()));
    const before = source.version();
    const a = source.openIncident({
      title: 'API errors',
      targets: ['api'],
      impact: 'major',
      status: 'investigating',
      message: 'Looking',
      at: 1000,
    });
    const b = source.openIncident({
      title: 'Slow search',
      targets: [],
      impact: 'minor',
      status: 'identified',
      message: 'Index rebuild',
      at: 2000,
    });
    expect(source.version()).toBeGreaterThan(before);
    source.addUpdate(a.id, { status: 'monitoring', message: 'Fix deployed', at: 3000 });
    expect(source.incidents({ openOnly: true }).map((i) => i.id)).toEqual([b.id, a.id]);
    const resolved = source.addUpdate(a.id, { status: 'resolved', message: 'Fixed', at: 4000 })!;
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: 4000 });
    expect(resolved.updates.map((u) => u.status)).toEqual(['investigating', 'monitoring', 'resolved']);
    expect(source.incidents({ openOnly: true }).map((i) => i.id)).toEqual([b.id]);
    expect(source.addUpdate(999, { message: 'x', at: 5000 })).toBeUndefined();
  });

  it('opens one incident per target on a transition to critical and resolves it on recovery', () => {
    const target = { id: 'api', name: 'Public API' };
    const [open] = incidentActions([], { time: 10, target: 'api', from: 'ok', to: 'critical' }, target);
    expect(open).toMatchObject({
      kind: 'open',
      incident: { title: 'Public API is unavailable', automatic: true, targets: ['api'] },
    });
    const incident = {
      id: 7,
      title: '',
      targets: ['api'],
      impact: 'major' as const,
      status: 'investigating' as const,
      automatic: true,
      openedAt: 10,
      updates: [],
    };
    expect(
      incidentActions([incident], { time: 20, target: 'api', from: 'warning', to: 'critical' }, target),
    ).toEqual([]);
    expect(
      incidentActions([incident], { time: 30, target: 'api', from: 'critical', to: 'warning' }, target),
    ).toEqual([]);
    expect(
      incidentActions([incident], { time: 40, target: 'api', from: 'critical', to: 'ok' }, target),
    ).toMatchObject([{ kind: 'resolve', id: 7, update: { status: 'resolved' } }]);
    // An operator's incident is the operator's to close.
    expect(
      incidentActions([{ ...incident, automatic: false }], { time: 40, target: 'api', to: 'ok' }, target),
    ).toEqual([]);
  });

  it('caches the page until the source changes, and rebuilds on an incident written by another connection', async () => {
    const file = freshFile();
    writeHistory(file, [{ name: 'api', displayUrl: 'http://a/', levelAt }], NOW, 3);
    const source = track(SqlitePageSource.open(file));
    source.catchUp(NOW);
    const page = new StatusPage({
      source,
      options: resolvePageOptions({}),
      targets: () => ['api'],
      now: () => NOW,
    });
    const first = await page.html(90);
    expect(await page.html(90)).toBe(first);
    expect((await page.json()).etag).toBe((await page.json()).etag);
    expect(page.builds).toBe(1);
    const other = track(SqlitePageSource.open(file));
    other.openIncident({
      title: 'Written elsewhere',
      targets: ['api'],
      impact: 'minor',
      status: 'investigating',
      message: 'CLI',
      at: NOW,
    });
    expect((await page.html(90)).body).toContain('Written elsewhere');
    expect(page.builds).toBe(2);
  });
});
