import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutsOf, FeedProcess, ROOMY_BUDGET, runSlowReaders, TIGHT_BUDGET } from './slow-readers.js';

/**
 * Clients that send and never read, against a feed in a server process of its own (so the RSS is
 * the server's): 16 seeded behaviours — command floods, subscribers of a heavy topic, ping floods,
 * SSE streams — none of which reads a byte. bench/fuzz/slow-readers.ts runs the same for longer.
 */
const MiB = 1024 * 1024;
/** Without the caps the same clients grow the server by ~40 MB/s without end (docs/design.md). */
const RSS_GROWTH_BOUND = 100 * MiB;

// One process, two servers: the second lets all its connections together hold only 2 MiB.
let servers: FeedProcess;
beforeAll(async () => {
  servers = await FeedProcess.start([ROOMY_BUDGET, TIGHT_BUDGET]);
});
afterAll(() => servers?.stop());

describe('live feed: clients that never read', () => {
  it('16 seeded slow readers are cut (1013 for a backlog), RSS stays bounded, the bystander and /health/live are served', async () => {
    const report = await runSlowReaders(servers.server(0), { seed: 20261122, slowClients: 16 });
    expect(report.serverAlive).toBe(true);
    // Every slow client was cut by the server, and each cut is counted.
    expect(cutsOf(report.stats)).toBe(16);
    expect(report.stats).toMatchObject({ connections: 0, bufferedBytes: 0, budgetDropped: 0 });
    // A WebSocket cut for its backlog finds 1013 behind it (unless it read too late, after the
    // grace: then nothing); one silent to pings with nothing unsent is terminated; SSE is ended.
    const { ended = 0, '1013': closedSlow = 0, 'no close frame': terminated = 0, ...other } = report.outcomes;
    expect(other).toEqual({});
    expect(ended).toBe(report.behaviours.sse);
    expect(closedSlow).toBeGreaterThan(0);
    expect(closedSlow).toBeLessThanOrEqual(report.stats.slowClosed - ended);
    expect(terminated).toBeGreaterThanOrEqual(report.stats.pingTimeouts);
    expect(report.peakRss - report.baselineRss).toBeLessThan(RSS_GROWTH_BOUND);
    // Served throughout: at least one bystander push and one /health/live answer per round.
    expect(report.bystanderPushes).toBeGreaterThan(1);
    expect(report.healthAnswers).toBe(report.bystanderPushes - 1);
  }, 60_000);

  it('past maxTotalBufferedBytes the largest holders are dropped first; the bystander is not', async () => {
    const report = await runSlowReaders(servers.server(1), { seed: 7, slowClients: 10 });
    expect(report.serverAlive).toBe(true);
    expect(cutsOf(report.stats)).toBe(10);
    expect(report.stats.budgetDropped).toBeGreaterThan(0);
    expect(report.stats).toMatchObject({ connections: 0, bufferedBytes: 0 });
    expect(report.peakRss - report.baselineRss).toBeLessThan(RSS_GROWTH_BOUND);
    expect(report.bystanderPushes).toBeGreaterThan(1);
    expect(report.healthAnswers).toBe(report.bystanderPushes - 1);
  }, 60_000);
});
