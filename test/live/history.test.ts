import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyAuth, createAccess } from '../../src/access/index.js';
import { FULL_DISCLOSURE, SUMMARY_DISCLOSURE } from '../../src/access/types.js';
import { EMBEDDED_DEFAULT } from '../../src/cli/agent.js';
import { buildAgent } from '../../src/config/index.js';
import { historyWindowEvent } from '../../src/live/history.js';
import { History } from '../../src/live/index.js';
import type { Level } from '../../src/model/index.js';
import { createVitals, type Vitals } from '../../src/vitals/index.js';
import { Client, type Served, serveFeed } from './helpers.js';

let served: Served | undefined;
let vitals: Vitals | undefined;
afterEach(async () => {
  await served?.stop();
  vitals?.close();
  served = undefined;
  vitals = undefined;
});

const FIVE = 'cpu,memory,network,eventLoop,pressure';
const HOUR = 3_600_000;

/** A status with one check we can flip, real vitals, and a feed whose history samples every 100 ms. */
async function serveWithHistory(feed: Parameters<typeof serveFeed>[1] = {}, status = {}) {
  let level: Level = 'ok';
  vitals = createVitals().start();
  served = await serveFeed(
    (s) => {
      s.check('db', () => (level === 'ok' ? 'ok' : { level, message: 'connect ECONNREFUSED 10.0.0.7:5432' }));
      s.check('cache', () => 'ok', { summary: true });
    },
    { vitals, history: { interval: '100ms', statusInterval: '100ms' }, statusPollInterval: '100ms', ...feed },
    status,
  );
  return { served, setLevel: (next: Level) => (level = next) };
}

/** Waits for `count` sample pushes of the `history` topic (the first push is the window). */
async function waitForSamples(client: Client, count: number): Promise<void> {
  expect(JSON.parse(await client.reply('subscribe history'))).toEqual({ subscribed: 'history', interval: 0 });
  expect((await client.nextPush('history')).data.kind).toBe('window');
  for (let i = 0; i < count; i++) expect((await client.nextPush('history')).data.kind).toBe('sample');
  expect(JSON.parse(await client.reply('unsubscribe history'))).toEqual({ unsubscribed: 'history' });
}

