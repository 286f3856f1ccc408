import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeyAuth,
  apiKeyHash,
  basicAuth,
  createAccess,
  digestAuth,
  jwtAuth,
  tokenPairAuth,
} from '../../src/access/index.js';
import { curl, serveAccess, type TestServer } from './harness.js';

const WICKSON_KEY = 'wk_live_5f2b9c1e';
const HASHED_KEY = 'wk_hashed_key_77';
const PAIR = {
  token: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.sig',
  key: '8fd26a17-eb28-4c74-aa6f-a3794f4f466c',
};

describe('header credentials through curl', () => {
  let server: TestServer;
  let queryServer: TestServer;

  beforeAll(async () => {
    const access = createAccess({
      authenticators: [
        apiKeyAuth({
          keys: [
            { key: WICKSON_KEY, name: 'monitor', tier: 'reader' },
            { sha256: `sha256:${apiKeyHash(HASHED_KEY)}`, name: 'ops', tier: 'admin', roles: ['ops'] },
          ],
        }),
        tokenPairAuth({ pairs: [{ ...PAIR, name: 'webitel', tier: 'admin' }] }),
        basicAuth({ users: [{ username: 'bob', password: 'b0b-pass', tier: 'reader' }] }),
      ],
    });
    server = await serveAccess(access);
    queryServer = await serveAccess(
      createAccess({
        authenticators: [apiKeyAuth({ keys: [{ key: WICKSON_KEY }], queryParameter: 'api_key' })],
      }),
    );
  });
  afterAll(async () => {
    await server.close();
    await queryServer.close();
  });

  it('accepts API keys stored plain and as hashes, each with its name and tier', async () => {
    const plain = await curl(['-H', `X-Api-Key: ${WICKSON_KEY}`, `${server.base}/v1/status`]);
    expect(plain.status).toBe(200);
    expect(plain.json().principal).toEqual({
      id: 'monitor',
      name: 'monitor',
      tier: 'reader',
      roles: [],
      scheme: 'apiKey',
    });
    expect(plain.json().disclosure).toEqual({ key: 'details', details: true, messages: false });
    const hashed = await curl(['-H', `x-api-key: ${HASHED_KEY}`, `${server.base}/v1/status`]);
    expect(hashed.json().principal).toMatchObject({ id: 'ops', tier: 'admin', roles: ['ops'] });
  });

  it('refuses an unknown API key with 401 rather than treating it as anonymous', async () => {
    const result = await curl(['-H', 'X-Api-Key: wk_live_guess', `${server.base}/v1/status`]);
    expect(result.status).toBe(401);
    expect(result.json()).toEqual({
      error: 'unauthorized',
      message: 'Authentication failed: unknown API key',
    });
  });

  it('ignores API keys in the query string unless a parameter is configured', async () => {
    const ignored = await curl([`${server.base}/v1/status?api_key=${WICKSON_KEY}`]);
    expect(ignored.json()).toEqual({
      principal: null,
      disclosure: { key: 'summary', details: false, messages: false },
    });
    const accepted = await curl([`${queryServer.base}/v1/status?api_key=${WICKSON_KEY}`]);
    expect(accepted.json().principal.scheme).toBe('apiKey');
  });

  it('accepts the Webitel header pair and refuses a wrong or missing half', async () => {
    const ok = await curl([
      '-H',
      `X-Access-Token: ${PAIR.token}`,
      '-H',
      `X-Key: ${PAIR.key}`,
      `${server.base}/api/v2/status`,
    ]);
    expect(ok.status).toBe(200);
    expect(ok.json().principal).toMatchObject({ id: 'webitel', tier: 'admin', scheme: 'tokenPair' });
    const wrongToken = await curl([
      '-H',
      `X-Access-Token: ${PAIR.token}x`,
      '-H',
      `X-Key: ${PAIR.key}`,
      `${server.base}/api/v2/status`,
    ]);
    expect(wrongToken.status).toBe(401);
    const wrongKey = await curl([
      '-H',
      `X-Access-Token: ${PAIR.token}`,
      '-H',
      'X-Key: c1d19874-f2bb-4284-94ac-043cb97288fe',
      `${server.base}/api/v2/status`,
    ]);
    expect(wrongKey.status).toBe(401);
    const onlyKey = await curl(['-H', `X-Key: ${PAIR.key}`, `${server.base}/api/v2/status`]);
    expect(onlyKey.status).toBe(401);
    expect(onlyKey.json().message).toContain('both x-access-token and x-key are required');
    const onlyToken = await curl(['-H', `X-Access-Token: ${PAIR.token}`, `${server.base}/api/v2/status`]);
    expect(onlyToken.status).toBe(401);
  });

  it('checks a pair with a verifier function', async () => {
    const access = createAccess({
      anonymous: 'refuse',
      authenticators: [
        tokenPairAuth({
          verify: async (token, key) =>
            token === 't' && key === 'k' ? { name: 'fn', tier: 'reader' } : null,
        }),
      ],
    });
    const fnServer = await serveAccess(access);
    try {
      expect(
        (await curl(['-H', 'X-Access-Token: t', '-H', 'X-Key: k', fnServer.base])).json().principal.id,
      ).toBe('fn');
      expect((await curl(['-H', 'X-Access-Token: t', '-H', 'X-Key: nope', fnServer.base])).status).toBe(401);
      expect((await curl([fnServer.base])).status).toBe(401);
    } finally {
      await fnServer.close();
    }
  });

  it('accepts curl -u Basic and refuses a wrong password with a Basic challenge', async () => {
    const ok = await curl(['-u', 'bob:b0b-pass', `${server.base}/status`]);
    expect(ok.json().principal).toMatchObject({ id: 'bob', scheme: 'basic' });
    const wrong = await curl(['-D', '-', '-u', 'bob:nope', `${server.base}/status`]);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatch(/www-authenticate: Basic realm="statuskit"/i);
    expect((await curl(['-u', 'nobody:b0b-pass', `${server.base}/status`])).status).toBe(401);
  });
});

