import { describe, expect, it } from 'vitest';
import { createRedactor, redact, redactValue } from '../../src/access/index.js';

describe('redact', () => {
  it('masks passwords in URLs but keeps user, host and path', () => {
    expect(redact('connect postgres://app:s3cr%40t@db.internal:5432/orders failed')).toBe(
      'connect postgres://app:***@db.internal:5432/orders failed',
    );
    expect(redact('GET https://user:pw@example.test/x')).toBe('GET https://user:***@example.test/x');
    expect(redact('redis://:onlypass@cache:6379')).toBe('redis://:***@cache:6379');
  });

  it('masks key=value and key: value secrets', () => {
    expect(redact('login failed: password=hunter2; user=bob')).toBe('login failed: password=***; user=bob');
    expect(redact('GET /cb?pwd=abc&token=xyz&page=2')).toBe('GET /cb?pwd=***&token=***&page=2');
    expect(redact('{"client_secret":"abc123","id":4}')).toBe('{"client_secret":"***","id":4}');
    expect(redact('secret: shh api_key=k-1 X-Api-Key: k-2')).toBe('secret: *** api_key=*** X-Api-Key: ***');
  });

  it('masks bearer tokens and Authorization values', () => {
    expect(redact('Authorization: Bearer eyJhbGciOi.J9.x-y_z')).toBe('Authorization: Bearer ***');
    expect(redact('upstream said: bearer abc.def.ghi rejected')).toBe('upstream said: bearer *** rejected');
    expect(redact('authorization: Digest username="u", response="abc"')).toBe('authorization: Digest ***');
    expect(redact('Authorization: Basic dTpw')).toBe('Authorization: Basic ***');
    expect(redact('{"authorization":"Bearer abc","x":1}')).toBe('{"authorization":"***","x":1}');
  });

  it('masks configured secret values, also URL-encoded, longest first', () => {
    const clean = createRedactor({ secrets: ['p@ss word!', 'p@ss', 'ab'] });
    expect(clean('auth with p@ss word! and p%40ss%20word! and p@ss')).toBe('auth with *** and *** and ***');
    // Secrets under 4 characters would mangle ordinary text and are ignored.
    expect(clean('about tabs')).toBe('about tabs');
  });

  it('leaves ordinary text alone', () => {
    const text = 'ECONNREFUSED 127.0.0.1:5432 after 3 tokens of 10 ms; see https://example.test/docs?page=2';
    expect(redact(text)).toBe(text);
  });

  it('redacts values deeply and masks secret-named fields', () => {
    const input = {
      url: 'amqp://u:p4ss@mq',
      nested: [{ password: 'x', note: 'token=abc' }],
      count: 3,
      ok: true,
    };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(redactValue(input)).toEqual({
      url: 'amqp://u:***@mq',
      nested: [{ password: '***', note: 'token=***' }],
      count: 3,
      ok: true,
    });
    expect(input.nested[0].password).toBe('x');
    expect(redactValue(cyclic)).toEqual({ name: 'loop', self: '[…]' });
  });
});

describe('redact: what check output carries', () => {
  it('masks prefixed names, quoted values, bare JWTs, private keys and cookies', () => {
    expect(redact('DB_PASSWORD=hunter2 MYSQL_ROOT_PASSWORD: x1 AWS_SECRET_ACCESS_KEY=abc/def')).toBe(
      'DB_PASSWORD=*** MYSQL_ROOT_PASSWORD: *** AWS_SECRET_ACCESS_KEY=***',
    );
    expect(redact(`token="two words" secret='also two' apikey=k9`)).toBe(
      `token="***" secret='***' apikey=***`,
    );
    expect(redact('GET /f?X-Amz-Signature=9f2c&X-Amz-Date=20240101')).toBe(
      'GET /f?X-Amz-Signature=***&X-Amz-Date=20240101',
    );
    expect(redact('got eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl back')).toBe('got *** back');
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAA\n-----END RSA PRIVATE KEY-----';
    expect(redact(`loaded ${pem} from disk`)).toBe('loaded *** from disk');
    expect(redact('cut off: -----BEGIN PRIVATE KEY-----\nMIIEvQ')).toBe('cut off: ***');
    expect(redact('request had Cookie: sid=abc; theme=dark\nnext line')).toBe(
      'request had Cookie: ***\nnext line',
    );
  });

  it('leaves words that only look like names alone', () => {
    const text = 'bypass: on; passwords rotated; design: ok; signal: SIGTERM; 3 tokens left; max_tokens: 5';
    expect(redact(text)).toBe(text);
  });

  it('masks secret-named fields in any naming style, strings only, and copies only what changes', () => {
    const at = new Date(0);
    const clean = { count: 3, at, list: ['a', 'b'], nested: { ok: true } };
    expect(redactValue(clean)).toBe(clean);
    const input = {
      dbPassword: 'x',
      client_secret: 'y',
      'x-api-key': 'z',
      accessToken: 'w',
      credentials: 'v',
      tokens: 12,
      passwordless: 'yes',
      token: 5,
      at,
      keep: { same: 1 },
    };
    const output = redactValue(input) as Record<string, unknown>;
    expect(output).toEqual({
      dbPassword: '***',
      client_secret: '***',
      'x-api-key': '***',
      accessToken: '***',
      credentials: '***',
      tokens: 12,
      passwordless: 'yes',
      token: 5,
      at,
      keep: { same: 1 },
    });
    expect(output.at).toBe(at);
    expect(output.keep).toBe(input.keep);
    const proto = JSON.parse('{"__proto__": {"password": "x"}, "note": "password=y"}');
    const cleaned = redactValue(proto) as Record<string, unknown>;
    expect(Object.getPrototypeOf(cleaned)).toBe(Object.prototype);
    expect(JSON.stringify(cleaned)).toBe('{"__proto__":{"password":"***"},"note":"password=***"}');
  });
});
