/**
 * The PostgreSQL history on the real server (127.0.0.1:5432), in a schema of its own: migrations
 * and a newer schema refused, the same answers as SQLite through the one interface, rollups that
 * agree with the raw samples over 90 days, fencing by epoch, a database lost at runtime (through
 * a TCP proxy the test cuts), and clear errors without the password.
 */
import { connect, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { availability } from '../../../src/watch/availability.js';
import { acquire } from '../../../src/watch/fleet/leases.js';
import { PG_SCHEMA_VERSION } from '../../../src/watch/postgres/migrations.js';
import { PgHistoryStore } from '../../../src/watch/postgres/store.js';
import { buildReport } from '../../../src/watch/report.js';
import { HistoryUnavailableError } from '../../../src/watch/sqlite.js';
import { closedPort, withService } from '../../checks/support.js';
import { until } from '../../support/wait.js';
import { freshSchema, type Schema } from './support.js';

const pgDescribe = await withService('PostgreSQL', 5432);

interface Line {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}
const lines: Line[] = [];
const log = {
  info: (msg: string, fields?: Record<string, unknown>) => lines.push({ level: 'info', msg, fields }),
  warn: (msg: string, fields?: Record<string, unknown>) => lines.push({ level: 'warn', msg, fields }),
  error: (msg: string, fields?: Record<string, unknown>) => lines.push({ level: 'error', msg, fields }),
};

const MINUTE = 60_000;
const DAY = 86_400_000;

pgDescribe('PostgreSQL history (real server)', () => {
  let schema: Schema;
  let store: PgHistoryStore;

  beforeAll(async () => {
    schema = await freshSchema('store');
    store = await PgHistoryStore.open(schema.url, { log });
  });
  afterAll(async () => {
    await store?.close();
    await schema?.drop();
  });

  const sample = (time: number, level: 'ok' | 'critical', target = 'api', intervalMs = MINUTE) => ({
    time,
    target,
    level,
    word: level === 'ok' ? 'UP' : 'DOWN',
    httpCode: level === 'ok' ? 200 : 503,
    durationMs: level === 'ok' ? 20 : 40,
    intervalMs,
    ...(level === 'ok' ? {} : { message: 'disk full' }),
  });

  it('migrates to its version once, and reads back samples, transitions, changes and state', async () => {
    const again = await PgHistoryStore.migrateOnly(schema.url);
    expect(again).toMatchObject({ from: PG_SCHEMA_VERSION, to: PG_SCHEMA_VERSION });
    const { rows } = await schema.pool.query('SELECT version FROM schema_version ORDER BY version');
    expect(rows).toEqual(Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    store.record(
      sample(1000, 'ok', 'one'),
      'http://one/',
      { level: 'ok', since: 1000, streak: 0 },
      { at: 1000, to: 'ok' },
    );
    store.record(
      { ...sample(2000, 'critical', 'one'), values: { recorded: { 'body.version': '1.2' } } },
      'http://one/',
      { level: 'critical', since: 2000, streak: 0 },
      { at: 2000, from: 'ok', to: 'critical' },
      [{ time: 2000, target: 'one', url: 'http://one/', rule: 'version', message: 'changed', muted: false }],
    );
    expect(await store.flush()).toBe(true);
    expect(await store.transitions(0, 'one')).toMatchObject([
      { time: 1000, to: 'ok' },
      { time: 2000, from: 'ok', to: 'critical', word: 'DOWN', httpCode: 503, message: 'disk full' },
    ]);
    expect(await store.changes(0, 'one')).toEqual([
      { time: 2000, target: 'one', url: 'http://one/', rule: 'version', message: 'changed', muted: false },
    ]);
    expect((await store.lastValues('one')).known.get('body.version')).toBe('1.2');
    expect(await store.targets()).toMatchObject([
      { name: 'one', url: 'http://one/', state: { level: 'critical', since: 2000 }, lastTime: 2000 },
    ]);
    expect(await store.responseTimes('one', 0)).toEqual([
      { time: 1000, durationMs: 20, level: 'ok' },
      { time: 2000, durationMs: 40, level: 'critical' },
    ]);
    expect(await store.count('samples', 'one')).toBe(2);
  });

  it('answers 90-day availability from the rollups as the raw samples do, per day too, with few statements', async () => {
    // 90 days of one sample a minute would be slow to write here: one sample every 6 hours, down
    // for the 4th of every 8 samples, with a target whose interval covers each span.
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    const start = now - 90 * DAY;
    const step = 6 * 3_600_000;
    const before = store.statements;
    let n = 0;
    for (let time = start; time < now; time += step, n++) {
      const level = n % 8 === 3 ? 'critical' : 'ok';
      store.record(sample(time, level, 'long', step), 'http://long/', { level, streak: 0 });
    }
    expect(await store.flush(30_000)).toBe(true);
    // One target's samples follow one another: sample, state, rollups each; BEGIN, the rows
    // locked (and their open spans read) and COMMIT once per batch written together.
    const perSample = (store.statements - before) / n;
    expect(perSample).toBeGreaterThanOrEqual(3);
    expect(perSample).toBeLessThan(3.5);
    const window = { start: start + 1234, end: now - 4321 };
    const raw = availability(await store.levelSamples('long', window.start), window);
    const rolled = await store.availabilityOf('long', window);
    expect(rolled.okMs).toBe(raw.okMs);
    expect(rolled.observedMs).toBe(raw.observedMs);
    expect(rolled.ratio).toBeCloseTo(7 / 8, 2);
    const days = await store.dailyAvailability('long', 90, now);
    expect(days).toHaveLength(90);
    let inDays = 0;
    for (let time = start; time < now; time += step) if (time >= days[0].day) inDays++;
    expect(days.reduce((sum, d) => sum + d.samples, 0)).toBe(inDays);
    expect(days.slice(1, -1).every((d) => d.byLevel.ok + d.byLevel.critical === DAY)).toBe(true);
    const report = await buildReport(store, window, 'long');
    expect(report.targets[0].availability.okMs).toBe(raw.okMs);
    expect(report.targets[0].gapMs).toBe(0);
  });

  it("counts the latest sample's span, not yet rolled up, in the days it covers, up to now", async () => {
    // Down two hours before midnight, an hourly interval, no sample since: the evening is down in
    // yesterday's bar whatever the time of day the test runs at, and today's has no future time.
    const today = Math.floor(Date.now() / DAY) * DAY;
    store.record(sample(today - 4 * 3_600_000, 'ok', 'evening', 3_600_000), 'http://evening/', {
      level: 'ok',
      streak: 0,
    });
    store.record(sample(today - 2 * 3_600_000, 'critical', 'evening', 3_600_000), 'http://evening/', {
      level: 'critical',
      streak: 0,
    });
    expect(await store.flush()).toBe(true);
    const [yesterday, todays] = await store.dailyAvailability('evening', 2);
    expect(yesterday.byLevel).toMatchObject({ ok: 2 * 3_600_000, critical: 2 * 3_600_000 });
    const sinceMidnight = Date.now() - today;
    expect(todays.byLevel.critical).toBeGreaterThan(0);
    expect(todays.byLevel.critical).toBeLessThanOrEqual(Math.min(sinceMidnight, 3_600_000));
  });

  it('refuses a write whose lease epoch is stale, and counts it', async () => {
    const first = await acquire(store.pool, 'member-a', ['fenced'], 60_000);
    expect(first.get('fenced')).toBe(1);
    await schema.pool.query(
      "UPDATE leases SET expires_at = now() - interval '1 second' WHERE target = 'fenced'",
    );
    const second = await acquire(store.pool, 'member-b', ['fenced'], 60_000);
    expect(second.get('fenced')).toBe(2);
    const refused: string[] = [];
    store.onRefused((target) => refused.push(target));
    const { refused: before } = store.writeCounts;
    const state = { level: 'critical' as const, streak: 0 };
    store.record(sample(5000, 'critical', 'fenced'), 'u', state, { at: 5000, to: 'critical' }, [], {
      fence: { member: 'member-a', epoch: 1 },
    });
    store.record(sample(6000, 'ok', 'fenced'), 'u', { level: 'ok', streak: 0 }, { at: 6000, to: 'ok' }, [], {
      fence: { member: 'member-b', epoch: 2 },
    });
    await store.flush();
    expect(store.writeCounts.refused - before).toBe(1);
    expect(refused).toEqual(['fenced']);
    expect(await store.transitions(0, 'fenced')).toMatchObject([{ time: 6000, to: 'ok' }]);
    const { rows } = await schema.pool.query("SELECT member, epoch FROM samples WHERE target = 'fenced'");
    expect(rows).toEqual([{ member: 'member-b', epoch: '2' }]);
  });

  it('writes a batch of many targets set-based: a few statements for all, the stale one refused, a transition in its place', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `many${String(i).padStart(2, '0')}`);
    const leases = await acquire(store.pool, 'member-a', names, 60_000);
    const fence = (name: string) => ({ fence: { member: 'member-a', epoch: leases.get(name)! } });
    const ok = { level: 'ok' as const, streak: 0 };
    // Two rounds of every target, in one batch: the second round's spans close the first's.
    const write = (time: number) => {
      for (const name of names) store.record(sample(time, 'ok', name), 'u', ok, undefined, [], fence(name));
    };
    await store.flush();
    const before = { statements: store.statements, ...store.writeCounts };
    write(10 * MINUTE);
    // A transition amid them, and a write under an epoch this member never held.
    store.record(
      sample(10 * MINUTE, 'critical', 'many-flip'),
      'u',
      { level: 'critical', streak: 0 },
      { at: 10 * MINUTE, to: 'critical' },
    );
    store.record(sample(10 * MINUTE, 'ok', names[0]), 'u', ok, undefined, [], {
      fence: { member: 'member-a', epoch: 99 },
    });
    write(11 * MINUTE);
    expect(await store.flush()).toBe(true);
    const written = store.writeCounts.written - before.written;
    expect(written).toBe(names.length * 2 + 1);
    expect(store.writeCounts.refused - before.refused).toBe(1);
    expect((store.statements - before.statements) / written).toBeLessThan(0.5);
    const { rows } = await schema.pool.query(
      "SELECT target, count(*)::int AS n, min(member) AS member FROM samples WHERE target LIKE 'many%' GROUP BY target ORDER BY target",
    );
    expect(rows).toEqual([
      { target: 'many-flip', n: 1, member: null },
      ...names.map((target) => ({ target, n: 2, member: 'member-a' })),
    ]);
    expect(await store.transitions(0, 'many-flip')).toMatchObject([{ to: 'critical' }]);
    // Each target's first span counted once the second sample closed it: one minute of ok.
    const spans = await schema.pool.query(
      "SELECT target, sum(ms)::int AS ms, sum(samples)::int AS samples FROM rollups WHERE tier = 'minute' AND target LIKE 'many__' GROUP BY target",
    );
    expect(spans.rows).toHaveLength(names.length);
    for (const row of spans.rows) expect(row).toMatchObject({ ms: MINUTE, samples: 2 });
    expect((await store.targets()).find((t) => t.name === names[5])).toMatchObject({ lastTime: 11 * MINUTE });
  });

  it('records an observer gap when a new owner adopts a target nobody polled, apart from up and down', async () => {
    const t0 = Date.now() - 10_000;
    const taken = await acquire(store.pool, 'member-a', ['orphan'], 60_000);
    store.record(sample(t0, 'ok', 'orphan', 1000), 'u', { level: 'ok', streak: 0 }, undefined, [], {
      fence: { member: 'member-a', epoch: taken.get('orphan')! },
    });
    await store.flush();
    await schema.pool.query(
      "UPDATE leases SET expires_at = now() - interval '1 second' WHERE target = 'orphan'",
    );
    const retaken = await acquire(store.pool, 'member-b', ['orphan'], 60_000);
    const adopted = await store.adopt('orphan', 'member-b', retaken.get('orphan')!, t0 + 10_000);
    expect(adopted?.state.level).toBe('ok');
    const { rows } = await schema.pool.query(
      "SELECT start_time, end_time, member FROM gaps WHERE target = 'orphan'",
    );
    expect(rows).toEqual([
      { start_time: String(t0 + 1000), end_time: String(t0 + 10_000), member: 'member-b' },
    ]);
    const found = await store.availabilityOf('orphan', { start: t0 - 60_000, end: t0 + 10_000 });
    expect(found.gapMs).toBe(9000);
    expect(found.okMs).toBe(1000);
    expect(found.byLevel.critical).toBe(0);
    // A stale lease adopts nothing.
    expect(await store.adopt('orphan', 'member-a', 1)).toBeUndefined();
  });

  it('keeps polling writes in a bounded buffer while the database is lost, and writes them when it is back', async () => {
    const proxy = await tcpProxy(5432);
    const url = schema.url.replace('127.0.0.1:5432', `127.0.0.1:${proxy.port}`);
    const viaProxy = await PgHistoryStore.open(url, { log, bufferLimit: 5 });
    try {
      await proxy.cut();
      for (let i = 0; i < 8; i++)
        viaProxy.record(sample(100_000 + i, 'ok', 'buffered'), 'u', { level: 'ok', streak: 0 });
      await until(() => viaProxy.writeCounts.down, 'the store to notice the outage');
      expect(
        lines.some(
          (l) => l.msg.startsWith('history database unreachable') && !JSON.stringify(l).includes('5432/'),
        ),
      ).toBe(true);
      expect(viaProxy.writeCounts).toMatchObject({ buffered: 5, dropped: 3 });
      expect(lines.some((l) => l.msg.startsWith('history buffer full'))).toBe(true);
      proxy.resume();
      await until(
        () => viaProxy.writeCounts.buffered === 0 && !viaProxy.writeCounts.down,
        'the buffer to be written',
      );
      expect(await store.count('samples', 'buffered')).toBe(5);
      expect(lines.some((l) => l.msg.startsWith('history database back'))).toBe(true);
    } finally {
      await viaProxy.close(1000);
      await proxy.close();
    }
  });

  it('refuses a schema from a newer statuskit, and says why the database cannot be used, without the password', async () => {
    await schema.pool.query('INSERT INTO schema_version (version) VALUES (99)');
    await expect(PgHistoryStore.open(schema.url, { log })).rejects.toThrow(
      /schema 99, written by a newer statuskit/,
    );
    await schema.pool.query('DELETE FROM schema_version WHERE version = 99');
    const port = await closedPort();
    const refused = PgHistoryStore.open(`postgres://watch:s3cret@127.0.0.1:${port}/test`, { log });
    await expect(refused).rejects.toThrow(HistoryUnavailableError);
    await expect(refused).rejects.toThrow(
      `cannot connect to history database postgres://watch:***@127.0.0.1:${port}/test: connection refused`,
    );
    const error = (await PgHistoryStore.open('postgres://nobody:s3cret@127.0.0.1:5432/test', { log }).catch(
      (e) => e,
    )) as Error;
    expect(error.message).toMatch(/postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:5432\/test: .*nobody/);
    expect(error.message).not.toContain('s3cret');
  });
});

/** A TCP proxy to a local port whose connections the test can cut, then let through again. */
async function tcpProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  let cut = false;
  const server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    async cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    resume() {
      cut = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
