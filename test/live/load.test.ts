import { afterEach, describe, expect, it } from 'vitest';
import { Client, type Served, serveFeed, sleep } from './helpers.js';

let served: Served | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

describe('live feed under load', () => {
  it('1000 concurrent subscribers all receive updates', async () => {
    let tick = 0;
    served = await serveFeed(() => {}, {
      maxConnections: 1100,
      sources: { cpu: () => ({ tick: ++tick, pad: 'x'.repeat(900) }) },
      intervals: { cpu: 100 },
    });
    const clients: Client[] = [];
    for (let batch = 0; batch < 10; batch++) {
      clients.push(...(await Promise.all(Array.from({ length: 100 }, () => Client.open(served!.wsUrl)))));
    }
    for (const client of clients) client.send('subscribe cpu');
    // Every client sees at least two pushes from the shared interval (plus its own first state).
    const seen = await Promise.all(
      clients.map(async (client) => {
        const ticks = new Set<number>();
        while (ticks.size < 3) ticks.add((await client.nextPush('cpu', 10_000)).data.tick);
        return ticks.size;
      }),
    );
    expect(seen.filter((n) => n >= 3)).toHaveLength(1000);
    for (const client of clients) client.close();
  });

  it('a consumer that never reads is dropped, and server memory stays bounded', async () => {
    const big = { blob: 'y'.repeat(256 * 1024) };
    served = await serveFeed(() => {}, {
      sources: { network: () => big },
      intervals: { network: 100 },
      maxBufferedBytes: 512 * 1024,
      heartbeatInterval: 0,
    });
    const healthy = await Client.open(served.wsUrl);
    const slow = await Client.open(served.wsUrl);
    healthy.send('subscribe network 100ms');
    slow.send('subscribe network 100ms');
    await slow.nextPush('network');
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const before = process.memoryUsage().rss;
    const deadline = Date.now() + 20_000;
    let peak = before;
    while (served.feed.connectionCount > 1 && Date.now() < deadline) {
      await sleep(100);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(served.feed.connectionCount).toBe(1);
    // Without the cap the slow peer's queue would grow 2.5 MB/s without end; with it, growth is a few buffers.
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
    const stillFlowing = await healthy.nextPush('network');
    expect(stillFlowing.data.blob.length).toBe(256 * 1024);
    healthy.close();
    slow.close();
  });
});
