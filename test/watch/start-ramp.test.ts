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
let arrivals: number[] = [];
let expected = 0;
let arrived: () => void = () => {};

beforeAll(async () => {
  server = createServer((_req, res) => {
    arrivals.push(performance.now());
    if (arrivals.length === expected) arrived();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"UP"}');
  });
  // A thousand keep-alive sockets at once would exceed the default backlog on a busy machine.
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Starts a watcher on `count` targets and resolves with the arrival times of their first polls. */
async function firstPolls(count: number): Promise<{ startedAt: number; times: number[] }> {
  const targets = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`t${i}`, { url: `${base}/t${i}`, interval: '1h' }]),
  );
  const read = validateWatchConfig({ targets }, {});
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  const plan = planWatch({ urls: [], layer: {} }, read.config);
  arrivals = [];
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
  return { startedAt, times: arrivals };
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
    const spanMs = Math.max(...times) - Math.min(...times);
    // One a millisecond: the thousandth is planned 999 ms after the first (all at once: a few ms
    // of spread, only what the loop takes to send them).
    expect(spanMs).toBeGreaterThanOrEqual(900);
    // The first half arrive in the first half of the ramp, roughly: no burst at either end.
    const firstHalf = times.filter((t) => t - startedAt < 500).length;
    expect(firstHalf).toBeGreaterThan(300);
    expect(firstHalf).toBeLessThan(700);
  });
});
