import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyAuth, createAccess } from '../../src/access/index.js';
import { createStatus, overallStatus, type RunningServer } from '../../src/index.js';
import { gcra, guardStatus, httpLimits, MemoryStore, RateLimiter } from '../../src/limits/index.js';

const POLICY = { name: 'standard', limit: 3, windowMs: 60_000 };

describe('gcra', () => {
  it('allows exactly `limit` at once, then one per interval, and is full again after the window', () => {
    let tat = 0;
    const now = 1_000_000;
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const outcome = gcra(tat, now, POLICY);
      expect(outcome.allowed).toBe(true);
      tat = outcome.tat;
      remaining.push(outcome.remaining);
    }
    expect(remaining).toEqual([2, 1, 0]);
    const refused = gcra(tat, now, POLICY);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 20_000, resetMs: 60_000 });
    expect(gcra(tat, now + 19_999, POLICY).allowed).toBe(false);
    expect(gcra(tat, now + 20_000, POLICY)).toMatchObject({ allowed: true, remaining: 0 });
    expect(gcra(tat, now + 60_000, POLICY)).toMatchObject({ allowed: true, remaining: 2 });
  });
});

describe('memory store eviction', () => {
  // limit 3 per minute: one decision moves a key's TAT 20 s ahead.
  const spend = (store: MemoryStore, key: string, now: number, policy = POLICY) =>
    store.consume(key, policy, now, 1);

  it('drops the least recently used key when full, and keeps the cap', () => {
    const store = new MemoryStore({ maxKeys: 3 });
    spend(store, 'a', 0);
    spend(store, 'b', 0);
    spend(store, 'c', 0);
    spend(store, 'a', 1); // a is now the most recent
    spend(store, 'd', 2); // b goes
    expect(store.size).toBe(3);
    expect(spend(store, 'b', 3).remaining).toBe(2); // forgotten: a full budget again
    expect(spend(store, 'a', 3).remaining).toBe(0); // kept: its third request
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      spend(store, `flood-${i}`, 10);
      largest = Math.max(largest, store.size);
    }
    expect(largest).toBe(3);
  });

  it('drops keys whose budget is full again first, a few per new key', () => {
    const store = new MemoryStore({ maxKeys: 4 });
    for (const key of ['a', 'b', 'c', 'd']) spend(store, key, 0); // TATs at 20 s
    spend(store, 'e', 100_000); // all four are full again: dropped while making room
    expect(store.size).toBe(1);
    const two = new MemoryStore({ maxKeys: 2 });
    spend(two, 'old', 0); // TAT 20 s
    spend(two, 'busy', 50_000); // TAT 70 s
    spend(two, 'new', 60_000);
    expect(two.size).toBe(2);
    expect(spend(two, 'busy', 60_000).remaining).toBe(1); // kept, mid-budget
  });

  it('keeps a caller who hammers past its limit, whatever floods in beside it', () => {
    const store = new MemoryStore({ maxKeys: 10 });
    for (let i = 0; i < 3; i++) spend(store, 'attacker', 0);
    const allowed = new Set<boolean>();
    for (let i = 0; i < 1_000; i++) {
      allowed.add(spend(store, 'attacker', i).allowed);
      spend(store, `fresh-${i}`, i);
    }
    expect([...allowed]).toEqual([false]);
  });

  it('drops a key whose budget is full again before an older one still mid-budget', () => {
    const slow = { name: 'slow', limit: 1, windowMs: 3_600_000 };
    const store = new MemoryStore({ maxKeys: 2 });
    spend(store, 's', 0, slow); // TAT one hour ahead
    spend(store, 'p', 0); // TAT 20 s
    spend(store, 'q', 30_000); // p is full again and goes, not the older s
    expect(spend(store, 's', 30_000, slow).allowed).toBe(false);
    expect(store.size).toBe(2);
  });
});

