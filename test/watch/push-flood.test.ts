/**
 * A flood of pings on a push target, through the watcher's real `--serve`: every ping is answered,
 * but the target is judged (and a sample written) at most once a second, and the last ping of the
 * flood is the one judged.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/client/log.js';
import { validateWatchConfig } from '../../src/watch/config.js';
import { planWatch } from '../../src/watch/plan.js';
import { serveWatcher } from '../../src/watch/status-server.js';
import { PING_JUDGE_GAP_MS, type TargetView, Watcher } from '../../src/watch/watcher.js';

const TOKEN = 'flooded-job-0123456789';
let watcher: Watcher;
let served: Awaited<ReturnType<typeof serveWatcher>>;
let origin: string;
const judged: TargetView[] = [];

beforeAll(async () => {
  const read = validateWatchConfig(
    { serve: 0, targets: { job: { push: { token: TOKEN, period: '1h', grace: '5m' } } } },
    {},
  );
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  const plan = planWatch({ urls: [], layer: {} }, read.config);
  watcher = new Watcher({
    targets: plan.targets,
    log: createLogger({ format: 'json', write: () => {} }),
    retainMs: plan.retainMs,
    hooks: { timeoutMs: 1000, retries: 0, backoffMs: 10 },
  });
  watcher.subscribe({ sampled: (view) => judged.push(view) });
  served = await serveWatcher(watcher, { host: '127.0.0.1', port: 0 });
  origin = new URL(served.urls()[0]).origin;
  watcher.start();
});

afterAll(async () => {
  await served?.close();
  await watcher?.stop(100);
});

const ping = (query = '') => fetch(`${origin}/push/${TOKEN}${query}`, { method: 'POST' });

it('answers every ping of a flood, judges the target at most once a second, the last ping last', async () => {
  // The first judgement: the start's poll (waiting for a first ping).
  while (judged.length === 0) await new Promise((resolve) => setImmediate(resolve));
  const startedAt = Date.now();
  const before = judged.length;
  // 10 connections, 40 pings each, as fast as they go: a job in a tight loop.
  const statuses = await Promise.all(
    Array.from({ length: 10 }, async () => {
      const seen: number[] = [];
      for (let i = 0; i < 40; i++) seen.push((await ping()).status);
      return seen;
    }),
  );
  expect(statuses.flat()).toHaveLength(400);
  expect(statuses.flat().every((status) => status === 200)).toBe(true);
  const failed = await ping(`?status=fail&message=${encodeURIComponent('disk full')}`);
  expect(failed.status).toBe(200);
  // The failed run is judged at the end of its gap: wait for that event, not for a time.
  while (judged.at(-1)?.last?.level !== 'critical') await new Promise((resolve) => setTimeout(resolve, 20));
  const elapsedMs = Date.now() - startedAt;
  const judgements = judged.length - before;
  // At most one judgement a gap (and one at the flood's first ping, before any gap ran).
  expect(judgements).toBeLessThanOrEqual(Math.ceil(elapsedMs / PING_JUDGE_GAP_MS) + 1);
  expect(judgements).toBeGreaterThanOrEqual(1);
  expect(judged.at(-1)?.last?.message).toContain('disk full');
});
