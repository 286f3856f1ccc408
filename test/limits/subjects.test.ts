import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyAuth, createAccess, jwtAuth } from '../../src/access/index.js';
import { createStatus, type RunningServer } from '../../src/index.js';
import { guardStatus, RateLimiter } from '../../src/limits/index.js';

const SECRET = 'a-test-hmac-secret-that-is-32-bytes-long!';

describe('rate-limit subjects', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('gives a JWT subject and an API key of the same name separate budgets (real HTTP)', async () => {
    const access = createAccess({
      tiers: { standard: { details: true, messages: false } },
      authenticators: [
        apiKeyAuth({ keys: [{ key: 'ops-api-key-123', name: 'ops', tier: 'standard' }] }),
        jwtAuth({ secret: SECRET, tierClaim: 'tier' }),
      ],
    });
    const status = createStatus({ access });
    status.check('db', () => 'ok');
    guardStatus(
      status,
      new RateLimiter({
        tiers: { anonymous: { limit: 1, window: '1m' }, standard: { limit: 2, window: '1m' } },
      }),
    );
    running = await status.listen();
    const jwt = await new SignJWT({ tier: 'standard' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ops')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const codes = async (headers: Record<string, string>) => {
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${running!.url}/status`, { headers });
        await res.arrayBuffer();
        out.push(res.status);
      }
      return out;
    };
    expect(await codes({ authorization: `Bearer ${jwt}` })).toEqual([200, 200, 429]);
    expect(await codes({ 'x-api-key': 'ops-api-key-123' })).toEqual([200, 200, 429]);
  });

  it('keys anonymous callers by IPv4 address and IPv6 /64, and schemes apart from identify()', () => {
    const limiter = new RateLimiter();
    const key = (remoteAddress: string) => limiter.subjectOf({ remoteAddress }).key;
    expect(key('2001:db8:5:6::1')).toBe(key('2001:db8:5:6:ffff::2'));
    expect(key('2001:db8:5:6::1')).not.toBe(key('2001:db8:5:7::1'));
    expect(key('::ffff:192.0.2.4')).toBe(key('192.0.2.4'));
    expect(key('192.0.2.4')).not.toBe(key('192.0.2.5'));
    const principal = (scheme: string | undefined, id: string) =>
      limiter.subjectOf({}, { id, tier: 'anonymous', scheme }).key;
    expect(
      new Set([principal('jwt', 'ops'), principal('apiKey', 'ops'), principal(undefined, 'ops')]).size,
    ).toBe(3);
    expect(principal('a:b', 'c')).not.toBe(principal('a', 'b:c'));
  });
});