describe('history over the WebSocket feed', () => {
  it('answers 1 h of five charts in one message, every column as long as the time column', async () => {
    const { served } = await serveWithHistory();
    const client = await Client.open(served.wsUrl);
    await waitForSamples(client, 12);
    const answer = JSON.parse(await client.reply(`history ${FIVE} 1h`));
    expect(answer).toMatchObject({
      kind: 'window',
      history: FIVE.split(','),
      intervalMs: 100,
      units: { cpu: '%', memory: '%', network: 'B/s', eventLoop: 'ms', pressure: '%' },
    });
    expect(Object.keys(answer.charts)).toEqual(FIVE.split(','));
    expect(answer.time.length).toBeGreaterThanOrEqual(12);
    expect(answer.to - answer.from).toBeGreaterThanOrEqual(HOUR - 1000);
    for (const series of Object.values<Record<string, unknown[]>>(answer.charts))
      for (const column of Object.values(series)) expect(column).toHaveLength(answer.time.length);
    expect(Object.keys(answer.charts.cpu)[0]).toBe('total');
    expect(answer.charts.memory.memory.every((v: number) => v > 0 && v < 100)).toBe(true);
    // Points after an instant: a reconnecting client asks only for what it missed.
    const last = answer.time[answer.time.length - 1];
    const since = JSON.parse(await client.reply(`history cpu ${last}`));
    expect(since.time.every((t: number) => t > last)).toBe(true);
    client.close();
  });

  it('records transitions of the document and each component, with from, to, time and message', async () => {
    const { served, setLevel } = await serveWithHistory();
    const client = await Client.open(served.wsUrl);
    await waitForSamples(client, 2);
    setLevel('critical');
    // The feed's own status push tells when the change was seen; the history has it by then.
    expect(JSON.parse(await client.reply('subscribe status'))).toMatchObject({ subscribed: 'status' });
    for (;;) if ((await client.nextPush('status')).data.status === 'critical') break;
    const { transitions } = JSON.parse(await client.reply('history transitions'));
    expect(transitions).toEqual([
      { time: expect.any(Number), component: '', from: 'ok', to: 'critical' },
      {
        time: expect.any(Number),
        component: 'db',
        from: 'ok',
        to: 'critical',
        message: 'connect ECONNREFUSED 10.0.0.7:5432',
      },
    ]);
    // A transitions-only answer carries no points.
    expect(JSON.parse(await client.reply('history transitions 24h'))).not.toHaveProperty('time');
    client.close();
  });

  it('`subscribe history` pushes the window of the last 15 min first, then one sample per interval', async () => {
    const { served } = await serveWithHistory();
    const client = await Client.open(served.wsUrl);
    client.send('subscribe history');
    const window = (await client.nextPush('history')).data;
    expect(window).toMatchObject({ kind: 'window', history: ['all'], transitions: [] });
    expect(window.to - window.from).toBeGreaterThanOrEqual(15 * 60_000 - 1000);
    const first = (await client.nextPush('history')).data;
    const second = (await client.nextPush('history')).data;
    expect(first).toMatchObject({ kind: 'sample', transitions: [] });
    expect(first.charts.cpu.total).toEqual(expect.any(Number));
    expect(first.charts.levels).toEqual({ '': 0, db: 0, cache: 0 });
    expect(second.time).toBeGreaterThan(first.time);
    client.close();
  });

  it('refuses what it cannot answer with a clear error, and the connection goes on', async () => {
    const { served } = await serveWithHistory({ maxBufferedBytes: 2000 });
    const client = await Client.open(served.wsUrl);
    const error = async (command: string) => JSON.parse(await client.reply(command));
    expect(await error('history')).toMatchObject({ error: 'bad_request' });
    expect(await error('history cpu 1h extra')).toMatchObject({ error: 'bad_request' });
    expect(await error('history nope')).toMatchObject({
      error: 'unknown_topic',
      message: expect.stringContaining('history topics: all, '),
    });
    expect(await error('history cpu 5')).toMatchObject({
      error: 'bad_request',
      message: expect.stringContaining('did you mean 5s?'),
    });
    // Over the connection's send cap: refused whole rather than cut off.
    await waitForSamples(client, 30);
    expect(await error('history all 1h')).toMatchObject({
      error: 'too_large',
      message: expect.stringContaining('ask for fewer topics or a shorter range'),
    });
    expect(await client.reply('ping')).toBe('pong');
    client.close();
  });

  it('cuts answers per tier: summaries get the document’s own transitions, no charts, no messages', async () => {
    const access = createAccess({
      authenticators: [apiKeyAuth({ keys: [{ key: 'reader-key', name: 'ops', tier: 'reader' }] })],
    });
    const { served, setLevel } = await serveWithHistory({ requireAuth: false }, { access });
    const client = await Client.open(served.wsUrl);
    setLevel('critical');
    const reader = await Client.open(served.wsUrl);
    expect(await reader.reply('auth reader-key')).toBe('ok');
    expect(JSON.parse(await reader.reply('subscribe status'))).toMatchObject({ subscribed: 'status' });
    for (;;) if ((await reader.nextPush('status')).data.status === 'critical') break;
    // Anonymous here is the summary tier.
    expect(JSON.parse(await client.reply('history cpu'))).toMatchObject({ error: 'forbidden' });
    const summary = JSON.parse(await client.reply('history all 1h'));
    expect(summary).toMatchObject({ restricted: true, charts: {}, time: [] });
    expect(summary.transitions.map((t: { component: string }) => t.component)).toEqual(['']);
    // A reader sees every component's transitions, without messages (its tier has none).
    const full = JSON.parse(await reader.reply('history transitions 1h'));
    expect(full.transitions.map((t: { component: string }) => t.component)).toEqual(['', 'db']);
    expect(full.transitions.some((t: object) => 'message' in t)).toBe(false);
    client.close();
    reader.close();
  });

  it('a feed made with `history: false` says so', async () => {
    served = await serveFeed(() => {}, { history: false });
    const client = await Client.open(served.wsUrl);
    expect(JSON.parse(await client.reply('history all'))).toMatchObject({ error: 'unavailable' });
    expect(JSON.parse(await client.reply('subscribe history'))).toMatchObject({ error: 'unavailable' });
    expect(served.feed.stats().history).toBeUndefined();
    client.close();
  });
});

/** `curl -N` on the SSE stream until `count` events have arrived; the events, parsed. */
function curlEvents(url: string, count: number): Promise<{ event: string; id: string; data: any }[]> {
  return new Promise((resolve, reject) => {
    const curl: ChildProcess = spawn('curl', ['-N', '-s', '--max-time', '20', url]);
    let text = '';
    const events: { event: string; id: string; data: any }[] = [];
    curl.stdout!.setEncoding('utf8');
    curl.stdout!.on('data', (chunk: string) => {
      text += chunk;
      let end = text.indexOf('\n\n');
      while (end !== -1) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const field = (name: string) => block.match(new RegExp(`^${name}: (.*)$`, 'm'))?.[1];
        if (field('data') !== undefined)
          events.push({ event: field('event')!, id: field('id')!, data: JSON.parse(field('data')!) });
        end = text.indexOf('\n\n');
      }
      if (events.length >= count) {
        curl.kill();
        resolve(events);
      }
    });
    curl.on('exit', () => reject(new Error(`curl ended after ${events.length} events`)));
    curl.on('error', reject);
  });
}

