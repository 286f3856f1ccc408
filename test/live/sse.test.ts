import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyAuth, createAccess } from '../../src/access/index.js';
import { createLogSink, type LogSink } from '../../src/live/index.js';
import { type Served, SseClient, serveFeed } from './helpers.js';

let served: Served | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

describe('live feed: Server-Sent Events', () => {
  it('streams the status document with event names and ids', async () => {
    served = await serveFeed((status) => {
      status.value('version', '2.0', { summary: true });
      status.check('db', () => 'ok');
    });
    const client = await SseClient.open(`${served.httpUrl}/status/stream`);
    expect(client.response.statusCode).toBe(200);
    expect(client.response.headers['content-type']).toContain('text/event-stream');
    const [first] = await client.waitFor(1);
    expect(first.event).toBe('status');
    expect(Number(first.id)).toBeGreaterThan(0);
    expect(JSON.parse(first.data)).toMatchObject({ status: 'ok', version: '2.0' });
    client.close();
  });

  it('several topics in one stream, each event named by its topic', async () => {
    let tick = 0;
    served = await serveFeed(() => {}, {
      sources: { cpu: () => ({ tick: ++tick }) },
      intervals: { cpu: 100 },
    });
    const client = await SseClient.open(`${served.httpUrl}/status/stream?topics=status,cpu`);
    const events = await client.waitFor(3);
    expect(new Set(events.map((e) => e.event))).toEqual(new Set(['status', 'cpu']));
    const ids = events.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids.slice().sort((a, b) => a - b));
    client.close();
  });

  it('resumes with Last-Event-ID: missed log lines, nothing twice', async () => {
    const logs = createLogSink();
    served = await serveFeed(() => {}, { logs });
    const url = `${served.httpUrl}/status/stream?topics=logs`;
    const witness = await openWitness(url);
    const first = await SseClient.open(url);
    await first.waitFor(1); // the (empty) recent ring
    logs.write('one');
    await first.waitFor(2);
    const lastId = first.events[1].id!;
    first.close();
    await witness.waitFor(2);
    await writeApart(logs, ['two', 'three'], witness);
    const resumed = await SseClient.open(url, { 'last-event-id': lastId });
    const events = await resumed.waitFor(2);
    const lines = events.flatMap((e) => JSON.parse(e.data).map((entry: { line: string }) => entry.line));
    expect(lines).toEqual(['two', 'three']);
    expect(events.every((e) => Number(e.id) > Number(lastId))).toBe(true);
    resumed.close();
  });

  it('a Last-Event-ID older than the replay ring gets the full current state', async () => {
    const logs = createLogSink({ capacity: 10 });
    served = await serveFeed(() => {}, { logs, replaySize: 2 });
    const url = `${served.httpUrl}/status/stream?topics=logs`;
    await writeApart(logs, ['a', 'b', 'c', 'd'], await openWitness(url));
    const resumed = await SseClient.open(url, { 'last-event-id': '1' });
    const [event] = await resumed.waitFor(1);
    expect(JSON.parse(event.data).map((e: { line: string }) => e.line)).toEqual(['a', 'b', 'c', 'd']);
    resumed.close();
  });

  it('asks the status access control: 401 without credentials, stream with them', async () => {
    const access = createAccess({
      authenticators: [apiKeyAuth({ keys: [{ name: 'ops', key: 'k-123', tier: 'reader' }] })],
      anonymous: 'refuse',
    });
    served = await serveFeed(() => {}, { sources: { cpu: () => ({ n: 1 }) } }, { access });
    const refused = await SseClient.open(`${served.httpUrl}/status/stream`);
    expect(refused.response.statusCode).toBe(401);
    refused.close();
    const allowed = await SseClient.open(`${served.httpUrl}/status/stream?topics=cpu`, {
      'x-api-key': 'k-123',
    });
    expect(allowed.response.statusCode).toBe(200);
    expect((await allowed.waitFor(1))[0].event).toBe('cpu');
    allowed.close();
  });

  it('rejects unknown topics and non-GET methods; other paths fall through to the status endpoint', async () => {
    served = await serveFeed((status) => status.value('v', 1));
    const bad = await fetch(`${served.httpUrl}/status/stream?topics=weather`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('bad_request');
    const missing = await fetch(`${served.httpUrl}/status/stream?topics=cpu`);
    expect(missing.status).toBe(404);
    await missing.text();
    const post = await fetch(`${served.httpUrl}/status/stream`, { method: 'POST' });
    expect(post.status).toBe(405);
    await post.text();
    const doc = await fetch(`${served.httpUrl}/status`);
    expect(await doc.json()).toMatchObject({ v: 1 });
  });
});

/** A stream on the logs topic that has received its first event (the recent ring). */
async function openWitness(url: string): Promise<SseClient> {
  const witness = await SseClient.open(url);
  await witness.waitFor(1);
  return witness;
}

/** Writes each line in a batch (an event) of its own: the next once the witness has the previous. */
async function writeApart(logs: LogSink, lines: string[], witness: SseClient): Promise<void> {
  for (const line of lines) {
    const seen = witness.events.length;
    logs.write(line);
    await witness.waitFor(seen + 1);
  }
  witness.close();
}
