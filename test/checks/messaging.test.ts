import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { connect } from 'nats';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mqttCheck, natsCheck, rabbitmqCheck, redisCheck } from '../../src/checks/index.js';
import { closedPort, expectNoLeaks, expectStopsOnSilence, run, withService } from './support.js';

const redisDescribe = await withService('Redis', 6379);
const rabbitDescribe = await withService('RabbitMQ', 5672);
const natsDescribe = await withService('NATS', 4222);
const mqttDescribe = await withService('Mosquitto', 1883);

redisDescribe('redis check (real Redis on 6379)', () => {
  it('reports ok with version, memory, clients and role', async () => {
    const outcome = await run(redisCheck({ url: 'redis://127.0.0.1:6379' }));
    expect(outcome.level).toBe('ok');
    expect(outcome.fields).toMatchObject({ connected: true, role: 'master' });
    expect(outcome.fields?.version).toMatch(/^\d+\.\d+/);
    expect(outcome.fields?.usedMemory).toBeGreaterThan(0);
    expect(outcome.fields?.connectedClients).toBeGreaterThanOrEqual(1);
  });

  it('fails on an unreachable port', async () => {
    await expect(run(redisCheck({ port: await closedPort() }))).rejects.toThrow(/ECONNREFUSED|closed/i);
  });

  it('stops at the signal when the server accepts and never answers', async () => {
    await expectStopsOnSilence((port) => redisCheck({ port }));
  });

  it("gives up at the signal while the app's client queues commands offline", async () => {
    const port = await closedPort();
    // The app's client keeps retrying and queues the PING until it reconnects: it would wait forever.
    const client = new Redis({ port, retryStrategy: () => 50, maxRetriesPerRequest: null });
    client.on('error', () => {});
    try {
      await expect(run(redisCheck({ client }), AbortSignal.timeout(200))).rejects.toThrow(/timeout|abort/i);
    } finally {
      client.disconnect();
    }
  });

  it('leaves no sockets or handles behind after 1000 runs (own connection per run)', async () => {
    await expectNoLeaks(redisCheck({ port: 6379 }), 1000, 10);
  });

  it("leaves the app's client usable", async () => {
    const client = new Redis({ port: 6379 });
    try {
      expect((await run(redisCheck({ client }))).level).toBe('ok');
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });
});

rabbitDescribe('rabbitmq check (real RabbitMQ on 5672)', () => {
  const queue = `statuskit-check-${process.pid}`;
  let setup: amqp.ChannelModel;
  beforeAll(async () => {
    setup = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const channel = await setup.createChannel();
    await channel.assertQueue(queue, { autoDelete: false, durable: false });
    await channel.purgeQueue(queue);
    for (let i = 0; i < 5; i++) channel.sendToQueue(queue, Buffer.from(`m${i}`));
    await channel.close();
  });
  afterAll(async () => {
    const channel = await setup.createChannel();
    await channel.deleteQueue(queue);
    await setup.close();
  });

  it('connects, opens a channel and reports the broker version', async () => {
    const outcome = await run(rabbitmqCheck({}));
    expect(outcome.level).toBe('ok');
    expect(outcome.fields).toMatchObject({ connected: true, product: 'RabbitMQ' });
  });

  it('reads queue depth against warn / crit thresholds', async () => {
    // The broker counts published messages asynchronously; wait until all 5 are visible.
    let outcome = await run(rabbitmqCheck({ queues: [queue] }));
    for (let i = 0; i < 50 && outcome.observedValue !== 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      outcome = await run(rabbitmqCheck({ queues: [queue] }));
    }
    expect(outcome).toMatchObject({ level: 'ok', observedValue: 5, observedUnit: 'messages' });
    expect(outcome.fields?.queues).toEqual({ [queue]: { messages: 5, consumers: 0 } });
    expect((await run(rabbitmqCheck({ queues: [queue], warn: 5 }))).level).toBe('warning');
    expect((await run(rabbitmqCheck({ queues: [{ name: queue, warn: 2, crit: 4 }] }))).level).toBe(
      'critical',
    );
  });

  it('reports a missing queue as critical', async () => {
    const outcome = await run(rabbitmqCheck({ queues: ['statuskit-no-such-queue'] }));
    expect(outcome.level).toBe('critical');
    expect(outcome.message).toMatch(/statuskit-no-such-queue/);
  });

  it("uses the app's connection without closing it", async () => {
    const outcome = await run(rabbitmqCheck({ connection: setup, queues: ['statuskit-no-such-queue'] }));
    expect(outcome.level).toBe('critical');
    const channel = await setup.createChannel(); // still open
    await channel.close();
  });

  it('fails on an unreachable port', async () => {
    const url = `amqp://guest:guest@127.0.0.1:${await closedPort()}`;
    await expect(run(rabbitmqCheck({ url }))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stops at its timeout when the server accepts and never answers', async () => {
    await expectStopsOnSilence((port) => rabbitmqCheck({ url: `amqp://127.0.0.1:${port}`, timeoutMs: 300 }));
  });

  it('leaves no sockets or handles behind after 1000 runs', async () => {
    await expectNoLeaks(rabbitmqCheck({ queues: [queue] }), 1000, 20);
  });
});

natsDescribe('nats check (real NATS on 4222)', () => {
  it('connects, flushes and reports server info', async () => {
    const outcome = await run(natsCheck({}));
    expect(outcome.level).toBe('ok');
    expect(outcome.fields?.version).toMatch(/^\d+\.\d+/);
    expect(outcome.fields?.serverId).toEqual(expect.any(String));
  });

  it('fails on an unreachable port', async () => {
    await expect(run(natsCheck({ server: `127.0.0.1:${await closedPort()}` }))).rejects.toThrow();
  });

  it("flushes the app's connection without closing it", async () => {
    const connection = await connect({ servers: '127.0.0.1:4222' });
    try {
      const outcome = await run(natsCheck({ connection }));
      expect(outcome.level).toBe('ok');
      expect(outcome.fields?.serverId).toBe(connection.info?.server_id);
      expect(connection.isClosed()).toBe(false);
    } finally {
      await connection.close();
    }
  });

  it('stops at the signal when the server accepts and never answers', async () => {
    await expectStopsOnSilence((port) => natsCheck({ server: `127.0.0.1:${port}` }));
  });

  it('leaves no sockets or handles behind after 1000 runs', async () => {
    await expectNoLeaks(natsCheck({}), 1000, 10);
  });
});

mqttDescribe('mqtt check (real Mosquitto on 1883)', () => {
  it('connects and gets a CONNACK', async () => {
    const outcome = await run(mqttCheck({}));
    expect(outcome).toMatchObject({ level: 'ok', fields: { connected: true }, observedUnit: 'ms' });
  });

  it('fails on an unreachable port', async () => {
    await expect(run(mqttCheck({ url: `mqtt://127.0.0.1:${await closedPort()}` }))).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });

  it('stops at the signal when the server accepts and never answers', async () => {
    await expectStopsOnSilence((port) => mqttCheck({ url: `mqtt://127.0.0.1:${port}` }));
  });

  it('leaves no sockets or handles behind after 1000 runs', async () => {
    await expectNoLeaks(mqttCheck({}), 1000, 10);
  });
});
