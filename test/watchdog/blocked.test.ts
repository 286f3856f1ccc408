import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { type BlockReport, createStatus, type StatusKit } from '../../src/index.js';
import { get } from '../core/helpers.js';
import { until } from '../support/wait.js';

let statuses: StatusKit[] = [];
afterEach(async () => {
  await Promise.all(statuses.map((status) => status.close()));
  statuses = [];
});

/** Keeps this thread busy (its event loop blocked) for at least `ms`, and until `done` says the prober has its answers. */
function blockMainLoop(ms: number, flags: Int32Array): number {
  const started = performance.now();
  Atomics.store(flags, 0, 1);
  Atomics.notify(flags, 0);
  while (
    performance.now() - started < ms ||
    (Atomics.load(flags, 1) === 0 && performance.now() - started < 30_000)
  ) {
    // busy: no timer, no I/O callback, no heartbeat runs on this thread now
  }
  Atomics.store(flags, 0, 0);
  return performance.now() - started;
}

describe('the watchdog thread', () => {
  it('answers liveness with the reason while the main loop is blocked, serves the last document stale, and reports the block after', async () => {
    const blocks: BlockReport[] = [];
    const status = createStatus({
      vocabulary: 'upDown',
      watchdog: { onBlock: (block) => blocks.push(block) },
    });
    statuses.push(status);
    status.value('version', '4.2.0', { summary: true });
    status.check('database', () => 'ok');
    const { url } = await status.watchdog!.listening;
    const published = async () => {
      const answer = await get(`${url}/status`);
      return answer.status === 200 && (answer.json() as { database?: unknown }).database !== undefined;
    };
    await until(published, 'the document published to the watchdog');
    expect((await get(`${url}/health/live`)).json()).toEqual({ status: 'UP' });

    const flags = new Int32Array(new SharedArrayBuffer(8));
    const prober = new Worker(new URL('./fixtures/prober.mjs', import.meta.url), {
      workerData: { flags: flags.buffer, url },
    });
    const answered = once(prober, 'message');
    const blockedFor = blockMainLoop(3000, flags);
    const [{ live, ready, status: document }] = (await answered) as [Record<string, any>];
    await prober.terminate();

    // Every answer came in while this thread was still inside its busy loop.
    expect([live.stillBlocked, ready.stillBlocked, document.stillBlocked]).toEqual([true, true, true]);
    expect(live.code).toBe(503);
    expect(live.body).toEqual({
      status: 'DOWN',
      reason: expect.stringMatching(/^main loop blocked for \d+\.\d s$/),
    });
    expect(ready.code).toBe(503);
    expect(ready.body.reason).toMatch(/^main loop blocked for /);
    expect(document.code).toBe(503);
    expect(document.body).toMatchObject({
      status: 'UP',
      version: '4.2.0',
      database: { status: 'UP' },
      stale: { reason: expect.stringMatching(/^main loop blocked for /) },
    });
    expect(document.body.stale.ageMs).toBeGreaterThanOrEqual(1000);
    expect(document.age).toBeGreaterThanOrEqual(1);

    // Back: the block is reported with its length (at most one heartbeat shorter than the stall seen).
    await until(() => blocks.length === 1, 'the block report');
    expect(blocks[0].durationMs).toBeGreaterThanOrEqual(blockedFor - 150);
    expect(Date.parse(blocks[0].endedAt) - Date.parse(blocks[0].startedAt)).toBe(blocks[0].durationMs);
    expect(status.watchdog!.readStatus()).toMatchObject({ blocks: 1, lastBlock: blocks[0] });
    await until(async () => (await get(`${url}/health/live`)).status === 200, 'liveness back');
    const fresh = await get(`${url}/status`);
    expect(fresh.status).toBe(200);
    expect((fresh.json() as Record<string, unknown>).stale).toBeUndefined();
  });
});
