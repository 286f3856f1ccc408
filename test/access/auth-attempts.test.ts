import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { type Authenticator, basicAuth, createAccess, digestAuth, jwtAuth } from '../../src/access/index.js';
import { Client } from '../live/helpers.js';
import { curl } from './harness.js';
import { type ServedStatus, serveStatus } from './served-status.js';

const SECRET = 'a-test-hmac-secret-that-is-32-bytes-long!';
const USERS = [{ username: 'admin', password: 'pa55-w0rd!', tier: 'admin' }];
const DETAIL = 'pool-size-17';

let served: ServedStatus | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

async function start(authenticators: Authenticator[]) {
  const access = createAccess({ anonymous: 'summary', authenticators });
  served = await serveStatus(
    (status) => status.check('db', () => ({ level: 'ok', fields: { pool: DETAIL } })),
    { access },
  );
  return served;
}

const sign = (claims: Record<string, unknown>, expires?: string) => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('ops');
  return (expires ? jwt.setExpirationTime(expires) : jwt).sign(new TextEncoder().encode(SECRET));
};

describe('attempted authentication is never silently anonymous', () => {
  it('answers 401 with the challenges to an empty Basic header and to an unknown scheme', async () => {
    const { base } = await start([basicAuth({ users: USERS }), digestAuth({ users: USERS })]);
    for (const header of ['Authorization: Basic ', 'Authorization: Negotiate YIIGhgYJKoZIhvcSAQICAQBuggZ1']) {
      const res = await curl(['-i', '-H', header, `${base}/status`]);
      expect(res.status, header).toBe(401);
      expect(res.body, header).toMatch(/^www-authenticate: Basic realm="statuskit"/im);
      expect(res.body, header).toMatch(/^www-authenticate: Digest realm="statuskit".*algorithm=SHA-256/im);
      expect(res.body, header).not.toContain(DETAIL);
    }
    const empty = await fetch(`${base}/status`, { headers: { authorization: 'Basic ' } });
    expect(await empty.json()).toEqual({
      error: 'unauthorized',
      message: 'Authentication failed: Basic credentials are empty',
    });
    const unknown = await fetch(`${base}/status`, { headers: { authorization: 'Token abc' } });
    expect((await unknown.json()).message).toBe(
      'Authentication failed: Token credentials are not accepted here',
    );
    // Without any Authorization header the anonymous summary is still served.
    expect(await (await fetch(`${base}/status`)).json()).toEqual({
      status: 'ok',
      durationMs: expect.any(Number),
    });
  });

  it('offers the Digest challenge when an anonymous caller asks for details, so curl --digest logs in', async () => {
    const { base } = await start([digestAuth({ users: USERS })]);
    const anonymous = await curl(['-i', `${base}/status?details=true`]);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatch(/^www-authenticate: Digest /im);
    expect(anonymous.body).toContain('Authentication required for details');
    const digest = await curl(['--digest', '-u', 'admin:pa55-w0rd!', `${base}/status?details=true`]);
    expect(digest.status).toBe(200);
    expect(digest.json().db).toMatchObject({ status: 'ok', pool: DETAIL });
    // A plain anonymous request still gets the summary (200, no challenge to answer).
    const summary = await curl(['--digest', '-u', 'admin:pa55-w0rd!', `${base}/status`]);
    expect(summary.json()).toEqual({ status: 'ok', durationMs: expect.any(Number) });
    // details=false asks for nothing more.
    expect((await curl([`${base}/status?details=false`])).status).toBe(200);
  });

  it('refuses JWTs without exp by default, over HTTP and WebSocket auth', async () => {
    const { base, wsUrl } = await start([jwtAuth({ secret: SECRET })]);
    const forever = await sign({ roles: ['admin'] });
    const res = await fetch(`${base}/status`, { headers: { authorization: `Bearer ${forever}` } });
    expect(res.status).toBe(401);
    expect((await res.json()).message).toBe(
      'Authentication failed: token has no exp claim (an expiry is required)',
    );
    const expiring = await sign({ roles: ['admin'] }, '5m');
    const ok = await fetch(`${base}/status`, { headers: { authorization: `Bearer ${expiring}` } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).db.pool).toBe(DETAIL);
    const client = await Client.open(wsUrl);
    try {
      expect(JSON.parse(await client.ask(`auth ${forever}`)).message).toContain('token has no exp');
      expect(await client.ask(`auth ${expiring}`)).toBe('ok');
    } finally {
      client.close();
    }
  });

  it('accepts tokens without exp only when requireExp is turned off', async () => {
    const { base } = await start([jwtAuth({ secret: SECRET, requireExp: false })]);
    const forever = await sign({ roles: ['admin'] });
    const res = await fetch(`${base}/status`, { headers: { authorization: `Bearer ${forever}` } });
    expect(res.status).toBe(200);
  });
});