describe('rate limits on the status endpoint (real HTTP)', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function serveLimited() {
    let now = Date.parse('2024-12-19T12:00:00Z');
    const access = createAccess({
      anonymous: 'summary',
      tiers: { standard: { details: true, messages: false }, premium: { details: true, messages: false } },
      authenticators: [
        apiKeyAuth({
          keys: [
            { key: 'std-key', name: 'alice', tier: 'standard' },
            { key: 'std-key-2', name: 'bob', tier: 'standard' },
            { key: 'premium-key', name: 'carol', tier: 'premium' },
            { key: 'admin-key', name: 'root', tier: 'admin' },
          ],
        }),
      ],
    });
    const status = createStatus({ vocabulary: 'operational', envelope: true, access });
    status.mount('status', overallStatus());
    status.value('version', '1.0.0', { summary: true });
    status.check('components.api', () => true);
    const limiter = new RateLimiter({
      clock: () => now,
      tiers: {
        anonymous: { limit: 2, window: '1m' },
        standard: { limit: 3, window: '1m' },
        premium: { limit: 5, window: '1m' },
        admin: false,
      },
    });
    guardStatus(status, limiter);
    running = await status.listen();
    const url = running.url;
    const get = async (path: string, key?: string) => {
      const response = await fetch(url + path, { headers: key ? { 'x-api-key': key } : {} });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: JSON.parse(text) };
    };
    return { get, advance: (ms: number) => (now += ms) };
  }

  it('answers 429 exactly after the limit, with IETF and X- headers, and resets after the window', async () => {
    const { get, advance } = await serveLimited();
    for (let i = 0; i < 3; i++) {
      const ok = await get('/status', 'std-key');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toBe('"standard";q=3;w=60');
      expect(ok.headers.get('ratelimit')).toBe(`"standard";r=${2 - i};t=${20 * (i + 1)}`);
      expect(ok.headers.get('x-ratelimit-limit')).toBe('3');
      expect(ok.headers.get('x-ratelimit-remaining')).toBe(String(2 - i));
      expect(ok.body.data.account).toEqual({
        tier: 'standard',
        rate_limits: {
          remaining: 2 - i,
          limit: 3,
          reset_time: new Date(Date.parse('2024-12-19T12:00:00Z') + 20_000 * (i + 1))
            .toISOString()
            .replace('.000Z', 'Z'),
        },
      });
    }
    const refused = await get('/status', 'std-key');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('20');
    expect(refused.headers.get('ratelimit')).toBe('"standard";r=0;t=60');
    expect(refused.body).toMatchObject({
      success: false,
      code: 'rate_limited',
      status_code: 429,
      retry_after: 20,
    });
    // Another caller of the same tier has its own budget.
    expect((await get('/status', 'std-key-2')).status).toBe(200);
    advance(60_000);
    const again = await get('/status', 'std-key');
    expect(again.status).toBe(200);
    expect(again.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('applies per-tier limits; anonymous callers are limited by address; probes are exempt', async () => {
    const { get } = await serveLimited();
    const statuses = async (key: string | undefined, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await get('/status', key)).status);
      return out;
    };
    expect(await statuses('premium-key', 6)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(await statuses(undefined, 3)).toEqual([200, 200, 429]);
    for (let i = 0; i < 5; i++) expect((await get('/health/ready')).status).toBe(200);
    const admin = await get('/status', 'admin-key');
    expect(admin.headers.get('ratelimit')).toBeNull();
    expect(admin.body.data.account).toEqual({ tier: 'admin', rate_limits: null });
    // ?path= sees the decorated document.
    const remaining = await get('/status?path=account.rate_limits.limit', 'std-key');
    expect(remaining.body).toBe(3);
  });

  it('limits callers with bad credentials by address too', async () => {
    const { get } = await serveLimited();
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await get('/status', 'wrong-key')).status);
    expect(codes).toEqual([401, 401, 429]);
  });
});

describe('rate limits in front of an application', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  async function listen(server: Server): Promise<string> {
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('node:http wrapper', async () => {
    const limits = httpLimits(new RateLimiter({ tiers: { anonymous: { limit: 2, window: '1h' } } }));
    const url = await listen(createServer(limits.node((_req, res) => res.end('hello'))));
    const first = await fetch(`${url}/api`);
    expect(await first.text()).toBe('hello');
    expect(first.headers.get('ratelimit')).toBe('"anonymous";r=1;t=1800');
    await fetch(`${url}/api`);
    const third = await fetch(`${url}/api`);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1800');
    expect(await third.json()).toMatchObject({ error: 'rate_limited' });
  });

  it('express middleware with callers identified by a header', async () => {
    const limiter = new RateLimiter({
      tiers: { anonymous: { limit: 1, window: '1m' }, gold: { limit: 2, window: '1m' } },
    });
    const app = express();
    app.use(
      httpLimits(limiter, {
        identify: (request) => {
          const user = request.headers['x-user'];
          return typeof user === 'string' ? { id: user, tier: 'gold' } : undefined;
        },
      }).express(),
    );
    app.get('/api', (_req, res) => {
      res.json({ ok: true });
    });
    const url = await listen(createServer(app));
    const codes = async (headers: Record<string, string>, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await fetch(`${url}/api`, { headers })).status);
      return out;
    };
    expect(await codes({ 'x-user': 'u1' }, 3)).toEqual([200, 200, 429]);
    expect(await codes({}, 2)).toEqual([200, 429]);
  });
});
