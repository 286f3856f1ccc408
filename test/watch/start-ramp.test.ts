/**
 * The first polls of a started watcher: a handful of targets are polled at once, a thousand are
 * spread (one a millisecond at most) instead of all arriving at the target in the same instant,
 * and again one interval later. Observed where it matters: at a real HTTP server the targets share.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/client/log.js';
import { validateWatchConfig } from '../../src/watch/config.js';
import { planWatch } from '../../src/watch/plan.js';
import { Watcher } from '../../src/watch/watcher.js';

let server: Server;
let base: string;
/** Arrival time of each target's first poll, by its path (`/t12`). */
let arrivals = new Map<string, number>();
let expected = 0;
let arrived: () => void = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    arrivals.set(req.url ?? '', performance.now());
    if (arrivals.size === expected) arrived();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"UP"}');
  });
  // A thousand keep-alive sockets at once would exceed the default backlog on a busy machine.
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/**
 * Starts a watcher on `count` targets and resolves with the arrival time of each one's first poll,
 * in the targets' order (t0, t1, …).
 */
async function firstPolls(count: number): Promise<{ startedAt: number; times: number[] }> {
  const targets = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`t${i}`, { url: `${base}/t${i}`, interval: '1h' }]),
  );
  const read = validateWatchConfig({ targets }, {});
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  const plan = planWatch({ urls: [], layer: {} }, read.config);
  arrivals = new Map();
  expected = count;
  const all = new Promise<void>((resolve) => (arrived = resolve));
  const watcher = new Watcher({
    targets: plan.targets,
    log: createLogger({ format: 'json', write: () => {} }),
    retainMs: plan.retainMs,
    hooks: { timeoutMs: 1000, retries: 0, backoffMs: 10 },
  });
  const startedAt = performance.now();
  watcher.start();
  await all;
  await watcher.stop(100);
  return { startedAt, times: Array.from({ length: count }, (_, i) => arrivals.get(`/t${i}`)!) };
}

describe('first polls after start', () => {
  it('polls a handful of targets at once', async () => {
    const { startedAt, times } = await firstPolls(5);
    expect(times).toHaveLength(5);
    // The last of five is planned 4 ms after the first: well inside a second on any machine.
    expect(Math.max(...times) - startedAt).toBeLessThan(1000);
  });

  it('spreads a thousand first polls over about a second instead of one burst', async () => {
    const { startedAt, times } = await firstPolls(1000);
    // One a millisecond: target i is planned i ms after start, so its poll cannot arrive earlier
    // (a timer never fires before its time; 2 ms for rounding). All at once, the thousandth
    // arrives after what a thousand connections take (about 400 ms here). A busy machine only
    // makes arrivals later, so this holds on any machine.
    const early = times
      .map((t, i) => ({ i, afterStartMs: t - startedAt }))
      .filter((a) => a.afterStartMs < a.i - 2);
    expect(early).toEqual([]);
  });
});
