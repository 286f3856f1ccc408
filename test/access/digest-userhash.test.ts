import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccess, type DigestOptions, digestAuth, type UserRecord } from '../../src/access/index.js';
import { challengeFor, digestAnswer } from './digest-handmade.js';
import { curl, getFrom, serveAccess, type TestServer } from './harness.js';

const REALM = 'itgrix';
const ADMIN = { username: 'admin', password: 'pa55-w0rd!', tier: 'admin' };
const JURGEN = { username: 'jürgen', password: 'pässwörd', tier: 'admin' };
const USERS: UserRecord[] = [ADMIN, JURGEN, { username: 'ops', password: 'ops-pass' }];

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serveDigest(options: Partial<DigestOptions> = {}): Promise<TestServer> {
  server = await serveAccess(
    createAccess({
      anonymous: 'refuse',
      authenticators: [digestAuth({ realm: REALM, users: USERS, ...options })],
    }),
  );
  return server;
}

async function send(url: string, authorization: string) {
  const res = await fetch(url, { headers: { authorization } });
  return { status: res.status, body: await res.json() };
}

describe('Digest userhash (RFC 7616 section 3.4.4)', () => {
  it('offers userhash=true, and curl then sends H(username:realm) instead of the name', async () => {
    const { base, seen } = await serveDigest({ userhash: true });
    const result = await curl(['--digest', '-u', 'admin:pa55-w0rd!', `${base}/status`]);
    expect(result.status).toBe(200);
    expect(result.json().principal).toMatchObject({ id: 'admin', tier: 'admin', scheme: 'digest' });
    expect(seen[0].wwwAuthenticate).toContain('userhash=true');
    const sent = seen[1].authorization ?? '';
    expect(sent).toContain('userhash=true');
    expect(sent).toContain(`username="${sha256(`admin:${REALM}`)}"`);
    expect(sent).not.toContain('"admin"');
  });

  it('hashes the name with the algorithm in use (MD5-sess: MD5)', async () => {
    const { base, seen } = await serveDigest({ userhash: true, algorithms: ['MD5-sess'] });
    expect((await curl(['--digest', '-u', 'ops:ops-pass', `${base}/status`])).status).toBe(200);
    expect(seen[1].authorization).toContain(`username="${md5(`ops:${REALM}`)}"`);
  });

  it('refuses the userhash of an unknown user, and a known userhash with a wrong password', async () => {
    const { base } = await serveDigest({ userhash: true });
    const unknown = await curl(['--digest', '-u', 'nobody:pa55-w0rd!', `${base}/status`]);
    expect(unknown.status).toBe(401);
    expect(unknown.json().message).toBe('Authentication failed: wrong user name or password');
    expect((await curl(['--digest', '-u', 'admin:wrong', `${base}/status`])).status).toBe(401);
  });

  it('still accepts plain names when userhash is offered', async () => {
    const { base } = await serveDigest({ userhash: true });
    const challenge = await challengeFor(`${base}/status`, 'SHA-256');
    const plain = digestAnswer({
      challenge,
      algorithm: 'SHA-256',
      username: 'admin',
      password: 'pa55-w0rd!',
      uri: '/status',
    });
    expect((await send(`${base}/status`, plain)).status).toBe(200);
  });

  it('refuses userhash=true when it was not offered, with a clear reason', async () => {
    const { base, seen } = await serveDigest();
    const challenge = await challengeFor(`${base}/status`, 'SHA-256');
    expect(seen[0].wwwAuthenticate).not.toContain('userhash');
    const hashed = digestAnswer({
      challenge,
      algorithm: 'SHA-256',
      username: 'admin',
      password: 'pa55-w0rd!',
      uri: '/status',
      userhash: true,
    });
    expect(await send(`${base}/status`, hashed)).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'Authentication failed: userhash was not offered' },
    });
  });

  it('needs findUserByHash when users come from a function', async () => {
    const byName = (name: string) => USERS.find((user) => user.username === name);
    expect(() => digestAuth({ users: byName, userhash: true })).toThrow('needs `findUserByHash`');
    expect(() => digestAuth({ users: byName })).not.toThrow();
    // A database would keep H(username:realm) in an indexed column; here a scan stands in for it.
    const findUserByHash = async (userhash: string) =>
      USERS.find((user) => sha256(`${user.username}:${REALM}`) === userhash);
    const { base } = await serveDigest({ users: byName, userhash: true, findUserByHash });
    expect((await curl(['--digest', '-u', 'admin:pa55-w0rd!', `${base}/status`])).status).toBe(200);
    expect((await curl(['--digest', '-u', 'nobody:x', `${base}/status`])).status).toBe(401);
  });

  it('does not trust findUserByHash: the record must hash to the name that was sent', async () => {
    // A careless lookup that returns the same user for any hash.
    const { base } = await serveDigest({ userhash: true, findUserByHash: () => ADMIN });
    const challenge = await challengeFor(`${base}/status`, 'SHA-256');
    const answer = digestAnswer({
      challenge,
      algorithm: 'SHA-256',
      username: 'admin',
      password: 'pa55-w0rd!',
      uri: '/status',
      userhash: true,
    });
    const forged = answer.replace(sha256(`admin:${REALM}`), sha256(`someone-else:${REALM}`));
    expect((await send(`${base}/status`, forged)).status).toBe(401);
    expect((await send(`${base}/status`, answer)).status).toBe(200);
  });
});

