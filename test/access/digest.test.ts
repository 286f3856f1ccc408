import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccess, digestAuth, digestHa1 } from '../../src/access/index.js';
import { curl, getFrom, serveAccess, type TestServer } from './harness.js';

const REALM = 'itgrix';
const USERS = [
  { username: 'admin', password: 'pa55-w0rd!', tier: 'admin' },
  {
    username: 'hashed256',
    ha1: digestHa1('hashed256', REALM, 'h-secret', 'SHA-256'),
    algorithm: 'SHA-256' as const,
  },
  { username: 'hashedmd5', ha1: digestHa1('hashedmd5', REALM, 'm-secret', 'MD5'), algorithm: 'MD5' as const },
];

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function challengeParam(header: string, name: string): string {
  const match = new RegExp(`${name}="?([^",]+)"?`).exec(header);
  if (!match) throw new Error(`no ${name} in ${header}`);
  return match[1];
}

/** A browser-like Digest client: answers a challenge for the given uri and algorithm. */
function digestHeader(options: {
  challenge: string;
  method?: string;
  uri: string;
  username: string;
  password: string;
  algorithm: 'SHA-256' | 'MD5';
  nc?: number;
}): string {
  const hash = (text: string) =>
    createHash(options.algorithm === 'MD5' ? 'md5' : 'sha256')
      .update(text)
      .digest('hex');
  const nonce = challengeParam(options.challenge, 'nonce');
  const opaque = challengeParam(options.challenge, 'opaque');
  const nc = (options.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = 'c0ffee42';
  const ha1 = hash(`${options.username}:${REALM}:${options.password}`);
  const ha2 = hash(`${options.method ?? 'GET'}:${options.uri}`);
  const response = hash(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return (
    `Digest username="${options.username}", realm="${REALM}", nonce="${nonce}", uri="${options.uri}", ` +
    `algorithm=${options.algorithm}, response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}", opaque="${opaque}"`
  );
}

async function challengeFrom(base: string, path: string): Promise<string> {
  const res = await fetch(`${base}${path}`);
  expect(res.status).toBe(401);
  return res.headers.get('www-authenticate') ?? '';
}

describe('HTTP Digest with the real curl', () => {
  it('lets curl --digest in with the right password, and names the principal', async () => {
    server = await serveAccess(
      createAccess({ anonymous: 'refuse', authenticators: [digestAuth({ realm: REALM, users: USERS })] }),
    );
    const result = await curl([
      '--digest',
      '-u',
      'admin:pa55-w0rd!',
      `${server.base}/status?path=app.master.general.app_state`,
    ]);
    expect(result.status).toBe(200);
    expect(result.json().principal).toMatchObject({ id: 'admin', tier: 'admin', scheme: 'digest' });
    expect(result.json().disclosure).toEqual({ key: 'full', details: true, messages: true });
  });

  it('refuses a wrong password with 401, a Digest challenge and a JSON error', async () => {
    server = await serveAccess(
      createAccess({ anonymous: 'refuse', authenticators: [digestAuth({ realm: REALM, users: USERS })] }),
    );
    const result = await curl(['--digest', '-u', 'admin:wrong', `${server.base}/status`]);
    expect(result.status).toBe(401);
    expect(result.json()).toEqual({
      error: 'unauthorized',
      message: 'Authentication failed: wrong user name or password',
    });
    const challenge = server.seen.at(-1)?.wwwAuthenticate ?? '';
    expect(challenge).toContain('Digest realm="itgrix", qop="auth", algorithm=SHA-256');
    expect(challenge).toContain('algorithm=MD5');
    expect(challenge).toContain('opaque="');
  });

  it('uses SHA-256 when that is the only algorithm offered', async () => {
    const access = createAccess({
      anonymous: 'refuse',
      authenticators: [digestAuth({ realm: REALM, users: USERS, algorithms: ['SHA-256'] })],
    });
    server = await serveAccess(access);
    const result = await curl(['--digest', '-u', 'admin:pa55-w0rd!', `${server.base}/status`]);
    expect(result.status).toBe(200);
    expect(server.seen.at(-1)?.authorization).toContain('algorithm=SHA-256');
  });

  it('verifies users stored as SHA-256 and MD5 HA1 hashes', async () => {
    const sha = digestAuth({ realm: REALM, users: USERS, algorithms: ['SHA-256'] });
    const md5 = digestAuth({ realm: REALM, users: USERS, algorithms: ['MD5'] });
    const shaServer = await serveAccess(createAccess({ anonymous: 'refuse', authenticators: [sha] }));
    server = await serveAccess(createAccess({ anonymous: 'refuse', authenticators: [md5] }));
    try {
      expect((await curl(['--digest', '-u', 'hashed256:h-secret', `${shaServer.base}/status`])).status).toBe(
        200,
      );
      expect((await curl(['--digest', '-u', 'hashed256:wrong', `${shaServer.base}/status`])).status).toBe(
        401,
      );
      expect((await curl(['--digest', '-u', 'hashedmd5:m-secret', `${server.base}/status`])).status).toBe(
        200,
      );
      // An MD5 HA1 cannot answer a SHA-256 exchange: refused, not crashed.
      expect((await curl(['--digest', '-u', 'hashedmd5:m-secret', `${shaServer.base}/status`])).status).toBe(
        401,
      );
    } finally {
      await shaServer.close();
    }
  });

  it('answers an expired nonce with stale=true, and curl retries without asking for the password', async () => {
    let clock = 1_700_000_000_000;
    const lifetime = 60_000;
    const access = createAccess({
      anonymous: 'refuse',
      now: () => clock,
      authenticators: [digestAuth({ realm: REALM, users: USERS, nonceLifetimeMs: lifetime })],
    });
    // The clock jumps past the nonce lifetime right after the first challenge, so curl answers it stale.
    server = await serveAccess(access, (answer) => {
      if (answer.status === 401 && !answer.authorization) clock += lifetime + 1;
    });
    const result = await curl(['--digest', '-u', 'admin:pa55-w0rd!', `${server.base}/status`]);
    expect(result.status).toBe(200);
    expect(server.seen.map((answer) => answer.status)).toEqual([401, 401, 200]);
    const [challenge, stale, retried] = server.seen;
    expect(stale.wwwAuthenticate).toContain('stale=true');
    const nonceOf = (header = '') => /nonce="([^"]+)"/.exec(header)?.[1];
    expect(nonceOf(stale.authorization)).toBe(nonceOf(challenge.wwwAuthenticate));
    expect(nonceOf(retried.authorization)).toBe(nonceOf(stale.wwwAuthenticate));
    // A wrong password with an expired nonce is a plain failure, never stale=true.
    clock += lifetime + 1;
    const wrong = await curl(['--digest', '-u', 'admin:wrong', `${server.base}/status`]);
    expect(wrong.status).toBe(401);
    expect(server.seen.at(-1)?.wwwAuthenticate).not.toContain('stale=true');
  });

  it('refuses a replayed nonce count', async () => {
    server = await serveAccess(
      createAccess({ anonymous: 'refuse', authenticators: [digestAuth({ realm: REALM, users: USERS })] }),
    );
    expect((await curl(['--digest', '-u', 'admin:pa55-w0rd!', `${server.base}/status`])).status).toBe(200);
    const captured = server.seen.at(-1)?.authorization ?? '';
    expect(captured).toMatch(/^Digest /);
    const replay = await curl(['-H', `Authorization: ${captured}`, `${server.base}/status`]);
    expect(replay.status).toBe(401);
    expect(replay.json().message).toContain('replayed nonce count');
  });

  it('refuses credentials computed for another uri', async () => {
    server = await serveAccess(
      createAccess({ anonymous: 'refuse', authenticators: [digestAuth({ realm: REALM, users: USERS })] }),
    );
    const challenge = await challengeFrom(server.base, '/status');
    const forOther = digestHeader({
      challenge,
      uri: '/other',
      username: 'admin',
      password: 'pa55-w0rd!',
      algorithm: 'SHA-256',
    });
    const res = await fetch(`${server.base}/status`, { headers: { authorization: forOther } });
    expect(res.status).toBe(401);
    expect((await res.json()).message).toContain('uri does not match');
    const right = digestHeader({
      challenge,
      uri: '/status',
      username: 'admin',
      password: 'pa55-w0rd!',
      algorithm: 'SHA-256',
    });
    expect((await fetch(`${server.base}/status`, { headers: { authorization: right } })).status).toBe(200);
  });

  it('accepts out-of-order nonce counts once each, as parallel browser requests send them', async () => {
    server = await serveAccess(
      createAccess({ anonymous: 'refuse', authenticators: [digestAuth({ realm: REALM, users: USERS })] }),
    );
    const challenge = await challengeFrom(server.base, '/status');
    const send = async (nc: number) => {
      const authorization = digestHeader({
        challenge,
        uri: '/status',
        username: 'admin',
        password: 'pa55-w0rd!',
        algorithm: 'MD5',
        nc,
      });
      return (await fetch(`${server!.base}/status`, { headers: { authorization } })).status;
    };
    expect(await send(3)).toBe(200);
    expect(await send(1)).toBe(200);
    expect(await send(2)).toBe(200);
    expect(await send(1)).toBe(401);
    expect(await send(3)).toBe(401);
  });

  it('refuses forged nonces, a wrong opaque and a wrong realm', async () => {
    server = await serveAccess(
      createAccess({ anonymous: 'refuse', authenticators: [digestAuth({ realm: REALM, users: USERS })] }),
    );
    const challenge = await challengeFrom(server.base, '/status');
    const good = digestHeader({
      challenge,
      uri: '/status',
      username: 'admin',
      password: 'pa55-w0rd!',
      algorithm: 'SHA-256',
    });
    const nonce = challengeParam(challenge, 'nonce');
    const forged = `${nonce.slice(0, 10)}${nonce[10] === 'A' ? 'B' : 'A'}${nonce.slice(11)}`;
    const cases = [
      good.replace(nonce, forged),
      good.replace(/opaque="[^"]+"/, 'opaque="nope"'),
      good.replace(`realm="${REALM}"`, 'realm="other"'),
      good.replace('algorithm=SHA-256', 'algorithm=SHA-512-256'),
      'Digest garbage',
    ];
    for (const authorization of cases) {
      expect((await fetch(`${server.base}/status`, { headers: { authorization } })).status).toBe(401);
    }
  });

  it('throttles 1000 wrong passwords from one address without touching another', async () => {
    const access = createAccess({
      anonymous: 'refuse',
      throttle: { maxFailures: 10, windowMs: 60_000, blockMs: 60_000 },
      authenticators: [digestAuth({ realm: REALM, users: USERS })],
    });
    server = await serveAccess(access);
    const statuses = new Map<number, number>();
    const challenge = await challengeFrom(server.base, '/status');
    for (let attempt = 0; attempt < 1000; attempt++) {
      const authorization = digestHeader({
        challenge,
        uri: '/status',
        username: 'admin',
        password: `guess-${attempt}`,
        algorithm: 'MD5',
        nc: attempt + 1,
      });
      const res = await getFrom('127.0.0.2', `${server.base}/status`, { authorization });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    expect(statuses.get(401)).toBe(10);
    expect(statuses.get(429)).toBe(990);
    // The attacker's address is blocked even with the right password, and is told when to come back.
    const blocked = await curl([
      '--interface',
      '127.0.0.2',
      '-D',
      '-',
      '--digest',
      '-u',
      'admin:pa55-w0rd!',
      `${server.base}/status`,
    ]);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatch(/retry-after: \d+/i);
    // Another address is untouched: right password works, a wrong one is a plain 401.
    expect(
      (
        await curl([
          '--interface',
          '127.0.0.3',
          '--digest',
          '-u',
          'admin:pa55-w0rd!',
          `${server.base}/status`,
        ])
      ).status,
    ).toBe(200);
    expect(
      (await curl(['--interface', '127.0.0.3', '--digest', '-u', 'admin:nope', `${server.base}/status`]))
        .status,
    ).toBe(401);
  });
});
