/**
 * Three statuses in this process, each with its own Redis connection, meeting in the shared Redis
 * under a prefix of their own; and a throwaway redis-server where the test must count commands or
 * take Redis away.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClusterMember,
  type ClusterOptions,
  createCluster,
  redisClusterStore,
} from '../../src/cluster/index.js';
import {
  apiKeyAuth,
  createAccess,
  createStatus,
  type RunningServer,
  type StatusKit,
} from '../../src/index.js';
import { freePort, sharedRedisAvailable, ThrowawayRedis } from '../limits/redis-env.js';
import { hostileReports } from './reports.js';

const shared = await sharedRedisAvailable();
const run = promisify(execFile);

interface Instance {
  status: StatusKit;
  member: ClusterMember;
  server: RunningServer;
  db: { ok: boolean };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function instance(name: string, options: Partial<ClusterOptions> & Pick<ClusterOptions, 'redis'>) {
  const db = { ok: true };
  const status = createStatus(options.version ? { identity: { version: options.version } } : {});
  status.check('postgres', () => db.ok);
  const member = await createCluster(status, { service: 'shop', instance: name, interval: '1h', ...options });
  const server = await status.listen();
  cleanups.push(async () => {
    await member.close();
    await status.close();
  });
  return { status, member, server, db } satisfies Instance;
}

async function fleet(count: number, options: Partial<ClusterOptions> & Pick<ClusterOptions, 'redis'>) {
  const instances: Instance[] = [];
  for (let i = 1; i <= count; i++) instances.push(await instance(`web-${i}`, options));
  // Every instance publishes once more, so each one's view holds all the others.
  for (const one of instances) await one.member.refresh();
  for (const one of instances) await one.member.refresh();
  return instances;
}

async function get(server: RunningServer, path: string, init?: RequestInit) {
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: text ? JSON.parse(text) : undefined,
    headers: response.headers,
  };
}

const sharedRedis = () => ({ url: 'redis://127.0.0.1:6379', prefix: `statuskit-test:${randomUUID()}:` });

describe.skipIf(!shared)('the cluster view over the shared Redis', () => {
  it('shows the service: every instance, its level and version, and which components fail where', async () => {
    const [one, two, three] = await fleet(3, { redis: sharedRedis() });
    three.db.ok = false;
    await three.member.refresh();
    await one.member.refresh();
    const { status, body } = await get(one.server, '/status?scope=cluster');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'warning',
      service: 'shop',
      reason: '1 of 3 instances not ok',
      quorum: { rule: 'majority', required: 2, up: 2, total: 3 },
      components: { postgres: { status: 'warning', failing: ['web-3'], failingOn: '1/3' } },
      store: 'redis',
    });
    expect(
      body.instances.map((i: { id: string; status: string; self?: boolean }) => [i.id, i.status, i.self]),
    ).toEqual([
      ['web-1', 'ok', true],
      ['web-2', 'ok', undefined],
      ['web-3', 'critical', undefined],
    ]);
    // Each instance's own document carries the summary; the instance answers for itself.
    const own = await get(two.server, '/status');
    expect(own.body.status).toBe('ok');
    expect(own.body.cluster).toMatchObject({ status: 'ok', quorum: { up: 3, total: 3 } });
  });

  it("answers ?scope=cluster from the cached merge, with the status route's manners", async () => {
    const [one] = await fleet(2, { redis: sharedRedis() });
    const first = await get(one.server, '/status?scope=cluster');
    const again = await get(one.server, '/status?scope=cluster');
    expect(again.text).toBe(first.text);
    expect((await get(one.server, '/status?scope=cluster&pretty')).text).toBe(
      `${JSON.stringify(first.body, null, 2)}`,
    );
    const head = await fetch(`${one.server.url}/status?scope=cluster`, { method: 'HEAD' });
    expect([head.status, await head.text(), head.headers.get('content-length')]).toEqual([
      200,
      '',
      String(Buffer.byteLength(first.text)),
    ]);
    const post = await get(one.server, '/status?scope=cluster', { method: 'POST' });
    expect([post.status, post.headers.get('allow'), post.body.error]).toEqual([
      405,
      'GET, HEAD',
      'method_not_allowed',
    ]);
    expect(await get(one.server, '/status?scope=fleet')).toMatchObject({
      status: 400,
      body: {
        error: 'bad_request',
        message: 'query parameter "scope" must be cluster or instance, got "fleet"',
      },
    });
    expect((await get(one.server, '/status?scope=cluster&path=instances')).status).toBe(400);
    expect((await get(one.server, '/status?scope=cluster&pretty=maybe')).status).toBe(400);
    // The instance's own document, as without a scope.
    const instance = await get(one.server, '/status?scope=instance');
    expect(Object.keys(instance.body)).toEqual(['status', 'postgres', 'cluster', 'durationMs']);
  });

  it('shows callers what their tier may see: the level and counts without details', async () => {
    const access = createAccess({
      anonymous: 'summary',
      authenticators: [apiKeyAuth({ keys: [{ key: 'reader-key', name: 'monitor', tier: 'reader' }] })],
    });
    const status = createStatus({ access });
    status.check('postgres', () => true);
    const member = await createCluster(status, { service: 'shop', instance: 'solo', redis: sharedRedis() });
    const server = await status.listen();
    cleanups.push(async () => {
      await member.close();
      await status.close();
    });
    const anonymous = await get(server, '/status?scope=cluster');
    expect(anonymous.body).toEqual({
      status: 'ok',
      service: 'shop',
      quorum: { rule: 'majority', required: 1, up: 1, total: 1 },
    });
    const reader = await get(server, '/status?scope=cluster', { headers: { 'x-api-key': 'reader-key' } });
    expect(reader.body.instances).toHaveLength(1);
    const wrong = await get(server, '/status?scope=cluster', { headers: { 'x-api-key': 'nope' } });
    expect(wrong.status).toBe(401);
  });

  it('keeps readiness up, degraded, when the shared dependency fails everywhere; one failing alone goes not-ready', async () => {
    const instances = await fleet(3, { redis: sharedRedis() });
    for (const one of instances) one.db.ok = false;
    for (const one of instances) await one.member.refresh();
    for (const one of instances) await one.member.refresh();
    for (const one of instances) {
      expect(await get(one.server, '/health/ready')).toMatchObject({
        status: 200,
        body: { status: 'warning', reason: 'degraded: postgres failing on 3/3 instances' },
      });
    }
    for (const one of instances.slice(1)) one.db.ok = true;
    for (const one of [...instances.slice(1), instances[0]]) await one.member.refresh();
    expect(await get(instances[0].server, '/health/ready')).toMatchObject({
      status: 503,
      body: { status: 'critical' },
    });
    expect((await get(instances[1].server, '/health/ready')).status).toBe(200);
  });

  it('keeps answering whatever a writer leaves in the store: 300 seeded hostile entries', async () => {
    const redis = sharedRedis();
    const [one] = await fleet(1, { redis });
    const client = new Redis(redis.url);
    const [reports, seen] = [`${redis.prefix}{shop}:reports`, `${redis.prefix}{shop}:seen`];
    const texts = hostileReports(23_002, 240, 'x');
    const scores = ['+inf', '-inf', '0', '1e300', String(Date.now() + 3_600_000)];
    const batch = client.multi();
    texts.forEach((text, i) => {
      // Stored under its own name (`x`) once; under other names it is refused by name.
      const id = i === 0 ? 'x' : `h-${i}`;
      batch.hset(reports, id, text.replace('"id":"x"', `"id":"${id}"`));
      batch.zadd(seen, i % 7 === 0 ? scores[i % scores.length] : String(Date.now()), id);
    });
    for (let i = 0; i < 60; i++) {
      const id = i % 2 ? `bad id ${i}` : `z-${i}`;
      batch.hset(reports, id, i % 3 ? '{"v":1' : 'x'.repeat(70_000));
      batch.zadd(seen, String(Date.now()), id);
    }
    await batch.exec();
    await client.quit();
    await one.member.refresh();
    const view = await get(one.server, '/status?scope=cluster');
    expect(view.status).toBeLessThan(500);
    const ids: string[] = view.body.instances.map((i: { id: string }) => i.id);
    expect(ids).toContain('web-1');
    expect(ids.some((id) => id.startsWith('z-') || id.startsWith('bad'))).toBe(false);
    for (const instance of view.body.instances) expect(typeof instance.ageMs).toBe('number');
    for (const path of ['/status', '/health/ready', '/status?scope=cluster&pretty']) {
      const answer = await get(one.server, path);
      expect([200, 503]).toContain(answer.status);
    }
  });

  it('refuses names that are not safe keys, and bad settings, by option name', async () => {
    const status = createStatus();
    await expect(createCluster(status, { service: 'shop one', redis: sharedRedis() })).rejects.toThrow(
      /^cluster\.service: expected 1-128 letters/,
    );
    await expect(createCluster(status, { ok: 'most', redis: sharedRedis() })).rejects.toThrow(
      /^cluster\.ok:/,
    );
    await expect(createCluster(status, { interval: '5', redis: sharedRedis() })).rejects.toThrow(
      'cluster.interval: "5" has no unit; did you mean 5s?',
    );
    await expect(createCluster(status, { guard: { percent: 0 }, redis: sharedRedis() })).rejects.toThrow(
      /^cluster\.guard\.percent/,
    );
    await expect(createCluster(status, {})).rejects.toThrow('give exactly one of `redis`, `nats` or `store`');
  });
});

describe.skipIf(!shared)('the cluster over a Redis of its own', () => {
  async function throwaway(): Promise<{ redis: ThrowawayRedis; url: string; port: number }> {
    const port = await freePort();
    const redis = new ThrowawayRedis(port);
    await redis.start();
    cleanups.push(() => redis.stop());
    return { redis, url: `redis://127.0.0.1:${port}`, port };
  }

  async function scriptCalls(port: number): Promise<number> {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'INFO', 'commandstats']);
    return [...stdout.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
  }

  it('publishes with one Redis call per interval and instance, whatever the number of requests', async () => {
    const { url, port } = await throwaway();
    const instances = await fleet(3, { redis: url });
    const before = await scriptCalls(port);
    for (let i = 0; i < 40; i++) {
      for (const one of instances) {
        await get(one.server, '/status?scope=cluster');
        await get(one.server, '/health/ready');
        await get(one.server, '/status');
      }
    }
    expect(await scriptCalls(port)).toBe(before);
    for (const one of instances) await one.member.refresh();
    expect(await scriptCalls(port)).toBe(before + 3);
  });

  it('answers for itself with a clear `cluster: unknown` while Redis is away, and recovers', async () => {
    const { redis, url } = await throwaway();
    const [one, two] = await fleet(2, { redis: url });
    await redis.stop();
    await one.member.refresh();
    const own = await get(one.server, '/status');
    expect(own.status).toBe(200);
    expect(own.body.status).toBe('ok');
    expect(own.body.cluster).toMatchObject({ status: 'unknown', quorum: { rule: 'majority' } });
    expect(own.body.cluster.reason).toMatch(/^cluster store unreachable: /);
    const view = await get(one.server, '/status?scope=cluster');
    expect(view.body).toMatchObject({ status: 'unknown', instances: [] });
    // No view, no guard: both failing is, for each, as good as failing alone.
    one.db.ok = false;
    two.db.ok = false;
    await two.member.refresh();
    expect((await get(two.server, '/health/ready')).status).toBe(503);
    await redis.start();
    one.db.ok = true;
    two.db.ok = true;
    await until(async () => {
      await one.member.refresh();
      await two.member.refresh();
      await one.member.refresh();
      return one.member.current().up === 2;
    });
    expect((await get(one.server, '/status')).body.cluster).toMatchObject({ status: 'ok' });
  });

  it('is joined by an observer that reads the view without publishing', async () => {
    const { url } = await throwaway();
    await fleet(2, { redis: url });
    const store = await redisClusterStore({ url }, { service: 'shop', forgetMs: 60_000, timeoutMs: 1000 });
    const observed = await store.exchange(undefined);
    await store.close();
    expect(observed.map((entry) => entry.report.id).sort()).toEqual(['web-1', 'web-2']);
  });
});

async function until(predicate: () => Promise<boolean>, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
