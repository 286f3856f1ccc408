import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccess, jwtAuth } from '../../src/access/index.js';
import { serveAccess, type TestServer } from './harness.js';

const SECRET = 'a-test-hmac-secret-that-is-32-bytes-long!';
const NOW = 1_800_000_000; // seconds; the access layer's clock is pinned to it

async function signHs(payload: JWTPayload, secret = SECRET, alg = 'HS256'): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

async function status(server: TestServer, token: string): Promise<{ code: number; body: any }> {
  const res = await fetch(`${server.base}/status`, { headers: { authorization: `Bearer ${token}` } });
  return { code: res.status, body: await res.json() };
}

describe('Bearer JWT with a static key', () => {
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  let rsaPem: string;
  let hsServer: TestServer;
  let rsServer: TestServer;
  let clock = NOW * 1000;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    rsaPem = await exportSPKI(rsa.publicKey);
    const common = { anonymous: 'refuse' as const, now: () => clock };
    hsServer = await serveAccess(
      createAccess({
        ...common,
        authenticators: [
          jwtAuth({
            secret: SECRET,
            issuer: 'https://idp.test',
            audience: 'statuskit',
            rolesClaim: 'realm.roles',
          }),
        ],
      }),
    );
    rsServer = await serveAccess(
      createAccess({ ...common, authenticators: [jwtAuth({ publicKey: rsaPem })] }),
    );
  });
  afterAll(async () => {
    await hsServer.close();
    await rsServer.close();
  });

  const valid = (extra: JWTPayload = {}): JWTPayload => ({
    sub: 'user-7',
    name: 'Seven',
    iss: 'https://idp.test',
    aud: 'statuskit',
    exp: NOW + 600,
    realm: { roles: ['viewer'] },
    ...extra,
  });

  it('accepts a valid HS256 token and maps roles from a nested claim to tiers', async () => {
    const reader = await status(hsServer, await signHs(valid()));
    expect(reader.code).toBe(200);
    expect(reader.body.principal).toEqual({
      id: 'user-7',
      name: 'Seven',
      tier: 'reader',
      roles: ['viewer'],
      scheme: 'jwt',
    });
    const admin = await status(hsServer, await signHs(valid({ realm: { roles: ['viewer', 'admin'] } })));
    expect(admin.body.principal.tier).toBe('admin');
    expect(admin.body.disclosure).toEqual({ key: 'full', details: true, messages: true });
  });

  it('accepts RS256 with the configured public key', async () => {
    const token = await new SignJWT({ sub: 'svc' })
      .setProtectedHeader({ alg: 'RS256' })
      .setExpirationTime(NOW + 60)
      .sign(rsa.privateKey);
    expect((await status(rsServer, token)).code).toBe(200);
  });

  it('refuses alg: none', async () => {
    const unsigned = new UnsecuredJWT(valid()).encode();
    expect(unsigned.split('.')[2]).toBe('');
    expect((await status(hsServer, unsigned)).code).toBe(401);
    expect((await status(rsServer, unsigned)).code).toBe(401);
  });

  it('refuses an HS256 token signed with the RSA public key (algorithm confusion)', async () => {
    const confused = await signHs({ sub: 'attacker', exp: NOW + 60 }, rsaPem);
    const result = await status(rsServer, confused);
    expect(result.code).toBe(401);
    expect(result.body.message).toContain('algorithm not allowed');
  });

  it('refuses expired and not-yet-valid tokens, within the clock tolerance only', async () => {
    expect((await status(hsServer, await signHs(valid({ exp: NOW - 60 })))).body.message).toContain(
      'token expired',
    );
    expect((await status(hsServer, await signHs(valid({ nbf: NOW + 60 })))).code).toBe(401);
    // 3 s past exp / before nbf is inside the default 5 s tolerance.
    expect((await status(hsServer, await signHs(valid({ exp: NOW - 3 })))).code).toBe(200);
    expect((await status(hsServer, await signHs(valid({ nbf: NOW + 3 })))).code).toBe(200);
  });

  it('refuses a wrong audience, a wrong issuer and a wrong signature', async () => {
    expect((await status(hsServer, await signHs(valid({ aud: 'someone-else' })))).body.message).toContain(
      'aud',
    );
    expect(
      (await status(hsServer, await signHs(valid({ iss: 'https://evil.test' })))).body.message,
    ).toContain('iss');
    expect(
      (await status(hsServer, await signHs(valid(), 'another-secret-that-is-32-bytes-long!!'))).code,
    ).toBe(401);
    expect((await status(hsServer, 'not.a.jwt')).code).toBe(401);
  });

  it('keeps a verified token cached, but never past its exp', async () => {
    const token = await signHs(valid({ exp: NOW + 30 }));
    expect((await status(hsServer, token)).code).toBe(200);
    clock += 40_000; // past exp + tolerance: the cache must not answer
    try {
      expect((await status(hsServer, token)).body.message).toContain('token expired');
    } finally {
      clock = NOW * 1000;
    }
  });

  it('configuration rejects none and cross-family algorithm lists', () => {
    expect(() => jwtAuth({ secret: SECRET, algorithms: ['none'] })).toThrow(/do not fit/);
    expect(() => jwtAuth({ publicKey: rsaPem, algorithms: ['HS256'] })).toThrow(/do not fit/);
    expect(() => jwtAuth({ secret: 'short' })).toThrow(/32 bytes/);
    expect(() => jwtAuth({ secret: SECRET, publicKey: rsaPem })).toThrow(/exactly one/);
  });
});

