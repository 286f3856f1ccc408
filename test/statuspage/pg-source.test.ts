/**
 * The page on a PostgreSQL history (real server, a schema of its own): 90 days of three targets
 * written through the real store, the bars from its day rollups over real HTTP, nothing secret in
 * the JSON, HTML or feeds, the admin endpoint refusing bad input with nothing stored, and two
 * members following the same transitions opening and resolving one incident.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStatus, type StatusKit } from '../../src/status.js';
import { resolvePageOptions } from '../../src/statuspage/options.js';
import { CACHE_MS, StatusPage } from '../../src/statuspage/page.js';
import { PgPageSource } from '../../src/statuspage/pg-source.js';
import { statusPageRoute } from '../../src/statuspage/routes.js';
import type { PageTransition } from '../../src/statuspage/source.js';
import { PgHistoryStore } from '../../src/watch/postgres/store.js';
import { withService } from '../checks/support.js';
import { freshSchema, type Schema } from '../watch/fleet/support.js';
import { DAY, dayStart } from './fixtures.js';
import { HOUR, writePgHistory } from './pg-fixtures.js';

const pgDescribe = await withService('PostgreSQL', 5432);

const SECRET = 'hunter2-secret';
const ADMIN_KEY = 'admin-key-0123456789abcdef';
const now = Date.now();
const today = dayStart(now);
/**
 * api is down from 02:00 to 05:00 (3 h) ten days ago, and an hour eighteen days ago (older than
 * the 14 days whose transitions open incidents); db in maintenance all of twenty days ago.
 */
const outageDay = today - 10 * DAY;
const oldOutage = today - 18 * DAY + 7 * HOUR;
const maintenanceDay = today - 20 * DAY;
const targets = [
  {
    name: 'api',
    url: `http://svc:${SECRET}@10.0.0.1/health`,
    message: `connect failed: ${SECRET}`,
    levelAt: (t: number) =>
      (t >= outageDay + 2 * HOUR && t < outageDay + 5 * HOUR) || t === oldOutage
        ? ('critical' as const)
        : ('ok' as const),
  },
  {
    name: 'db',
    url: 'http://db.internal/health',
    levelAt: (t: number) => (dayStart(t) === maintenanceDay ? ('maintenance' as const) : ('ok' as const)),
  },
  { name: 'cache', url: 'http://cache.internal/health', levelAt: () => 'ok' as const },
];
const log = { info: () => {}, warn: () => {}, error: () => {} };

