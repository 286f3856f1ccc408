import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMaintenance, parseCron } from '../../src/maintenance/index.js';
import { closeServers, seedStatus, serve } from './harness.js';

const T0 = Date.parse('2024-12-19T12:00:00Z');
const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await closeServers();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('admin endpoint', () => {
  it('starts and ends whole-service maintenance; seed 002 notice; readiness drains', async () => {
    const { call } = await serve(seedStatus());
    expect((await call('GET', '/health/ready')).status).toBe(200);
    const window = {
      message: 'Scheduled maintenance in progress',
      estimated_completion: '2099-12-19T14:00:00Z',
    };
    expect((await call('POST', '/status/maintenance', undefined, window)).status).toBe(401);
    expect((await call('POST', '/status/maintenance', 'reader-key', window)).status).toBe(403);
    expect((await call('POST', '/status/maintenance', 'wrong', window)).status).toBe(401);
    const started = await call('POST', '/status/maintenance', 'admin-key', window);
    expect(started.status).toBe(201);

    const during = await call('GET', '/status', 'reader-key');
    expect(during.status).toBe(503);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(during.body.data.status).toBe('maintenance');
    expect(during.body.data.components).toEqual({ api: 'maintenance', search: 'maintenance' });
    expect(during.body.data.notice).toEqual({
      type: 'maintenance',
      message: 'Scheduled maintenance in progress',
      estimated_completion: '2099-12-19T14:00:00Z',
    });
    // Anonymous callers see the summary, notice included.
    expect((await call('GET', '/status')).body.data.notice.type).toBe('maintenance');
    expect((await call('GET', '/health/ready')).status).toBe(503);
    expect((await call('GET', '/health/live')).status).toBe(200);

    expect((await call('DELETE', '/status/maintenance', 'reader-key')).status).toBe(403);
    const ended = await call('DELETE', '/status/maintenance', 'admin-key');
    expect(ended.status).toBe(200);
    expect(ended.body.ended).toHaveLength(1);
    const after = await call('GET', '/status', 'reader-key');
    expect(after.status).toBe(200);
    expect(after.body.data.status).toBe('operational');
    expect(after.body.data).not.toHaveProperty('notice');
    expect((await call('GET', '/health/ready')).status).toBe(200);
  });

  it('refuses everyone without an access control unless explicitly opened', async () => {
    const closed = await serve(seedStatus(false));
    expect((await closed.call('POST', '/status/maintenance', undefined, { message: 'x' })).status).toBe(403);
    const open = await serve(seedStatus(false), { admin: { allowWithoutAccess: true } });
    expect((await open.call('POST', '/status/maintenance', undefined, { message: 'x' })).status).toBe(201);
  });

  it('accepts query parameters through any adapter, rejects bad input, ends one window by id', async () => {
    const status = seedStatus();
    const maintenance = createMaintenance(status);
    const server = await status.listen();
    try {
      const post = (query: string) =>
        fetch(`${server.url}/status/maintenance?${query}`, {
          method: 'POST',
          headers: { 'x-api-key': 'admin-key' },
        });
      expect((await post('end=not-a-date')).status).toBe(400);
      expect(
        (await post('id=search-upgrade&components=components.search&end=2099-01-01T00:00:00Z')).status,
      ).toBe(201);
      expect((await post('id=search-upgrade')).status).toBe(409);
      const partial = await fetch(`${server.url}/status`, { headers: { 'x-api-key': 'reader-key' } });
      expect(partial.status).toBe(200);
      const body = await partial.json();
      expect(body.data.status).toBe('degraded');
      expect(body.data.components).toEqual({ api: 'operational', search: 'maintenance' });
      expect(body.data.notice).toMatchObject({ type: 'maintenance', components: ['components.search'] });
      expect(maintenance.isActive('components.search')).toBe(true);
      expect(maintenance.isActive('components.api')).toBe(false);
      const del = await fetch(`${server.url}/status/maintenance/search-upgrade`, {
        method: 'DELETE',
        headers: { 'x-api-key': 'admin-key' },
      });
      expect(await del.json()).toEqual({ ended: ['search-upgrade'] });
      expect(maintenance.isActive('components.search')).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('scheduled and recurring windows (injected clock)', () => {
  it('announces, enters and leaves a scheduled window', async () => {
    let now = T0;
    const { call } = await serve(seedStatus(), {
      clock: () => now,
      announce: '1h',
      windows: [
        { id: 'db', message: 'Database upgrade', start: T0 + 2 * 3_600_000, end: T0 + 3 * 3_600_000 },
      ],
    });
    const document = async () => (await call('GET', '/status', 'reader-key')).body.data;
    expect(await document()).not.toHaveProperty('notice');
    now = T0 + 90 * 60_000;
    expect((await document()).notice).toEqual({
      type: 'scheduled_maintenance',
      message: 'Database upgrade',
      start: '2024-12-19T14:00:00Z',
      estimated_completion: '2024-12-19T15:00:00Z',
    });
    expect((await call('GET', '/health/ready')).status).toBe(200);
    now = T0 + 2 * 3_600_000 + 1;
    const during = await call('GET', '/status', 'reader-key');
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('3600');
    expect(during.body.data.notice).toEqual({
      type: 'maintenance',
      message: 'Database upgrade',
      estimated_completion: '2024-12-19T15:00:00Z',
    });
    expect((await call('GET', '/health/ready')).status).toBe(503);
    now = T0 + 3 * 3_600_000;
    const after = await call('GET', '/status', 'reader-key');
    expect(after.status).toBe(200);
    expect(after.body.data).not.toHaveProperty('notice');
  });

  it('runs a weekly window every week', async () => {
    // 2024-12-22 is a Sunday.
    let now = Date.parse('2024-12-22T01:59:00Z');
    const status = seedStatus();
    const maintenance = createMaintenance(status, {
      clock: () => now,
      announce: '0s',
      recurring: [{ id: 'weekly', weekly: { day: 'sun', at: '02:00' }, duration: '30m' }],
    });
    expect(maintenance.isActive()).toBe(false);
    now = Date.parse('2024-12-22T02:10:00Z');
    expect(maintenance.isActive()).toBe(true);
    expect((await status.snapshot()).level).toBe('maintenance');
    now = Date.parse('2024-12-22T02:30:00Z');
    expect(maintenance.isActive()).toBe(false);
    now = Date.parse('2024-12-29T02:00:00Z');
    expect(maintenance.isActive()).toBe(true);
    // Ending the occurrence in progress leaves next week's alone.
    expect(maintenance.end()).toEqual(['weekly@2024-12-29T02:00:00.000Z']);
    expect(maintenance.isActive()).toBe(false);
    now = Date.parse('2025-01-05T02:05:00Z');
    expect(maintenance.isActive()).toBe(true);
  });

  it('parses cron expressions', () => {
    const cron = parseCron('30 2 * * mon-fri');
    expect(new Date(cron.next(Date.parse('2024-12-20T03:00:00Z'))!).toISOString()).toBe(
      '2024-12-23T02:30:00.000Z',
    );
    expect(() => parseCron('61 * * * *')).toThrow(/minute/);
    expect(() => parseCron('* * *')).toThrow(/5 fields/);
  });
});

describe('state file', () => {
  it('windows started at runtime survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'statuskit-maintenance-'));
    dirs.push(dir);
    const stateFile = join(dir, 'maintenance.json');
    const first = createMaintenance(seedStatus(), { stateFile });
    first.start({ id: 'migration', message: 'Migrating', estimatedCompletion: '2099-01-01T00:00:00Z' });
    first.close();
    const restarted = seedStatus();
    const second = createMaintenance(restarted, { stateFile });
    expect(second.isActive()).toBe(true);
    expect((await restarted.snapshot()).level).toBe('maintenance');
    second.end('migration');
    const third = createMaintenance(seedStatus(), { stateFile });
    expect(third.isActive()).toBe(false);
  });
});

describe('admin endpoint bodies through every adapter', () => {
  const window = { message: 'Database upgrade', estimated_completion: '2099-01-01T00:00:00Z' };

  async function expectStarted(base: string) {
    const res = await fetch(`${base}/status/maintenance`, {
      method: 'POST',
      headers: { 'x-api-key': 'admin-key', 'content-type': 'application/json' },
      body: JSON.stringify(window),
    });
    expect(res.status).toBe(201);
    const doc = (await (
      await fetch(`${base}/status`, { headers: { 'x-api-key': 'reader-key' } })
    ).json()) as any;
    expect(doc.data.notice).toEqual({
      type: 'maintenance',
      message: 'Database upgrade',
      estimated_completion: '2099-01-01T00:00:00Z',
    });
    const big = await fetch(`${base}/status/maintenance`, {
      method: 'POST',
      headers: { 'x-api-key': 'admin-key', 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'x'.repeat(20_000) }),
    });
    expect(big.status).toBe(413);
  }

  it('status.nodeListener() reads JSON bodies itself, and leaves the app its bodies', async () => {
    const status = seedStatus();
    createMaintenance(status, {});
    let appBody = '';
    const server = createServer(
      status.nodeListener((req, res) => {
        req.on('data', (c) => (appBody += c));
        req.on('end', () => res.end('app'));
      }),
    );
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await expectStarted(base);
    await fetch(`${base}/orders`, { method: 'POST', body: 'order=42' });
    expect(appBody).toBe('order=42');
  });

  it('Express with express.json() before statuskit', async () => {
    const { default: express } = await import('express');
    const status = seedStatus();
    createMaintenance(status, {});
    const app = express();
    app.use(express.json({ limit: '100kb' }));
    app.use(status.express());
    const server = createServer(app);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await fetch(`${base}/status/maintenance`, {
      method: 'POST',
      headers: { 'x-api-key': 'admin-key', 'content-type': 'application/json' },
      body: JSON.stringify(window),
    });
    expect(res.status).toBe(201);
  });

  it('the fetch handler (Hono, Workers)', async () => {
    const status = seedStatus();
    createMaintenance(status, {});
    const handle = status.fetch();
    const res = await handle(
      new Request('http://x/status/maintenance', {
        method: 'POST',
        headers: { 'x-api-key': 'admin-key', 'content-type': 'application/json' },
        body: JSON.stringify(window),
      }),
    );
    expect(res?.status).toBe(201);
    const doc = (await (await handle(
      new Request('http://x/status', { headers: { 'x-api-key': 'reader-key' } }),
    ))!.json()) as any;
    expect(doc.data.notice.message).toBe('Database upgrade');
  });
});
