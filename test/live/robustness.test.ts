import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccess, jwtAuth } from '../../src/access/index.js';
import { createLogSink } from '../../src/live/index.js';
import { MetricsRegistry, RequestMetrics } from '../../src/metrics/index.js';
import { createVitals } from '../../src/vitals/index.js';
import { seededRandom } from '../support/seeded-random.js';
import { Client, type Served, SseClient, serveFeed } from './helpers.js';
import { closeCodeOf, hugeLengthHeader, maskedFrame, rawUpgrade } from './raw-ws.js';

/**
 * Nothing a live-feed client sends takes the process down, leaks a stack, or stops the feed for
 * others: seeded hostile commands over a real `ws` client, malformed frames on a raw socket,
 * hostile SSE requests — with a bystander subscriber that must keep receiving throughout.
 */
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
let served: Served;
const errors: unknown[] = [];
let bystander: Client;
let bystanderPushes = 0;
const pushWaiters = new Set<() => void>();

const token = (claims: Record<string, unknown> = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('ops')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));

beforeAll(async () => {
  // No failure throttle: the fuzz sends thousands of bad credentials from one address on purpose.
  const access = createAccess({
    authenticators: [jwtAuth({ secret: SECRET })],
    anonymous: 'refuse',
    throttle: false,
  });
  const registry = new MetricsRegistry();
  registry.counter('jobs').inc(3);
  served = await serveFeed(
    (status) => {
      status.value('version', '1.2.3', { summary: true });
      status.value('list', [{ a: 1 }, { b: [1, 2, 3] }]);
      status.check('database', () => 'ok');
      status.check('flaky', () => {
        throw new Error('boom');
      });
    },
    {
      vitals: createVitals({ minWindowMs: 0 }),
      requests: new RequestMetrics(),
      metrics: registry,
      logs: createLogSink(),
      commandRate: { perSecond: 10_000, burst: 10_000 },
      maxAuthFailures: 1_000_000,
      onError: (error) => errors.push(error),
    },
    { access },
  );
  bystander = await Client.open(served.wsUrl);
  expect(await bystander.ask(`auth ${await token()}`)).toBe('ok');
  bystander.ws.on('message', (data) => {
    if (!String(data).startsWith('{"topic":"sysinfo"')) return;
    bystanderPushes += 1;
    for (const wake of pushWaiters) wake();
  });
  bystander.send('subscribe sysinfo 100ms');
});

afterAll(async () => {
  bystander?.close();
  await served?.stop();
});

const WORDS = [
  'auth',
  'AUTH',
  'sysinfo',
  'status',
  'get',
  'subscribe',
  'unsubscribe',
  'ping',
  'help',
  'status',
  'cpu',
  'network',
  'requests',
  'logs',
  'metrics',
  'sysinfo',
  '__proto__',
  'constructor',
  'prototype',
  'list[0].a',
  'list[99999999999999]',
  '/list/1/b/2',
  '~1',
  '[',
  ']',
  '..',
  '0ms',
  '-1s',
  '1e999ms',
  'NaN',
  '99999999h',
  '100ms',
  '1h',
  '\u0000',
  '\ud800',
  '😀',
  '%00',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'a'.repeat(1000),
  '\t',
  '\n',
  '   ',
];

function hostileCommand(next: () => number): string {
  const count = Math.floor(next() * 5);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(WORDS[Math.floor(next() * WORDS.length)]);
  const separator = next() < 0.8 ? ' ' : ['\t', '  ', '\n', ''][Math.floor(next() * 4)];
  return parts.join(separator);
}

/** A reply a client can act on: data, a known word, or `{error, message}`, never a stack. */
function expectWellFormed(reply: string): void {
  expect(reply).not.toMatch(/\n\s+at |\.ts:\d+|node:internal/);
  if (reply === 'ok' || reply === 'pong') return;
  const parsed = JSON.parse(reply);
  if (parsed && typeof parsed === 'object' && 'error' in parsed) {
    expect(typeof parsed.error).toBe('string');
    expect(typeof parsed.message).toBe('string');
  }
}

