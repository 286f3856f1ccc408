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
