import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../src/cli/agent.js';
import { createLogger } from '../../src/client/log.js';
import { createRateLimiter } from '../../src/limits/index.js';
import { rawRequest } from '../support/raw-http.js';
import { Client, type Served, SseClient, serveFeed } from './helpers.js';

/**
 * The feed spends the caller's rate limit — the one guarding /status, in the same agent: a
 * connect costs one unit, every WebSocket command one more. Through the real agent (`statuskit
 * serve`'s Agent, from a config file) over real HTTP and WebSocket.
 */
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.close({ immediate: true });
  agent = undefined;
});

const READER_KEY = 'reader-key-0123456789';

async function startAgent(yaml: string): Promise<{ http: string; ws: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'statuskit-live-limits-'));
  const configFile = join(dir, 'statuskit.yaml');
  writeFileSync(configFile, yaml);
  agent = await Agent.start({ configFile, host: '127.0.0.1', port: 0, log: createLogger({ quiet: true }) });
  const { port } = agent.address;
  return { http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}/api/health/ws` };
}

const anonymousLimit = (limit: number) => `
vitals: false
rateLimits:
  tiers:
    anonymous: { limit: ${limit}, window: 1m }
`;

/** The answer to a WebSocket upgrade the server refuses: status, headers and body. */
function refusedUpgrade(
  url: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url.replace(/^ws/, 'http'), {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        'sec-websocket-version': '13',
      },
    });
    req.on('upgrade', () => reject(new Error('the upgrade was accepted')));
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function expectRefusal(status: number, headers: Record<string, unknown>, body: string): void {
  expect(status).toBe(429);
  expect(Number(headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(headers['ratelimit-policy']).toBe('"anonymous";q=3;w=60');
  expect(headers.ratelimit).toMatch(/^"anonymous";r=0;t=\d+$/);
  expect(headers['content-type']).toContain('application/json');
  expect(JSON.parse(body)).toMatchObject({ error: 'rate_limited', retry_after: expect.any(Number) });
}

describe('live feed: the caller rate limit', () => {
  it('a caller over its limit on /status is refused on /status/stream and on the WebSocket upgrade (429)', async () => {
    const { http, ws } = await startAgent(anonymousLimit(3));
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${http}/status`);
      expect(response.status).not.toBe(429);
      await response.body?.cancel();
    }
    expect((await fetch(`${http}/status`)).status).toBe(429);

    const stream = await SseClient.open(`${http}/status/stream`);
    expectRefusal(stream.response.statusCode!, stream.response.headers, await stream.body());

    const upgrade = await refusedUpgrade(ws);
    expectRefusal(upgrade.status, upgrade.headers, upgrade.body);
  });

  it('each WebSocket command spends a unit: refused ones get a rate_limited reply and the connection stays', async () => {
    const { http, ws } = await startAgent(anonymousLimit(3));
    const client = await Client.open(ws); // 1
    expect(await client.ask('ping')).toBe('pong'); // 2
    expect(await client.ask('ping')).toBe('pong'); // 3
    const refused = await client.askJson('ping');
    expect(refused).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('retry in') });
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    // The same budget as /status: the commands used it up.
    expect((await fetch(`${http}/status`)).status).toBe(429);
    client.close();
  });

  it('an SSE connect spends a unit of the same budget as /status', async () => {
    const { http } = await startAgent(anonymousLimit(3));
    const stream = await SseClient.open(`${http}/status/stream`);
    expect(stream.response.statusCode).toBe(200);
    await stream.waitFor(1);
    stream.close();
    for (let i = 0; i < 2; i++) await (await fetch(`${http}/status`)).body?.cancel();
    expect((await fetch(`${http}/status`)).status).toBe(429);
  });

  it('a client that keeps sending far past its limit is closed with 1008', async () => {
    const { ws } = await startAgent(anonymousLimit(3));
    const client = await Client.open(ws);
    const replies: string[] = [];
    client.ws.on('message', (data) => replies.push(String(data)));
    // Keep sending, whatever comes back, until the server gives up on the client (bounded).
    for (let sent = 0; client.ws.readyState === client.ws.OPEN && sent < 5000; sent++) {
      client.send('ping');
      if (sent % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    const { code, reason } = await client.closed;
    expect({ code, reason }).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    expect(replies.filter((reply) => reply.includes('"rate_limited"')).length).toBeGreaterThan(50);
  });

  it('an authenticated caller spends its own budget: the address being over its limit does not matter', async () => {
    const { http, ws } = await startAgent(`
vitals: false
auth:
  anonymous: summary
  apiKeys:
    keys: [{ name: monitor, key: ${READER_KEY}, tier: reader }]
rateLimits:
  tiers:
    anonymous: { limit: 3, window: 1m }
    reader: { limit: 100, window: 1m }
`);
    for (let i = 0; i < 3; i++) await (await fetch(`${http}/status`)).body?.cancel();
    expect((await fetch(`${http}/status`)).status).toBe(429);
    // Anonymous from this address: refused. With the key on the upgrade: the reader's budget.
    expect((await refusedUpgrade(ws)).status).toBe(429);
    const client = await Client.open(ws, { headers: { 'x-api-key': READER_KEY } });
    for (let i = 0; i < 5; i++) expect((await client.askJson('status')).status).toBeDefined();
    client.close();
  });
});

describe('live feed: rate-limit counters', () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.stop();
    served = undefined;
  });

  it('feed.stats() counts refused connects and commands', async () => {
    const rateLimiter = createRateLimiter({ tiers: { anonymous: { limit: 2, window: '1m' } } });
    served = await serveFeed(() => {}, { rateLimiter });
    const client = await Client.open(served.wsUrl);
    expect(await client.ask('ping')).toBe('pong');
    expect((await client.askJson('ping')).error).toBe('rate_limited');
    await expect(Client.open(served.wsUrl)).rejects.toThrow('HTTP 429');
    const stream = await SseClient.open(`${served.httpUrl}/status/stream`);
    expect(stream.response.statusCode).toBe(429);
    await stream.body();
    expect(served.feed.stats()).toMatchObject({ rateLimitedConnects: 2, rateLimitedCommands: 1 });
    client.close();
  });
});

describe('absolute-form targets (issue 15, item 4)', () => {
  it('reach the feed by the same path and spend the same budget as origin-form ones', async () => {
    const { http } = await startAgent(anonymousLimit(2));
    const port = new URL(http).port;
    const upgrade = (target: string) =>
      rawRequest(
        Number(port),
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
      );
    const sse = (target: string) =>
      rawRequest(
        Number(port),
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`,
      );
    expect((await upgrade(`http://127.0.0.1:${port}/api/health/ws`)).status).toBe(101);
    expect((await sse(`http://localhost:${port}/status/stream?topics=status`)).status).toBe(200);
    // The budget of 2 is spent, whatever form the target takes.
    const refusedWs = await upgrade(`http://127.0.0.1:${port}/api/health/ws`);
    expect(refusedWs.status).toBe(429);
    expect(refusedWs.text).toMatch(/retry-after/i);
    expect((await sse('/status/stream')).status).toBe(429);
    expect((await rawRequest(Number(port), `GET http://x/status HTTP/1.1\r\nHost: x\r\n\r\n`)).status).toBe(
      429,
    );
  });
});