describe('tiers and endpoint policies', () => {
  const authenticators = [
    apiKeyAuth({
      keys: [
        { key: 'reader-key', tier: 'reader' },
        { key: 'admin-key', tier: 'admin' },
        { key: 'ops-key', tier: 'ops' },
      ],
    }),
    basicAuth({ users: [{ username: 'u', password: 'p' }] }),
    digestAuth({ users: [{ username: 'u', password: 'p' }] }),
    jwtAuth({ secret: 'a-test-hmac-secret-that-is-32-bytes-long!' }),
  ];
  const request = (headers: Record<string, string> = {}) => ({
    method: 'GET',
    url: '/status',
    headers,
    remoteAddress: '10.0.0.1',
  });

  it('refuses anonymous callers with every challenge and a JSON error', async () => {
    const access = createAccess({ anonymous: 'refuse', authenticators });
    const decision = await access.authorize(request());
    if (decision.allowed) throw new Error('expected a refusal');
    expect(decision.response.status).toBe(401);
    const challenges = decision.response.headers['www-authenticate'];
    expect(Array.isArray(challenges)).toBe(true);
    expect(challenges).toHaveLength(4);
    const [basic, sha256, md5, bearer] = challenges as string[];
    expect(basic).toBe('Basic realm="statuskit", charset="UTF-8"');
    expect(sha256).toMatch(/^Digest realm="statuskit".*algorithm=SHA-256/);
    expect(md5).toMatch(/^Digest realm="statuskit".*algorithm=MD5/);
    expect(bearer).toBe('Bearer realm="statuskit"');
    expect(JSON.parse(String(decision.response.body))).toEqual({
      error: 'unauthorized',
      message: 'Authentication required',
    });
  });

  it('maps anonymous policies and tiers to disclosures', async () => {
    const of = async (anonymous: string) =>
      createAccess({
        anonymous,
        authenticators,
        tiers: { ops: { details: true, messages: true } },
      }).authorize(request());
    expect(await of('summary')).toEqual({
      allowed: true,
      disclosure: { key: 'summary', details: false, messages: false },
    });
    expect(await of('details')).toEqual({
      allowed: true,
      disclosure: { key: 'details', details: true, messages: false },
    });
    expect(await of('ops')).toEqual({
      allowed: true,
      disclosure: { key: 'full', details: true, messages: true },
    });
    expect(() => createAccess({ anonymous: 'nope' })).toThrow(/unknown tier "nope"/);
  });

  it('answers 403 to an authenticated caller whose tier the endpoint does not admit', async () => {
    const access = createAccess({ authenticators, tiers: { ops: { details: true, messages: false } } });
    const admin = access.forEndpoint({ allow: ['admin'] });
    const reader = await admin.authorize(request({ 'x-api-key': 'reader-key' }));
    expect(reader.allowed ? 200 : reader.response.status).toBe(403);
    const anonymous = await admin.authorize(request());
    expect(anonymous.allowed ? 200 : anonymous.response.status).toBe(401);
    const granted = await admin.authorize(request({ 'x-api-key': 'admin-key' }));
    expect(granted).toMatchObject({ allowed: true, disclosure: { key: 'full' } });
    // A tier unknown to this access control is refused, not silently widened.
    const unknownTier = await createAccess({ authenticators }).authorize(request({ 'x-api-key': 'ops-key' }));
    expect(unknownTier.allowed ? 200 : unknownTier.response.status).toBe(403);
  });

  it('does not let an authenticator that throws crash the request', async () => {
    const access = createAccess({
      authenticators: [
        {
          scheme: 'broken',
          authenticate: () => {
            throw new Error('db down');
          },
        },
      ],
    });
    const decision = await access.authorize(request());
    expect(decision.allowed ? 200 : decision.response.status).toBe(401);
  });
});