describe('Bearer JWT with a JWKS served over HTTP', () => {
  let jwksServer: http.Server;
  let jwksUrl: string;
  let jwksHits = 0;
  let jwksUp = true;
  let es: Awaited<ReturnType<typeof generateKeyPair>>;
  let ed: Awaited<ReturnType<typeof generateKeyPair>>;

  beforeAll(async () => {
    es = await generateKeyPair('ES256', { extractable: true });
    ed = await generateKeyPair('EdDSA', { extractable: true });
    const keys = [
      { ...(await exportJWK(es.publicKey)), kid: 'es', alg: 'ES256' },
      { ...(await exportJWK(ed.publicKey)), kid: 'ed', alg: 'EdDSA' },
    ];
    jwksServer = http.createServer((_req, res) => {
      jwksHits++;
      if (!jwksUp) {
        res.writeHead(503).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())));

  it('verifies ES256 and EdDSA tokens against the fetched key set, fetching it once', async () => {
    const server = await serveAccess(
      createAccess({ anonymous: 'refuse', authenticators: [jwtAuth({ jwksUrl })] }),
    );
    try {
      const esToken = await new SignJWT({ sub: 'es-user' })
        .setProtectedHeader({ alg: 'ES256', kid: 'es' })
        .setExpirationTime('5m')
        .sign(es.privateKey);
      const edToken = await new SignJWT({ sub: 'ed-user' })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'ed' })
        .setExpirationTime('5m')
        .sign(ed.privateKey);
      expect((await status(server, esToken)).body.principal.id).toBe('es-user');
      expect((await status(server, edToken)).body.principal.id).toBe('ed-user');
      expect(jwksHits).toBe(1);
      const forged = await new SignJWT({ sub: 'x' })
        .setProtectedHeader({ alg: 'ES256', kid: 'es' })
        .setExpirationTime('5m')
        .sign((await generateKeyPair('ES256')).privateKey);
      expect((await status(server, forged)).code).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('answers a cached token without the key set, while a new token needs it', async () => {
    jwksUp = true;
    const access = createAccess({
      anonymous: 'refuse',
      authenticators: [jwtAuth({ jwksUrl, jwks: { cacheMaxAgeMs: 1, cooldownMs: 1 } })],
    });
    const server = await serveAccess(access);
    try {
      const sign = (sub: string) =>
        new SignJWT({ sub })
          .setProtectedHeader({ alg: 'ES256', kid: 'es' })
          .setExpirationTime('5m')
          .sign(es.privateKey);
      const first = await sign('cached');
      expect((await status(server, first)).code).toBe(200);
      jwksUp = false; // the key set is gone and jose's own key cache is already stale
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect((await status(server, first)).body.principal.id).toBe('cached');
      const second = await sign('fresh');
      expect((await status(server, second)).body.message).toContain('signing keys unavailable');
    } finally {
      jwksUp = true;
      await server.close();
    }
  });

  it('authenticates the bare credential of a WebSocket `auth <jwt>` message', async () => {
    const access = createAccess({ authenticators: [jwtAuth({ jwksUrl })] });
    const token = await new SignJWT({ sub: 'ws', roles: ['admin'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'ed' })
      .setExpirationTime('5m')
      .sign(ed.privateKey);
    const accepted = await access.authenticateCredential(token);
    expect(accepted).toMatchObject({
      ok: true,
      principal: { id: 'ws', tier: 'admin' },
      disclosure: { key: 'full' },
    });
    expect(await access.authenticateCredential('garbage')).toEqual({ ok: false, error: 'malformed token' });
    expect(await access.authenticateCredential(new UnsecuredJWT({ sub: 'x' }).encode())).toMatchObject({
      ok: false,
    });
  });
});