pgDescribe('status page on a PostgreSQL history', () => {
  let schema: Schema;
  let store: PgHistoryStore;
  let source: PgPageSource;
  let status: StatusKit;
  let base: string;

  beforeAll(async () => {
    schema = await freshSchema('page');
    store = await PgHistoryStore.open(schema.url, { log });
    // The days before the history are empty bars: 24 days of it (hourly) in a 90-day page.
    await writePgHistory(store, targets, now, 24);
    source = new PgPageSource(store);
    const options = resolvePageOptions({
      title: 'Fleet page',
      targets: { api: { name: 'Public API', message: 'The API is having trouble' } },
      adminKeys: [{ key: ADMIN_KEY }],
    });
    const page = new StatusPage({ source, options, targets: () => targets.map((t) => t.name) });
    await source.start((transition) => page.follow(transition), now - 14 * DAY);
    status = createStatus({ paths: { status: '/internal-status' } });
    status.addRoute(statusPageRoute(page, source));
    const server = await status.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${server.port}${options.path}`;
  });
  afterAll(async () => {
    source?.close();
    await status?.close();
    await store?.close();
    await schema?.drop();
  });

  const pageTarget = async (id: string) => {
    const data = await (await fetch(`${base}/api/status.json`)).json();
    return data.groups
      .flatMap((g: { targets: { id: string }[] }) => g.targets)
      .find((t: { id: string }) => t.id === id);
  };

  it('draws 90 day bars from the store day rollups, with the outage and the maintenance where they were', async () => {
    const api = await pageTarget('api');
    expect(api.days).toHaveLength(90);
    expect(api.level).toBe('ok');
    const day = (offset: number) => api.days[89 - offset];
    expect(day(10)).toMatchObject({ level: 'critical', downMs: 3 * HOUR, okMs: 21 * HOUR });
    expect(day(11)).toMatchObject({ level: 'ok', observedMs: 24 * HOUR, uptime: 1 });
    expect(day(18)).toMatchObject({ level: 'critical', downMs: HOUR });
    // Before the history began: no data, not an outage.
    expect(api.days[0]).toMatchObject({ level: 'nodata', observedMs: 0 });
    const db = await pageTarget('db');
    expect(db.days[89 - 20]).toMatchObject({ level: 'maintenance', maintenanceMs: 24 * HOUR });
    // Maintenance counts for nobody: 100 % over the window despite a whole day of it.
    expect(db.uptime.days30).toBe(1);
    const observed = api.days.reduce((sum: number, d: { observedMs: number }) => sum + d.observedMs, 0);
    expect(api.uptime.days30).toBeCloseTo(1 - (4 * HOUR) / observed, 9);
    // The last 24 h of response times, by hour, from the samples.
    expect(api.responseTime.hours.length).toBeGreaterThanOrEqual(22);
    expect(api.responseTime.meanMs).toBeGreaterThanOrEqual(30);
  });

  it('follows the outage: one automatic incident, opened and resolved', async () => {
    const { open, recent } = await (await fetch(`${base}/api/incidents`)).json();
    expect(open).toEqual([]);
    // Ten days ago: within the 14 days an incident stays on the page.
    expect(recent).toMatchObject([
      { title: 'Public API is unavailable', automatic: true, status: 'resolved', targets: [{ id: 'api' }] },
    ]);
    expect(recent[0].updates.map((u: { status: string }) => u.status)).toEqual(['investigating', 'resolved']);
    // The outage of eighteen days ago is history: no incident of its own.
    const { rows } = await schema.pool.query('SELECT opened_at FROM incidents WHERE automatic');
    expect(rows.map((row) => Number(row.opened_at))).toEqual([outageDay + 2 * HOUR]);
  });

  it('shows nothing secret in the JSON, the HTML, the feeds or the badges', async () => {
    for (const path of ['/api/status.json', '', '/feed.rss', '/feed.atom', '/badge/api/status.svg']) {
      const body = await (await fetch(`${base}${path}`)).text();
      expect(body.length, path).toBeGreaterThan(100);
      for (const secret of [SECRET, '10.0.0.1', 'db.internal', 'connect failed'])
        expect(body, `${path} shows ${secret}`).not.toContain(secret);
    }
  });

  it('refuses bad input on the admin endpoint with 4xx JSON and stores nothing', async () => {
    const count = async () =>
      (
        await schema.pool.query(
          'SELECT (SELECT count(*) FROM incidents)::int AS i, (SELECT count(*) FROM incident_updates)::int AS u',
        )
      ).rows[0];
    const before = await count();
    const post = (path: string, body: string, key: string | null = ADMIN_KEY) =>
      fetch(`${base}/api/incidents${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
        body,
      });
    const cases: [string, string, string | null, number][] = [
      ['', JSON.stringify({ title: 'x', message: 'y' }), null, 401],
      ['', JSON.stringify({ title: 'x', message: 'y' }), 'wrong-key-0123456789', 401],
      ['', '{not json', ADMIN_KEY, 400],
      ['', '[1, 2]', ADMIN_KEY, 400],
      ['', JSON.stringify({ title: '', message: 'y' }), ADMIN_KEY, 400],
      ['', JSON.stringify({ title: 'x', message: 'y', sneaky: 1 }), ADMIN_KEY, 400],
      ['', JSON.stringify({ title: 'x', message: 'y', targets: ['nope'] }), ADMIN_KEY, 400],
      ['', JSON.stringify({ title: 'x', message: 'y', impact: 'apocalyptic' }), ADMIN_KEY, 400],
      ['/999999/updates', JSON.stringify({ message: 'y' }), ADMIN_KEY, 404],
      ['/abc/resolve', '{}', ADMIN_KEY, 404],
      ['/1/updates', JSON.stringify({ message: 'y', status: 'exploded' }), ADMIN_KEY, 400],
      ['/1/resolve', JSON.stringify({ message: 'x'.repeat(6000) }), ADMIN_KEY, 400],
    ];
    for (const [path, body, key, expected] of cases) {
      const response = await post(path, body, key);
      expect(response.status, `${path} ${body.slice(0, 40)}`).toBe(expected);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect((await response.json()).error).toEqual(expect.any(String));
    }
    expect(await count()).toEqual(before);
    // A good one is stored and shown at once on this member's page.
    const opened = await post(
      '',
      JSON.stringify({ title: 'Slow search', message: 'Looking', targets: ['cache'] }),
    );
    expect(opened.status).toBe(201);
    const { id } = await opened.json();
    const { open } = await (await fetch(`${base}/api/incidents`)).json();
    expect(open).toMatchObject([{ id, title: 'Slow search', targets: [{ id: 'cache' }] }]);
    const resolved = await post(`/${id}/resolve`, '{}');
    expect(resolved.status).toBe(200);
    expect((await post(`/${id}/resolve`, '{}')).status).toBe(409);
  });

  it('opens one incident per transition and resolves it once, however many members follow it', async () => {
    const critical = now - 5 * 60_000;
    store.record(
      { time: critical, target: 'cache', level: 'critical', durationMs: 5, intervalMs: HOUR },
      targets[2]!.url,
      { level: 'critical', since: critical, streak: 0 },
      { at: critical, from: 'ok', to: 'critical' },
    );
    store.record(
      { time: critical + 60_000, target: 'cache', level: 'ok', durationMs: 5, intervalMs: HOUR },
      targets[2]!.url,
      { level: 'ok', since: critical + 60_000, streak: 0 },
      { at: critical + 60_000, from: 'critical', to: 'ok' },
    );
    expect(await store.flush()).toBe(true);
    // Three members start together and follow the same two transitions at the same moment.
    const members = [0, 1, 2].map(() => new PgPageSource(store));
    const options = resolvePageOptions({ targets: { cache: { name: 'Cache' } } });
    await Promise.all(
      members.map((member) => {
        const page = new StatusPage({ source: member, options, targets: () => ['cache'] });
        return member.start((t: PageTransition) => page.follow(t), critical - 1);
      }),
    );
    for (const member of members) member.close();
    const { rows } = await schema.pool.query(
      `SELECT i.id, i.status, array_agg(u.status ORDER BY u.id) AS updates FROM incidents i
         JOIN incident_updates u ON u.incident_id = i.id
        WHERE i.automatic AND i.targets ? 'cache' GROUP BY i.id`,
    );
    expect(rows).toMatchObject([{ status: 'resolved', updates: ['investigating', 'resolved'] }]);
  });

  it('reads the maintenance a target announced from its last sample', async () => {
    const at = Date.now();
    const announced = { phase: 'scheduled' as const, start: at + 2 * HOUR, end: at + 3 * HOUR };
    store.record(
      { time: at, target: 'cache', level: 'ok', durationMs: 5, intervalMs: HOUR, values: { announced } },
      targets[2]!.url,
      { level: 'ok', since: at - HOUR, streak: 0 },
    );
    expect(await store.flush()).toBe(true);
    expect((await source.current()).get('cache')?.announced).toEqual(announced);
  });

  it('keeps answering with the last page while the database is away', async () => {
    const own = await PgHistoryStore.open(schema.url, { log });
    const away = new PgPageSource(own);
    let clock = now;
    const page = new StatusPage({
      source: away,
      options: resolvePageOptions({}),
      targets: () => ['api'],
      now: () => clock,
    });
    const first = await page.json();
    await own.close();
    clock += CACHE_MS + 1;
    expect(await page.json()).toBe(first);
    expect(page.builds).toBe(2);
    // Not tried again at every request: after the failure, the next try is a cache period away.
    expect(await page.json()).toBe(first);
    expect(page.builds).toBe(2);
  });
});
