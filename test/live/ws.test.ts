import { SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccess, jwtAuth } from '../../src/access/index.js';
import { createLogSink } from '../../src/live/index.js';
import { MetricsRegistry, RequestMetrics } from '../../src/metrics/index.js';
import { createVitals, type Vitals } from '../../src/vitals/index.js';
import { Client, type Served, serveFeed, until } from './helpers.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
let vitals: Vitals;
let served: Served | undefined;

async function token(claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('ops')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

/** A JWT-protected status (seed 003's shape) with real vitals, request metrics and a log sink. */
async function serveProtected(feedOptions: Parameters<typeof serveFeed>[1] = {}) {
  const access = createAccess({ authenticators: [jwtAuth({ secret: SECRET })], anonymous: 'refuse' });
  served = await serveFeed(
    (status) => {
      status.value('version', '1.2.3', { summary: true });
      status.check('database', () => 'ok');
    },
    { vitals, ...feedOptions },
    { access },
  );
  return served;
}

beforeAll(() => {
  vitals = createVitals({ minWindowMs: 0 });
});

afterEach(async () => {
  await served?.stop();
  served = undefined;
});

describe('live feed: WebSocket transcript', () => {
  it('auth with a valid JWT answers ok, then sysinfo answers the seed 003 shape', async () => {
    const { wsUrl } = await serveProtected();
    const client = await Client.open(wsUrl);
    expect(await client.ask(`auth ${await token()}`)).toBe('ok');
    const info = await client.askJson('sysinfo');
    expect(Object.keys(info).sort()).toEqual(['cpus', 'disks', 'mem']);
    expect(info.cpus.length).toBeGreaterThan(0);
    expect(Object.keys(info.cpus[0]).sort()).toEqual(['model', 'name', 'usage']);
    expect(Object.keys(info.mem).sort()).toEqual(
      ['free', 'swap_free', 'swap_total', 'swap_used', 'total', 'used'].sort(),
    );
    expect(info.mem.total).toBeGreaterThan(0);
    for (const disk of info.disks) expect(Object.keys(disk).sort()).toEqual(['free', 'name', 'total']);
    client.close();
  });

  it('refuses a bad token with an error object and keeps the connection for a retry', async () => {
    const { wsUrl } = await serveProtected();
    const client = await Client.open(wsUrl);
    const refusal = await client.askJson('auth not.a.jwt');
    expect(refusal.error).toBe('unauthorized');
    expect(typeof refusal.message).toBe('string');
    expect(await client.ask(`auth ${await token()}`)).toBe('ok');
    client.close();
  });

  it('closes after too many failed auth attempts', async () => {
    const { wsUrl } = await serveProtected({ maxAuthFailures: 2 });
    const client = await Client.open(wsUrl);
    expect((await client.askJson('auth bad')).error).toBe('unauthorized');
    expect((await client.askJson('auth bad')).error).toBe('unauthorized');
    expect((await client.closed).code).toBe(1008);
  });

  it('plain-text errors for seed 003 clients', async () => {
    const { wsUrl } = await serveProtected({ plainTextErrors: true });
    const client = await Client.open(wsUrl);
    const refusal = await client.ask('auth nope');
    expect(() => JSON.parse(refusal)).toThrow();
    expect(refusal.length).toBeGreaterThan(0);
    expect(refusal).not.toBe('ok');
    client.close();
  });

  it('refuses every command before auth', async () => {
    const { wsUrl } = await serveProtected();
    const client = await Client.open(wsUrl);
    for (const command of ['sysinfo', 'status', 'ping', 'subscribe cpu', 'get version']) {
      expect(await client.askJson(command)).toMatchObject({ error: 'unauthenticated' });
    }
    client.close();
  });

  it('closes a connection that does not authenticate in time', async () => {
    const { wsUrl, feed } = await serveProtected({ authTimeout: 200 });
    const client = await Client.open(wsUrl);
    expect(JSON.parse(await client.next())).toMatchObject({ error: 'auth_timeout' });
    expect((await client.closed).code).toBe(1008);
    await until(() => feed.connectionCount === 0, 'the connection slot to be released');
  });

  it('answers unknown commands, status, get, help and ping', async () => {
    const { wsUrl } = await serveProtected();
    const client = await Client.open(wsUrl);
    await client.ask(`auth ${await token()}`);
    expect(await client.askJson('frobnicate now')).toMatchObject({ error: 'unknown_command' });
    expect(await client.askJson('status')).toMatchObject({ status: 'ok', version: '1.2.3' });
    expect(await client.askJson('get version')).toBe('1.2.3');
    expect(await client.askJson('get nothing.here')).toMatchObject({ error: 'not_found' });
    expect(await client.askJson('get a..b')).toMatchObject({ error: 'bad_path' });
    expect((await client.askJson('help')).topics).toContain('cpu');
    expect(await client.ask('ping')).toBe('pong');
    client.close();
  });

  it('closes the connection on an oversized message (1009)', async () => {
    const { wsUrl } = await serveProtected({ maxMessageBytes: 1024 });
    const client = await Client.open(wsUrl);
    client.send(`auth ${'x'.repeat(2048)}`);
    expect((await client.closed).code).toBe(1009);
  });

  it('subscribe pushes on the interval; unsubscribe stops them', async () => {
    const { wsUrl } = await serveProtected();
    const client = await Client.open(wsUrl);
    await client.ask(`auth ${await token()}`);
    expect(await client.askJson('subscribe cpu 100ms')).toEqual({ subscribed: 'cpu', interval: 100 });
    const first = await client.nextPush('cpu');
    const second = await client.nextPush('cpu');
    expect(second.id).toBeGreaterThan(first.id);
    expect(Array.isArray(second.data.cores)).toBe(true);
    // A witness on the same channel: its pushes prove the timer ticked after the unsubscribe.
    const witness = await Client.open(served!.wsUrl);
    await witness.ask(`auth ${await token()}`);
    expect(await witness.askJson('subscribe cpu 100ms')).toMatchObject({ subscribed: 'cpu' });
    expect(JSON.parse(await client.reply('unsubscribe cpu'))).toEqual({ unsubscribed: 'cpu' });
    // The server answers the witness's ping after the unsubscribe: a push after that pong is a
    // tick the unsubscribed client would have seen.
    witness.send('ping');
    while ((await witness.next()) !== 'pong');
    await witness.nextPush('cpu');
    // Anything pushed before the unsubscribe reply came before it; nothing comes after.
    expect(await client.ask('ping')).toBe('pong');
    witness.close();
    expect(await client.askJson('unsubscribe cpu')).toMatchObject({ error: 'not_subscribed' });
    expect(await client.askJson('subscribe weather')).toMatchObject({ error: 'unknown_topic' });
    expect(await client.askJson('subscribe cpu 1ms')).toMatchObject({ error: 'bad_interval' });
    client.close();
  });

  it('status pushes when a level changes', async () => {
    let level: 'ok' | 'critical' = 'ok';
    served = await serveFeed((status) => status.check('db', () => level), { statusPollInterval: 50 });
    const client = await Client.open(served.wsUrl);
    expect(await client.askJson('subscribe status')).toMatchObject({ subscribed: 'status' });
    expect((await client.nextPush('status')).data.status).toBe('ok');
    level = 'critical';
    const pushed = await client.nextPush('status');
    expect(pushed.data.status).toBe('critical');
    client.close();
  });

  it('accepts credentials on the upgrade request itself (JWT bearer, Basic) and needs no auth command', async () => {
    const { basicAuth } = await import('../../src/access/index.js');
    const access = createAccess({
      anonymous: 'refuse',
      authenticators: [
        jwtAuth({ secret: SECRET }),
        basicAuth({ users: [{ username: 'ops', password: 'pa55-word', tier: 'admin' }] }),
      ],
    });
    served = await serveFeed((status) => status.check('database', () => 'ok'), { vitals }, { access });
    const bearer = await Client.open(served.wsUrl, { headers: { authorization: `Bearer ${await token()}` } });
    expect((await bearer.askJson('sysinfo')).mem.total).toBeGreaterThan(0);
    bearer.close();
    const basic = await Client.open(served.wsUrl, {
      headers: { authorization: `Basic ${Buffer.from('ops:pa55-word').toString('base64')}` },
    });
    expect((await basic.askJson('status')).database.status).toBe('ok');
    basic.close();
    // Wrong credentials on the upgrade do not open the feed: the auth command is still required.
    const wrong = await Client.open(served.wsUrl, {
      headers: { authorization: `Basic ${Buffer.from('ops:nope').toString('base64')}` },
    });
    expect(await wrong.ask('sysinfo')).toContain('unauthenticated');
    wrong.close();
  });

  it('works without auth when the endpoint needs none, and tiers limit topics', async () => {
    served = await serveFeed((status) => status.value('version', '9', { summary: true }), { vitals });
    const client = await Client.open(served.wsUrl);
    expect(await client.ask('ping')).toBe('pong');
    expect(await client.ask('auth anything')).toBe('ok');
    expect((await client.askJson('sysinfo')).mem.total).toBeGreaterThan(0);
    client.close();
  });

  it('requests and metrics topics carry the real metrics', async () => {
    const registry = new MetricsRegistry();
    const requests = registry.requests('http');
    requests.record(200, 5);
    requests.record(500, 7);
    served = await serveFeed(() => {}, { requests, metrics: registry });
    const client = await Client.open(served.wsUrl);
    await client.askJson('subscribe requests 100ms');
    const push = await client.nextPush('requests');
    expect(push.data.successes.count).toBe(1);
    expect(push.data.errors.count).toBe(1);
    await client.askJson('subscribe metrics 100ms');
    expect(Object.keys((await client.nextPush('metrics')).data)).toContain('http.successes');
    client.close();
    expect(requests).toBeInstanceOf(RequestMetrics);
  });

  it('logs: a new subscriber gets the recent ring, then new lines', async () => {
    const logs = createLogSink({ capacity: 3 });
    for (const n of [1, 2, 3, 4]) logs.write(`line ${n}`);
    served = await serveFeed(() => {}, { logs });
    const client = await Client.open(served.wsUrl);
    await client.askJson('subscribe logs');
    const backlog = await client.nextPush('logs');
    expect(backlog.data.map((e: { line: string }) => e.line)).toEqual(['line 2', 'line 3', 'line 4']);
    logs.write('line 5');
    const fresh = await client.nextPush('logs');
    expect(fresh.data.map((e: { line: string }) => e.line)).toEqual(['line 5']);
    client.close();
  });

  it('limits the command rate per connection', async () => {
    served = await serveFeed(() => {}, { commandRate: { perSecond: 1, burst: 2 } });
    const client = await Client.open(served.wsUrl);
    client.send('ping');
    client.send('ping');
    client.send('ping');
    const replies = [await client.next(), await client.next(), await client.next()];
    expect(replies.filter((r) => r === 'pong')).toHaveLength(2);
    expect(replies.some((r) => r.includes('rate_limited'))).toBe(true);
    client.close();
  });

  it('refuses disallowed origins, and connections past the maximum', async () => {
    served = await serveFeed(() => {}, { allowedOrigins: ['https://ok.example'], maxConnections: 2 });
    await expect(Client.open(served.wsUrl, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    const a = await Client.open(served.wsUrl, { origin: 'https://ok.example' });
    const b = await Client.open(served.wsUrl);
    await expect(Client.open(served.wsUrl)).rejects.toThrow('HTTP 503');
    a.close();
    await a.closed;
    await until(() => served!.feed.connectionCount === 1, 'the closed connection to free its slot');
    const c = await Client.open(served.wsUrl);
    expect(await c.ask('ping')).toBe('pong');
    b.close();
    c.close();
  });

  it('leaves other upgrade paths to the app', async () => {
    served = await serveFeed(() => {});
    let seen = '';
    served.server.on('upgrade', (request, socket) => {
      if (request.url === '/app/socket') {
        seen = request.url;
        socket.end('HTTP/1.1 418 I am a teapot\r\n\r\n');
      }
    });
    await expect(Client.open(`ws://127.0.0.1:${served.port}/app/socket`)).rejects.toThrow('HTTP 418');
    expect(seen).toBe('/app/socket');
  });

  it('answers 404 to other upgrade paths when the app has no WebSocket server of its own', async () => {
    served = await serveFeed(() => {});
    await expect(Client.open(`ws://127.0.0.1:${served.port}/nowhere`)).rejects.toThrow('HTTP 404');
  });

  it('heartbeat terminates a peer that stops answering pings', async () => {
    served = await serveFeed(() => {}, { heartbeatInterval: 100 });
    const client = await Client.open(served.wsUrl);
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await until(() => served!.feed.connectionCount === 0, 'the heartbeat to terminate the peer');
    client.close();
  });
});
