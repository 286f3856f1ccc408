/**
 * The cluster over NATS JetStream key-value (the server on 127.0.0.1:4222, a bucket per run):
 * statuses in this process, each with its own connection.
 */
import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import { connect, type NatsConnection } from 'nats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClusterMember, createCluster } from '../../src/cluster/index.js';
import { createStatus, type StatusKit } from '../../src/index.js';
import { until } from '../support/wait.js';

function natsAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('INFO')));
    socket.connect(4222, '127.0.0.1');
  });
}

const up = await natsAnswers();
if (!up && process.env.CI === 'true') throw new Error('NATS on 127.0.0.1:4222 is required when CI=true');
if (!up) console.warn('[cluster] NATS on 127.0.0.1:4222 is not reachable: NATS tests skipped');

/** Each test's own bucket, deleted after it. */
let bucket = '';
const members: Array<{ member: ClusterMember; status: StatusKit }> = [];

beforeEach(() => {
  bucket = `statuskit_test_${randomUUID().replace(/-/g, '')}`;
});

afterEach(async () => {
  for (const { member, status } of members.splice(0)) {
    await member.close();
    await status.close();
  }
  const nc: NatsConnection = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.delete(`KV_${bucket}`).catch(() => false);
  await nc.close();
});

async function join(instance: string, options: { publish?: boolean; level?: () => boolean } = {}) {
  const status = createStatus();
  status.check('queue', options.level ?? (() => true));
  const member = await createCluster(status, {
    service: 'orders',
    instance,
    nats: { servers: '127.0.0.1:4222', bucket },
    interval: '200ms',
    ttl: '600ms',
    publish: options.publish,
  });
  members.push({ member, status });
  return member;
}

const seen = (member: ClusterMember) =>
  Object.fromEntries(member.current().instances.map((i) => [i.id, `${i.level}/${i.state}`]));

describe.skipIf(!up)('the cluster over NATS JetStream KV', () => {
  it('gives a newcomer the current reports at once, then every put as it happens', async () => {
    let healthy = true;
    const first = await join('a', { level: () => healthy });
    await join('b');
    const late = await join('c');
    // The watch's initial values: a and b were there before c joined.
    expect(seen(late)).toEqual({ a: 'ok/serving', b: 'ok/serving', c: 'ok/serving' });
    expect(late.current().store).toBe('nats');
    healthy = false;
    await first.refresh();
    await until(async () => {
      await late.refresh();
      return seen(late).a === 'critical/serving';
    }, "c to receive a's new report");
    expect(late.current().components.find((c) => c.path === 'queue')).toMatchObject({
      level: 'warning',
      failing: ['a'],
      reporting: 3,
    });
  });

  it('shows an instance that stopped publishing as missing, and one that closed as leaving', async () => {
    const watcher = await join('watcher');
    const leaver = await join('leaver');
    // A crashed instance: its last report stays in the bucket, and nothing refreshes it.
    const nc = await connect({ servers: '127.0.0.1:4222' });
    const kv = await nc.jetstream().views.kv(bucket);
    const report = {
      v: 1,
      id: 'crashed',
      level: 'ok',
      state: 'serving',
      startedAt: Date.now(),
      elu: 0.1,
      components: {},
    };
    await kv.put('crashed', JSON.stringify(report));
    await nc.close();
    await leaver.close();
    await until(async () => {
      await watcher.refresh();
      return seen(watcher).leaver === 'ok/leaving' && seen(watcher).crashed === 'ok/serving';
    }, "the goodbye and the crashed instance's report");
    // Both expire one TTL after their last put; the goodbye was put after the crashed report, so
    // it may outlive it by the time a close takes. What matters: it is dropped, never missing.
    const leaverStates = new Set<string>();
    await until(async () => {
      await watcher.refresh();
      const now = seen(watcher);
      if (now.leaver) leaverStates.add(now.leaver);
      return now.crashed === 'unknown/missing' && now.leaver === undefined;
    }, 'crashed to be missing and the leaver gone');
    expect([...leaverStates]).toEqual(['ok/leaving']);
  });

  it('serves an observer that reads the view without publishing', async () => {
    await join('web-1');
    const observer = await join('dashboard', { publish: false });
    expect(seen(observer)).toEqual({ 'web-1': 'ok/serving' });
  });
});