describe('non-ASCII user names', () => {
  it('accepts username* (RFC 8187) in UTF-8', async () => {
    const { base } = await serveDigest();
    const challenge = await challengeFor(`${base}/status`, 'SHA-256');
    const answer = (usernameStar: string, nc: number) =>
      digestAnswer({ challenge, algorithm: 'SHA-256', ...JURGEN, uri: '/status', usernameStar, nc });
    const accepted = await send(`${base}/status`, answer("UTF-8''", 1));
    expect(accepted.status).toBe(200);
    expect(accepted.body.principal.id).toBe('jürgen');
    // The charset is case-insensitive and a language tag may be given.
    expect((await send(`${base}/status`, answer("utf-8'de'", 2))).status).toBe(200);
  });

  it('refuses malformed or conflicting username* with a clear reason', async () => {
    const { base } = await serveDigest({ userhash: true });
    const challenge = await challengeFor(`${base}/status`, 'SHA-256');
    const good = digestAnswer({
      challenge,
      algorithm: 'SHA-256',
      ...JURGEN,
      uri: '/status',
      usernameStar: "UTF-8''",
    });
    const reasons = {
      [good.replace("UTF-8''", "ISO-8859-1''")]: 'malformed username* (RFC 8187, UTF-8 only)',
      [good.replace('%C3%BC', '%FC')]: 'malformed username* (RFC 8187, UTF-8 only)',
      [good.replace('username*=', 'username="x", username*=')]:
        'Digest credentials carry both username and username*',
      [`${good}, userhash=true`]: 'username* cannot be combined with userhash=true',
      [good.replace(/username\*=[^,]+/, 'username*="UTF-8\'\'j rgen"')]:
        'malformed username* (RFC 8187, UTF-8 only)',
    };
    for (const [authorization, reason] of Object.entries(reasons)) {
      const res = await send(`${base}/status`, authorization);
      expect(res.status, authorization).toBe(401);
      expect(res.body.message, authorization).toBe(`Authentication failed: ${reason}`);
    }
  });

  it('reads a raw UTF-8 username as browsers and curl send it', async () => {
    const { base, seen } = await serveDigest();
    const result = await curl(['--digest', '-u', 'jürgen:pässwörd', `${base}/status`]);
    expect(result.status).toBe(200);
    expect(result.json().principal.id).toBe('jürgen');
    // Node hands the header over one character per byte: the UTF-8 bytes of "ü" arrive as "Ã¼".
    expect(seen[1].authorization).toContain('username="jÃ¼rgen"');
    expect((await curl(['--digest', '-u', 'jürgen:passwörd', `${base}/status`])).status).toBe(401);
  });

  it('reads a name that is not valid UTF-8 as Latin-1, one character per byte', async () => {
    const { base } = await serveDigest();
    const challenge = await challengeFor(`${base}/status`, 'SHA-256');
    const answer = digestAnswer({ challenge, algorithm: 'SHA-256', ...JURGEN, uri: '/status' });
    // node:http writes "ü" as the single byte 0xFC, which is no UTF-8: the name stays "jürgen".
    const res = await getFrom('127.0.0.1', `${base}/status`, { authorization: answer });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).principal.id).toBe('jürgen');
  });
});
