import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyAuth, createAccess, createMaintenance } from '../../src/index.js';
import { seededRandom } from '../support/seeded-random.js';
import { get, serve } from './helpers.js';

/**
 * Nothing a caller sends can take the process down or get a stack trace back: a seeded stream of
 * hostile requests against a status with access control, extra routes and checks, then a probe
 * that the server still answers normally.
 */
let url: string;
let stop: () => Promise<void>;
const errors: unknown[] = [];

beforeAll(async () => {
  const access = createAccess({
    anonymous: 'summary',
    authenticators: [apiKeyAuth({ keys: [{ key: 'admin-key-000000', name: 'ops', tier: 'admin' }] })],
  });
  const started = await serve(
    (s) => {
      s.value('version', '1.0.0', { summary: true });
      s.value('list', [{ a: 1 }, { b: [1, 2, 3] }]);
      s.check('components.db', () => ({ level: 'ok', fields: { pool: 3 } }));
      s.check('components.flaky', () => {
        throw new Error('boom');
      });
      createMaintenance(s, {});
    },
    { access, onError: (e: unknown) => errors.push(e) },
  );
  url = started.url;
  stop = started.stop;
});

afterAll(async () => {
  await stop();
});

const PIECES = [
  'status',
  'components',
  'db',
  '..',
  '%2e%2e',
  '%E0%A4%A',
  '%00',
  '~1',
  '[0]',
  '[99999999999]',
  '__proto__',
  'constructor',
  'maintenance',
  'health',
  'live',
  'ready',
  'metrics',
  '',
  '.',
  '..%2F',
];
const PARAMS = ['path', 'details', 'pretty', 'format', 'id', 'message', 'end', 'components', 'x'];
const VALUES = [
  '',
  'true',
  'false',
  'maybe',
  'a..b',
  '/a/~2',
  'list[1].b[2]',
  '[0]',
  '%ZZ',
  'health',
  'json',
  'xml',
  '2099-01-01',
  'not-a-date',
  '9'.repeat(400),
  '__proto__.polluted',
];

function hostileRequest(next: () => number): {
  method: string;
  path: string;
  headers: Record<string, string>;
} {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const segments = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(PIECES));
  const query = Array.from({ length: Math.floor(next() * 5) }, () => `${pick(PARAMS)}=${pick(VALUES)}`).join(
    '&',
  );
  const headers: Record<string, string> = {};
  if (next() < 0.3) headers['x-api-key'] = next() < 0.5 ? 'admin-key-000000' : 'wrong';
  if (next() < 0.2) headers.accept = 'application/health+json';
  if (next() < 0.2)
    headers.authorization = pick([
      'Basic Og==',
      'Digest garbage',
      'Bearer x.y.z',
      'Digest username="a", nonce="%%%"',
    ]);
  return {
    method: pick(['GET', 'HEAD', 'POST', 'DELETE', 'PUT', 'OPTIONS', 'PATCH']),
    path: `/${segments.join('/')}${query ? `?${query}` : ''}`,
    headers,
  };
}

function rawExchange(payload: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.setTimeout(2000, () => socket.destroy());
    socket.end(payload);
  });
}

describe('hostile input', () => {
  it('answers 2000 generated requests with JSON and never a stack or a 500', async () => {
    const next = seededRandom(42);
    for (let i = 0; i < 2000; i++) {
      const { method, path, headers } = hostileRequest(next);
      const body = method === 'POST' && next() < 0.5 ? pickBody(next) : undefined;
      const res = await fetch(url + path, { method, headers, body }).catch((error: Error) => ({ error }));
      if ('error' in res) throw new Error(`${method} ${path}: ${res.error.message}`);
      const text = await res.text();
      // 503 is a legitimate answer (a critical check, maintenance); 500 would be a bug.
      expect(res.status, `${method} ${path}`).not.toBe(500);
      expect(text, `${method} ${path}`).not.toMatch(/\n\s+at .+:\d+:\d+/);
      if (text && method !== 'HEAD')
        expect(() => JSON.parse(text), `${method} ${path}: ${text.slice(0, 80)}`).not.toThrow();
    }
    expect(errors).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('survives malformed HTTP on the wire and keeps serving', async () => {
    for (const payload of [
      'GARBAGE\r\n\r\n',
      'GET /status HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
      `GET /status?${'a=1&'.repeat(5000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      'POST /status/maintenance HTTP/1.1\r\nHost: x\r\nx-api-key: admin-key-000000\r\nContent-Length: 100000\r\n\r\n{',
      'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      '\u0000\u0001\u0002',
    ]) {
      await rawExchange(payload);
    }
    const res = await get(`${url}/status`);
    expect(res.status).toBe(503);
    expect((res.json() as { version: string }).version).toBe('1.0.0');
    expect((await get(`${url}/health/live`)).status).toBe(200);
  });
});

function pickBody(next: () => number): string {
  const bodies = [
    '{',
    '[]',
    'null',
    '{"message":1}',
    '{"end":"tomorrow"}',
    '{"components":"x,y"}',
    '{"__proto__":{"polluted":1}}',
    'x'.repeat(20_000),
  ];
  return bodies[Math.floor(next() * bodies.length)];
}
