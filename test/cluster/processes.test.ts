/**
 * Three real `statuskit serve` processes of one service over the shared Redis, all checking one
 * dependency the test controls. Processes, because SIGSTOP, SIGKILL and SIGTERM need them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFile, type RunningAgent, serve } from '../cli/spawn.js';
import { sharedRedisAvailable } from '../limits/redis-env.js';
import { until } from '../support/wait.js';

const shared = await sharedRedisAvailable();
const NAMES = ['web-1', 'web-2', 'web-3'] as const;
type Name = (typeof NAMES)[number];

/** The shared dependency: answers 503 to the instances it is broken for. */
const broken = new Set<Name | 'all'>();
let dependency: Server;
const agents = new Map<Name, RunningAgent>();

function configOf(name: Name, port: number, prefix: string): string {
  return `
identity: { name: shop, version: 2.0.${NAMES.indexOf(name)} }
vitals: false
dashboard: false
live: false
components:
  database:
    check: http
    url: http://127.0.0.1:${port}/db/${name}
    interval: 100ms
    timeout: 1s
cluster:
  instance: ${name}
  redis: { url: redis://127.0.0.1:6379, prefix: "${prefix}" }
  interval: 250ms
  ttl: 1s
`;
}

async function json(agent: RunningAgent, path: string) {
  const response = await fetch(`${agent.base}${path}`);
  return { status: response.status, body: await response.json() };
}

interface InstanceEntry {
  id: string;
  status: string;
  state: string;
}

async function instancesSeenBy(name: Name): Promise<Record<string, string>> {
  const { body } = await json(agents.get(name)!, '/status?scope=cluster');
  return Object.fromEntries((body.instances as InstanceEntry[]).map((i) => [i.id, `${i.status}/${i.state}`]));
}

/** Waits until `name`'s view shows these instances (and no others) like this. */
async function viewBecomes(name: Name, expected: Record<string, string>, what: string) {
  let last: Record<string, string> = {};
  await until(
    async () => {
      last = await instancesSeenBy(name);
      return JSON.stringify(last) === JSON.stringify(expected);
    },
    () => `${what} (last seen by ${name}: ${JSON.stringify(last)})`,
  );
}

const allServing = { 'web-1': 'ok/serving', 'web-2': 'ok/serving', 'web-3': 'ok/serving' };

describe.skipIf(!shared)('three statuskit processes of one service', () => {
  beforeAll(async () => {
    dependency = createServer((req, res) => {
      const who = req.url?.split('/').pop() as Name;
      res.writeHead(broken.has('all') || broken.has(who) ? 503 : 200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => dependency.listen(0, '127.0.0.1', resolve));
    const { port } = dependency.address() as AddressInfo;
    const prefix = `statuskit-test:${randomUUID()}:`;
    const started = await Promise.all(
      NAMES.map((name) => serve(['--config', configFile(configOf(name, port, prefix))])),
    );
    for (const [i, name] of NAMES.entries()) agents.set(name, started[i]);
    for (const name of NAMES) await viewBecomes(name, allServing, 'every instance to see all three');
  }, 60_000);

  afterAll(async () => {
    for (const agent of agents.values()) {
      agent.child.kill('SIGCONT');
      agent.child.kill('SIGKILL');
    }
    await new Promise((resolve) => dependency?.close(resolve));
  });

  it('lists the instances as the service sees them, from any instance', async () => {
    const { status, body } = await json(agents.get('web-2')!, '/status?scope=cluster');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      service: 'shop',
      quorum: { rule: 'majority', required: 2, up: 3, total: 3 },
      components: { database: { status: 'ok', failingOn: '0/3' } },
      versions: { '2.0.0': 1, '2.0.1': 1, '2.0.2': 1 },
    });
    // The URL list of `serve` names the door.
    expect(agents.get('web-1')!.urls).toContain(`${agents.get('web-1')!.base}/status?scope=cluster`);
  });

  it('shows a stopped instance (SIGSTOP) as unknown within the TTL, never down, and back after SIGCONT', async () => {
    const stopped = agents.get('web-3')!;
    stopped.child.kill('SIGSTOP');
    const missing = { ...allServing, 'web-3': 'unknown/missing' };
    await viewBecomes('web-1', missing, 'web-3 to be missing');
    const { body } = await json(agents.get('web-1')!, '/status?scope=cluster');
    expect(body).toMatchObject({ status: 'warning', quorum: { up: 2, total: 3 } });
    stopped.child.kill('SIGCONT');
    await viewBecomes('web-1', allServing, 'web-3 to be back');
  });

  it('keeps every readiness up, degraded, when the shared dependency fails for all', async () => {
    broken.add('all');
    for (const name of NAMES) {
      await until(async () => {
        const ready = await json(agents.get(name)!, '/health/ready');
        return ready.status === 200 && ready.body.reason === 'degraded: database failing on 3/3 instances';
      }, `${name} to hold readiness up`);
    }
    const { body } = await json(agents.get('web-1')!, '/status?scope=cluster');
    expect(body).toMatchObject({
      status: 'critical',
      components: { database: { status: 'critical', failingOn: '3/3', failing: [...NAMES] } },
    });
    // Readiness says degraded; the document still says what is wrong.
    expect((await json(agents.get('web-2')!, '/status')).status).toBe(503);
    broken.delete('all');
    for (const name of NAMES) await viewBecomes(name, allServing, 'the dependency to be back for all');
  });

  it('takes an instance whose dependency fails alone out of readiness, and only it', async () => {
    broken.add('web-2');
    await until(
      async () => (await json(agents.get('web-2')!, '/health/ready')).status === 503,
      'web-2 not ready',
    );
    await viewBecomes('web-2', { ...allServing, 'web-2': 'critical/serving' }, 'web-2 to see itself failing');
    expect((await json(agents.get('web-2')!, '/health/ready')).body).toEqual({ status: 'critical' });
    for (const name of ['web-1', 'web-3'] as const)
      expect(await json(agents.get(name)!, '/health/ready')).toEqual({ status: 200, body: { status: 'ok' } });
    broken.delete('web-2');
    await until(
      async () => (await json(agents.get('web-2')!, '/health/ready')).status === 200,
      'web-2 ready again',
    );
  });

  it('shows a killed instance (SIGKILL) as unknown, and a stopping one (SIGTERM) as leaving, then gone', async () => {
    const killed = agents.get('web-3')!;
    killed.child.kill('SIGKILL');
    await viewBecomes('web-1', { ...allServing, 'web-3': 'unknown/missing' }, 'web-3 to be missing');
    const leaving = agents.get('web-2')!;
    const sawLeaving = viewBecomes(
      'web-1',
      { 'web-1': 'ok/serving', 'web-2': 'ok/leaving', 'web-3': 'unknown/missing' },
      'web-2 to be leaving',
    );
    await leaving.stop();
    await sawLeaving;
    await viewBecomes('web-1', { 'web-1': 'ok/serving', 'web-3': 'unknown/missing' }, 'web-2 to be gone');
    const { body } = await json(agents.get('web-1')!, '/status?scope=cluster');
    // A majority of the one instance counted (web-3, missing): unknown, not critical.
    expect(body).toMatchObject({ status: 'unknown', quorum: { up: 1, total: 2, required: 2 } });
  });
});
