import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createStatus, type RunningServer } from '../../src/index.js';
import { guardStatus, RateLimiter, type RedisStore, redisStore } from '../../src/limits/index.js';
import { freePort, redisServerInstalled, sharedRedisAvailable, ThrowawayRedis } from './redis-env.js';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./redis-worker.ts', import.meta.url));
const shared = await sharedRedisAvailable();

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

const stores: RedisStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

async function store(url: string, prefix = `statuskit-test:${randomUUID()}:`): Promise<RedisStore> {
  const created = await redisStore({ url, prefix, timeoutMs: 500 });
  stores.push(created);
  return created;
}

describe.skipIf(!shared)('Redis store shared by two limiter processes', () => {
  it('two processes spend one budget: exactly `limit` decisions are allowed in total', async () => {
    const prefix = `statuskit-test:${randomUUID()}:`;
    const spawnWorker = () =>
      run(process.execPath, ['--import', 'tsx', worker, 'redis://127.0.0.1:6379', prefix, '8'], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
      });
    const [a, b] = await Promise.all([spawnWorker(), spawnWorker()]);
    const allowed = JSON.parse(a.stdout).allowed + JSON.parse(b.stdout).allowed;
    expect(allowed).toBe(10);
  });

  it('reports the same numbers as the in-memory store', async () => {
    const redis = await store('redis://127.0.0.1:6379');
    await waitUntil(async () =>
      redis.ping().then(
        () => true,
        () => false,
      ),
    );
    const limiter = new RateLimiter({ store: redis, tiers: { anonymous: { limit: 3, window: '1m' } } });
    const subject = { key: 'one', tier: 'anonymous' };
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.consume(subject));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(Math.round(decisions[3].retryAfterMs / 1000)).toBe(20);
  });
});

describe('Redis unreachable', () => {
  let running: RunningServer | undefined;
  afterAll(async () => {
    await running?.close();
  });

  it('fails open with a warning component in the status', async () => {
    const port = await freePort();
    const limiter = new RateLimiter({
      store: await store(`redis://127.0.0.1:${port}`),
      tiers: { anonymous: { limit: 1, window: '1m' } },
    });
    const status = createStatus({ vocabulary: 'operational' });
    status.check('components.api', () => true);
    guardStatus(status, limiter);
    running = await status.listen();
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${running.url}/status`);
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.rateLimiter.status).toBe('degraded');
      expect(body.status).toBe('degraded');
    }
    expect(limiter.storeFailure?.error).toBeTruthy();
  });

  it('fails closed with 503 and Retry-After when configured', async () => {
    const port = await freePort();
    const limiter = new RateLimiter({
      store: await store(`redis://127.0.0.1:${port}`),
      onStoreFailure: 'closed',
      tiers: { anonymous: { limit: 100, window: '1m' } },
    });
    const status = createStatus();
    guardStatus(status, limiter, { component: false });
    const server = await status.listen();
    try {
      const response = await fetch(`${server.url}/status`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toMatchObject({ error: 'rate_limit_unavailable' });
    } finally {
      await server.close();
    }
  });
});

const canSpawn = await redisServerInstalled();
if (!canSpawn && process.env.CI === 'true') throw new Error('redis-server is required when CI=true');

describe.skipIf(!canSpawn)('Redis stopped and restarted', () => {
  it('fails open while Redis is down and recovers when it returns', async () => {
    const redis = new ThrowawayRedis(await freePort());
    await redis.start();
    try {
      const limiter = new RateLimiter({
        store: await store(`redis://127.0.0.1:${redis.port}`),
        tiers: { anonymous: { limit: 2, window: '1h' } },
      });
      const check = limiter.healthCheck();
      const signal = new AbortController().signal;
      const subject = { key: 'k', tier: 'anonymous' };
      await waitUntil(async () => !(await limiter.consume(subject)).storeFailed);
      expect(await check({ signal })).toMatchObject({ level: 'ok' });

      await redis.stop();
      const down = await limiter.consume(subject);
      expect(down).toMatchObject({ allowed: true, storeFailed: true });
      expect(await check({ signal })).toMatchObject({ level: 'warning' });

      await redis.start();
      // ioredis reconnects by itself; the health check sees it without traffic.
      await waitUntil(async () => (await check({ signal })) && limiter.storeFailure === undefined);
      // A fresh server has no state: the budget starts over, and is enforced again.
      const after = [
        await limiter.consume(subject),
        await limiter.consume(subject),
        await limiter.consume(subject),
      ];
      expect(after.map((d) => [d.allowed, d.storeFailed ?? false])).toEqual([
        [true, false],
        [true, false],
        [false, false],
      ]);
    } finally {
      await redis.stop();
    }
  });
});