describe('history over Server-Sent Events (curl -N)', () => {
  it('replays the range asked for on connect, then streams samples', async () => {
    const { served } = await serveWithHistory();
    const client = await Client.open(served.wsUrl);
    await waitForSamples(client, 10);
    client.close();
    const [window, sample] = await curlEvents(`${served.httpUrl}/status/stream?topics=history&history=1h`, 2);
    expect(window.event).toBe('history');
    expect(window.data).toMatchObject({ kind: 'window', history: ['all'] });
    expect(window.data.to - window.data.from).toBeGreaterThanOrEqual(HOUR - 1000);
    expect(window.data.time.length).toBeGreaterThanOrEqual(10);
    expect(window.data.charts.cpu.total).toHaveLength(window.data.time.length);
    expect(sample).toMatchObject({ event: 'history', data: { kind: 'sample' } });
    expect(Number(sample.id)).toBeGreaterThan(Number(window.id));
  });

  it('a bad range is a 400 with a JSON body saying what was wrong', async () => {
    const { served } = await serveWithHistory();
    const response = await fetch(`${served.httpUrl}/status/stream?topics=history&history=5`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'bad_request',
      message: expect.stringContaining('did you mean 5s?'),
    });
  });
});

describe('history memory', () => {
  it('24 h of the default agent’s history (a fast clock) stays under 5 MB, answered from the rings', async () => {
    const agent = await buildAgent(EMBEDDED_DEFAULT);
    const before = process.memoryUsage().arrayBuffers;
    let now = Date.UTC(2026, 0, 1);
    const history = new History({ status: agent.status, vitals: agent.vitals, clock: () => now });
    try {
      const day = 24 * HOUR;
      const start = now;
      let flips = 0;
      for (; now < start + day; now += 1000) {
        history.sample(now);
        if (now % 60_000 === 0) {
          const snapshot = await agent.status.snapshot();
          // A level change every ten minutes, alternating, as a flapping component would make.
          const flipped = (now / 600_000) % 2 < 1;
          history.observe({
            ...snapshot,
            time: now,
            version: snapshot.version + flips,
            level: flipped ? 'critical' : 'ok',
          });
          flips += 1;
        }
      }
      const stats = history.stats();
      expect(stats.samples).toBe(86_400);
      expect(stats.capBytes).toBeLessThanOrEqual(5 * 1024 * 1024);
      expect(stats.bytes).toBeLessThanOrEqual(stats.capBytes);
      // 144 levels, one every ten minutes: every one but the first is a change.
      expect(stats.transitions).toBe(143);
      // Measured, not only computed: the typed arrays the rings hold.
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThanOrEqual(5 * 1024 * 1024);
      // 24 h comes from the coarse ring (a point a minute), 1 h from the fine one (a point a second).
      const day24 = JSON.parse(
        history.window(history.request(['all', '24h'], FULL_DISCLOSURE), FULL_DISCLOSURE),
      );
      expect(day24.time.length).toBeGreaterThan(1400);
      expect(day24.time.length).toBeLessThanOrEqual(1440 + 60);
      const hour = history.request(['all', '1h'], FULL_DISCLOSURE);
      const answer = history.window(hour, FULL_DISCLOSURE);
      // Every second after the instant an hour before the clock: 3599 points, the fine ring's full hour.
      expect(JSON.parse(answer).time).toHaveLength(3599);
      // A quarter of an hour of points; the topic's first push carries every transition kept (the
      // timeline is state), a `history all 15m` only those of the quarter.
      const pushed = JSON.parse(historyWindowEvent(history, 1, '15m').json(FULL_DISCLOSURE));
      expect(pushed.time).toHaveLength(899);
      expect(pushed.transitions).toHaveLength(143);
      const quarter = JSON.parse(
        history.window(history.request(['all', '15m'], FULL_DISCLOSURE), FULL_DISCLOSURE),
      );
      expect(quarter.transitions.length).toBeLessThanOrEqual(2);
      // The same request within one sample is the same string: served, not recomputed.
      expect(history.window(hour, FULL_DISCLOSURE)).toBe(answer);
      expect(history.window(history.request(['all', '1h'], SUMMARY_DISCLOSURE), SUMMARY_DISCLOSURE)).not.toBe(
        answer,
      );
    } finally {
      await agent.close();
    }
  });
});