describe('live feed robustness', () => {
  it('2000 seeded hostile commands: every reply well formed, the connection and the feed survive', async () => {
    const client = await Client.open(served.wsUrl);
    const next = seededRandom(20261122);
    const before = bystanderPushes;
    const credential = await token();
    let sent = 0;
    for (let i = 0; i < 2000; i++) {
      // Half the run authenticated, so commands past the auth gate are exercised too.
      client.send(i === 1000 ? `auth ${credential}` : hostileCommand(next));
      sent += 1;
    }
    client.send('ping');
    const replies: string[] = [];
    for (;;) {
      const reply = await client.next();
      if (reply === 'pong' && replies.length >= sent - 1) break;
      // Pushes of topics the fuzz subscribed to interleave with replies.
      if (!reply.startsWith('{"topic":')) replies.push(reply);
    }
    for (const reply of replies) expectWellFormed(reply);
    expect(replies.some((r) => r.includes('"unknown_command"'))).toBe(true);
    expect(replies.some((r) => r.includes('"unauthenticated"'))).toBe(true);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    await bystanderReceivesAfter(before);
    expect(errors).toEqual([]);
    client.close();
  }, 30_000);

  it('binary frames and invalid UTF-8 get an error reply or a protocol close, nothing worse', async () => {
    const client = await Client.open(served.wsUrl);
    client.ws.send(Buffer.from('ping'), { binary: true });
    expectWellFormed(await client.next());
    client.ws.send(randomBytes(64), { binary: true });
    expectWellFormed(await client.next());
    // A text frame that is not UTF-8: RFC 6455 says close with 1007.
    const raw = await rawUpgrade(served.port);
    raw.socket.write(maskedFrame(0x1, Buffer.from([0xc3, 0x28, 0xff])));
    expect(await closeCodeOf(raw.socket, raw.rest)).toBe(1007);
    client.close();
  });

  it('malformed frames on a raw socket close that connection with a protocol error; others keep receiving', async () => {
    const cases: Array<[string, Buffer, number]> = [
      // Clients must mask their frames.
      ['unmasked frame', Buffer.concat([Buffer.from([0x81, 0x04]), Buffer.from('ping')]), 1002],
      ['reserved bits set', maskedFrame(0x1, Buffer.from('ping'), 0x70), 1002],
      ['unknown opcode', maskedFrame(0x3, Buffer.from('ping')), 1002],
      ['fragmented control frame', maskedFrame(0x9, Buffer.from('x'), 0, false), 1002],
      ['a length of 2^63 - 1', hugeLengthHeader(), 1009],
      ['message over maxMessageBytes', maskedFrame(0x1, Buffer.alloc(5000, 0x61)), 1009],
      ['continuation without a start', maskedFrame(0x0, Buffer.from('x')), 1002],
    ];
    const before = bystanderPushes;
    for (const [name, frame, code] of cases) {
      const { socket, rest } = await rawUpgrade(served.port);
      socket.write(frame);
      expect(await closeCodeOf(socket, rest), name).toBe(code);
    }
    // Garbage in place of a handshake, and a handshake cut off halfway.
    for (const junk of [
      '\x16\x03\x01\x00\xa5garbage\r\n\r\n',
      'GET /api/health/ws HTTP/1.1\r\nUpgrade: web',
    ]) {
      const socket = connect(served.port, '127.0.0.1');
      socket.on('error', () => {});
      let answer = '';
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString('latin1');
      });
      socket.end(junk);
      await new Promise((resolve) => socket.once('close', resolve));
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    }
    await bystanderReceivesAfter(before);
    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
    expect(errors).toEqual([]);
  });

  it('hostile SSE requests get JSON errors; a fresh stream still works afterwards', async () => {
    const bearer = { authorization: `Bearer ${await token()}` };
    const queries = [
      'topics=',
      'topics=,,,',
      'topics=__proto__',
      `topics=${'status,'.repeat(500)}`,
      'topics=status&lastEventId=-1',
      'topics=status&lastEventId=1e309',
      'topics=status&lastEventId=99999999999999999999999',
      'topics=status&lastEventId=abc',
      'topics=%E0%A4%A',
      'topics=logs,logs,logs',
    ];
    for (const query of queries) {
      const response = await fetch(`${served.httpUrl}/status/stream?${query}`, { headers: bearer });
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
        await response.body?.cancel();
        continue;
      }
      expect(response.status, query).toBeGreaterThanOrEqual(400);
      expect(response.status, query).toBeLessThan(500);
      const body = await response.json();
      expect(typeof body.error, query).toBe('string');
    }
    for (const lastEventId of ['-5', 'NaN', '\u0000', '9'.repeat(400)]) {
      const stream = await SseClient.open(`${served.httpUrl}/status/stream?topics=status`, {
        ...bearer,
        'last-event-id': encodeURIComponent(lastEventId),
      });
      expect(stream.response.statusCode).toBe(200);
      const [event] = await stream.waitFor(1);
      expect(event.event).toBe('status');
      stream.close();
    }
    expect(errors).toEqual([]);
  });

  it('after all of it the server answers a new client normally', async () => {
    const client = await Client.open(served.wsUrl);
    expect(await client.ask(`auth ${await token()}`)).toBe('ok');
    const sysinfo = await client.askJson('sysinfo');
    expect(Array.isArray(sysinfo.cpus)).toBe(true);
    const response = await fetch(`${served.httpUrl}/status`, {
      headers: { authorization: `Bearer ${await token()}` },
    });
    // The throwing check makes the document critical: 503, with its redacted message.
    expect(response.status).toBe(503);
    expect(JSON.stringify(await response.json())).not.toMatch(/\n\s+at /);
    client.close();
  });
});

/** The bystander's subscription still delivers: a push beyond `count` arrives within 2 s. */
function bystanderReceivesAfter(count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const wake = () => {
      if (bystanderPushes <= count) return;
      clearTimeout(timer);
      pushWaiters.delete(wake);
      resolve();
    };
    const timer = setTimeout(() => {
      pushWaiters.delete(wake);
      reject(new Error(`the bystander received nothing after push ${count}`));
    }, 2000);
    pushWaiters.add(wake);
    wake();
  });
}
