import { afterEach, describe, expect, it } from 'vitest';
import { Client, type Served, serveFeed, until } from './helpers.js';

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

  it('a consumer that never reads is closed with 1013 and counted; the others keep receiving', async () => {
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
    const slowSocket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    slowSocket.pause();
    // Without the cap the slow peer's queue would grow 2.5 MB/s without end (the memory bound of
    // a server in its own process is measured in slow-readers.test.ts).
    await until(() => served!.feed.stats().slowClosed === 1, 'the slow consumer to be closed', 20_000);
    const stillFlowing = await healthy.nextPush('network');
    expect(stillFlowing.data.blob.length).toBe(256 * 1024);
    // Reading again, the slow client finds the close frame behind its backlog.
    slowSocket.resume();
    expect((await slow.closed).code).toBe(1013);
    await until(() => served!.feed.stats().websockets === 1, 'the server to let the slow peer go');
    expect(served.feed.stats()).toMatchObject({ slowClosed: 1, budgetDropped: 0 });
    healthy.close();
  });
});
