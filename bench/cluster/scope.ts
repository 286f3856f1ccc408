/**
 * `GET /status?scope=cluster` with 50 instances in the view, against the single-instance `/status`
 * of the same status in the same run: µs per request through the status handler (no network), and
 * the store calls the member made meanwhile (one per interval, whatever the number of requests).
 * The other 49 instances' reports are published to the shared Redis under a fresh prefix.
 * Run: node --import tsx bench/cluster/scope.ts
 *   (targets: ?scope=cluster <= 2x /status per request; store calls = intervals elapsed + 1)
 */
import { randomUUID } from 'node:crypto';
import {
  type ClusterStore,
  createCluster,
  type InstanceReport,
  redisClusterStore,
} from '../../src/cluster/index.js';
import { createStatus, type StatusRequest } from '../../src/index.js';
import { median, printTable, verdict } from '../lib.js';

const INSTANCES = 50;
const COMPONENTS = 20;
const REQUESTS = 20_000;
const ROUNDS = 9;
const INTERVAL_MS = 1000;

const settings = { service: 'bench', forgetMs: 600_000, timeoutMs: 2000 };
const redis = { url: 'redis://127.0.0.1:6379', prefix: `statuskit-bench:${randomUUID()}:` };

function report(i: number): InstanceReport {
  const components: Record<string, 'ok' | 'critical'> = {};
  for (let c = 0; c < COMPONENTS; c++)
    components[`component${c}`] = c === 0 && i % 10 === 0 ? 'critical' : 'ok';
  return {
    v: 1,
    id: `web-${i}`,
    level: 'ok',
    state: 'serving',
    version: '1.0.0',
    startedAt: Date.now(),
    elu: 0.1,
    components,
  };
}

/** Counts the member's exchanges with the store. */
function counting(store: ClusterStore): ClusterStore & { calls: number } {
  const counted = {
    kind: store.kind,
    calls: 0,
    exchange(r: InstanceReport | undefined) {
      counted.calls++;
      return store.exchange(r);
    },
    close: () => store.close(),
  };
  return counted;
}

async function main(): Promise<void> {
  const others = await redisClusterStore(redis, settings);
  for (let i = 1; i < INSTANCES; i++) await others.exchange(report(i));
  const status = createStatus();
  // Cached checks, as a status under load has them: its own document is then served from bytes.
  for (let c = 0; c < COMPONENTS; c++) status.check(`component${c}`, () => 'ok', { cache: '1h' });
  const store = counting(await redisClusterStore(redis, settings));
  const member = await createCluster(status, {
    service: 'bench',
    instance: 'web-0',
    store,
    interval: `${INTERVAL_MS}ms`,
  });
  await member.refresh();
  const view = member.current();
  if (view.instances.length !== INSTANCES)
    throw new Error(`expected ${INSTANCES} instances, got ${view.instances.length}`);

  const perRequest = async (url: string) => {
    const request: StatusRequest = { method: 'GET', url, headers: {} };
    const start = process.hrtime.bigint();
    for (let i = 0; i < REQUESTS; i++) {
      // Let timers run now and then (the member's interval), as a server's I/O would.
      if (i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
      const response = await status.handle(request);
      if (response?.status !== 200) throw new Error(`${url}: ${response?.status}`);
    }
    return Number(process.hrtime.bigint() - start) / REQUESTS / 1000;
  };
  const started = Date.now();
  const callsBefore = store.calls;
  await perRequest('/status');
  await perRequest('/status?scope=cluster');
  const single: number[] = [];
  const cluster: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    single.push(await perRequest('/status'));
    cluster.push(await perRequest('/status?scope=cluster'));
  }
  const elapsedMs = Date.now() - started;
  const calls = store.calls - callsBefore;
  const requests = REQUESTS * (ROUNDS + 1) * 2;
  const ratio = median(cluster) / median(single);
  printTable(`${INSTANCES} instances x ${COMPONENTS} components, ${ROUNDS} rounds of ${REQUESTS} requests`, [
    ['door', 'µs per request (median)', 'bytes'],
    [
      '/status (this instance)',
      median(single).toFixed(2),
      String(
        (await status.handle({ method: 'GET', url: '/status', headers: {} }))!.headers['content-length'],
      ),
    ],
    [
      '/status?scope=cluster',
      median(cluster).toFixed(2),
      String(
        (await status.handle({ method: 'GET', url: '/status?scope=cluster', headers: {} }))!.headers[
          'content-length'
        ],
      ),
    ],
  ]);
  verdict('?scope=cluster per request vs /status', `${ratio.toFixed(2)}x`, '<= 2x', ratio <= 2);
  const intervals = Math.floor(elapsedMs / INTERVAL_MS);
  verdict(
    'store calls while serving',
    `${calls} for ${requests} requests in ${(elapsedMs / 1000).toFixed(1)} s`,
    `one per ${INTERVAL_MS} ms interval (<= ${intervals + 1})`,
    calls <= intervals + 1,
  );
  await member.close();
  await others.close();
}

await main();
