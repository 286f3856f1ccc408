import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyAuth, basicAuth, createAccess, digestAuth, jwtAuth } from '../../src/access/index.js';
import { createStatus, type Level, type RunningServer, type StatusKit } from '../../src/index.js';
import { createLiveFeed, type LiveFeed } from '../../src/live/index.js';
import { run } from './spawn.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const users = [
  { username: 'admin', password: 'pa:ss word', tier: 'admin' },
  { username: 'reader', password: 'reader-pw' },
];

let level: Level = 'ok';
let load = 1.5;
let status: StatusKit;
let server: RunningServer;
let md5Status: StatusKit;
let md5Server: RunningServer;
let feed: LiveFeed;
let plain: Server;
let plainUrl: string;
let silent: Server;
let silentUrl: string;
let endless: Server;
let endlessUrl: string;
let jwt: string;

function declare(target: StatusKit) {
  target.value('version', '1.2.3', { summary: true });
  target.provider('host.load', () => load);
  target.check('app.db', () => level);
  target.value('app.state', 'Connected');
}

beforeAll(async () => {
  status = createStatus({
    access: createAccess({
      anonymous: 'refuse',
      throttle: false,
      authenticators: [
        apiKeyAuth({ keys: [{ key: 'key-1', name: 'ci' }] }),
        jwtAuth({ secret: SECRET }),
        digestAuth({ users }),
        basicAuth({ users }),
      ],
    }),
  });
  declare(status);
  server = await status.listen({ port: 0 });
  feed = createLiveFeed({ status, plainTextErrors: true });
  feed.attach(server.server);
  md5Status = createStatus({
    access: createAccess({
      anonymous: 'refuse',
      throttle: false,
      authenticators: [digestAuth({ users, algorithms: ['MD5'] })],
    }),
  });
  declare(md5Status);
  md5Server = await md5Status.listen({ port: 0 });
  jwt = await new SignJWT({ roles: ['admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('tester')
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET));
  // Any JSON API, not statuskit: --path must work on it client-side.
  plain = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ a: { b: [10, 20, { c: 'warning' }] }, ratio: '0.75' }));
  });
  // Accepts connections and never answers.
  silent = createServer(() => {});
  // Answers a body that never ends, as fast as the client reads.
  endless = createServer((_req, res) => {
    const chunk = Buffer.alloc(1 << 20, 0x20);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    pump();
  });
  const servers = [plain, silent, endless];
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  endlessUrl = `http://127.0.0.1:${(endless.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await feed.close();
  await Promise.all([status.close(), md5Status.close()]);
  plain.close();
  silent.closeAllConnections();
  silent.close();
  endless.closeAllConnections();
  endless.close();
});

const statusUrl = () => `${server.url}/status`;

describe('statuskit get', () => {
  it.each([
    ['an API key', () => ['--api-key', 'key-1']],
    ['an API key in a header flag', () => ['--header', 'X-Api-Key: key-1']],
    ['a JWT', () => ['--token', jwt]],
    ['Basic', () => ['--user', 'reader:reader-pw']],
    ['Digest SHA-256', () => ['--user', 'admin:pa:ss word', '--digest']],
  ])('fetches a protected document with %s', async (_name, flags) => {
    const result = await run(['get', statusUrl(), ...flags()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ status: 'ok', version: '1.2.3', app: { db: { status: 'ok' } } });
  });

  it('answers an MD5-only Digest server', async () => {
    const result = await run([
      'get',
      `${md5Server.url}/status`,
      '-u',
      'reader:reader-pw',
      '--digest',
      '--path',
      'app.state',
    ]);
    expect(result).toMatchObject({ code: 0, stdout: '"Connected"\n' });
  });

  it.each([
    ['no credentials', []],
    ['a wrong API key', ['--api-key', 'nope']],
    ['a wrong Digest password', ['--user', 'admin:wrong', '--digest']],
    ['a forged JWT', ['--token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl']],
  ])('fails with one line for %s', async (_name, flags) => {
    const result = await run(['get', statusUrl(), ...flags]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^statuskit get: HTTP 401 Unauthorized[^\n]*\n$/);
  });

  it('applies --path on the client, to any JSON API', async () => {
    expect(await run(['get', plainUrl, '--path', 'a.b[2].c'])).toMatchObject({
      code: 0,
      stdout: '"warning"\n',
    });
    expect(await run(['get', plainUrl, '--path', '/a/b/1'])).toMatchObject({ code: 0, stdout: '20\n' });
    const missing = await run(['get', plainUrl, '--path', 'a.x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('path "a.x" not found');
  });

  it('prints the raw body when piped, and indents with --pretty', async () => {
    const raw = await run(['get', plainUrl]);
    expect(raw.stdout).toBe('{"a":{"b":[10,20,{"c":"warning"}]},"ratio":"0.75"}\n');
    const pretty = await run(['get', plainUrl, '--pretty']);
    expect(pretty.stdout).toBe(`${JSON.stringify(JSON.parse(raw.stdout), null, 2)}\n`);
    expect(pretty.stdout).not.toContain('\x1b[');
  });

  it('fails with one line when the server is unreachable or silent', async () => {
    const refused = await run(['get', 'http://127.0.0.1:1/status']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^statuskit get: http:\/\/127\.0\.0\.1:1\/status: ECONNREFUSED[^\n]*\n$/);
    const slow = await run(['get', silentUrl, '--timeout', '300ms']);
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain('timed out after 300 ms');
    // A body that never ends fails at the size cap, long before the timeout or memory runs out.
    const huge = await run(['get', endlessUrl, '--timeout', '60s']);
    expect(huge.code).toBe(1);
    expect(huge.stderr).toContain('the response body is larger than 16777216 bytes');
  });

  it('sends a WebSocket command after auth', async () => {
    const wsUrl = `${server.url.replace('http', 'ws')}/api/health/ws`;
    const result = await run(['get', wsUrl, '--token', jwt, '--command', 'status', '--path', 'app.state']);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: '"Connected"\n' });
    const refused = await run(['get', wsUrl, '--token', 'not-a-jwt']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/authentication refused/);
  });

  it('refuses bad arguments with a pointer to --help', async () => {
    const result = await run(['get']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing URL');
    expect(result.stderr).toContain('statuskit get --help');
  });
});

describe('statuskit check', () => {
  const check = (...args: string[]) => run(['check', statusUrl(), '--api-key', 'key-1', ...args]);

  it.each([
    ['ok', 0, 'STATUSKIT OK - status = ok'],
    ['warning', 1, 'STATUSKIT WARNING - status = warning \\(app.db warning\\)'],
    ['maintenance', 1, 'STATUSKIT WARNING - status = maintenance \\(app.db maintenance\\)'],
    ['critical', 2, 'STATUSKIT CRITICAL - status = critical \\(app.db critical\\)'],
    ['unknown', 3, 'STATUSKIT UNKNOWN - status = unknown \\(app.db unknown\\)'],
  ] as const)(
    'maps the document word %s to exit %i, naming the failing component',
    async (word, code, line) => {
      level = word;
      status.invalidate();
      const result = await check();
      level = 'ok';
      expect(result.code).toBe(code);
      // Each component's duration is perfdata before the request time.
      expect(result.stdout).toMatch(
        new RegExp(`^${line} \\| 'app.db'=[0-9.]+s;;;0; 'time'=[0-9.]+s;;;0;\\n$`),
      );
    },
  );

  it('maps a component word at --path', async () => {
    level = 'critical';
    status.invalidate();
    const result = await check('--path', 'app.db.status');
    level = 'ok';
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^STATUSKIT CRITICAL - status = critical \|/);
  });

  it.each([
    [1.5, '2', '4', 0, 'OK'],
    [3, '2', '4', 1, 'WARNING'],
    [5, '2', '4', 2, 'CRITICAL'],
    [5, '@4:6', '@5:5', 2, 'CRITICAL'],
    [0.5, '1:', '0.25:', 1, 'WARNING'],
  ])('judges load %d against --warn %s --crit %s', async (value, warn, crit, code, word) => {
    load = value;
    status.invalidate();
    const result = await check('--path', 'host.load', '--warn', warn, '--crit', crit);
    expect(result.code).toBe(code);
    expect(result.stdout).toMatch(
      new RegExp(
        `^STATUSKIT ${word} - load = ${value} \\(warn ${warn}, crit ${crit}\\) \\| 'load'=${value};${warn};${crit};; 'time'=`,
      ),
    );
  });

  it('checks an exact value with --expect', async () => {
    expect((await check('--path', 'app.state', '--expect', 'Connected')).code).toBe(0);
    const wrong = await check('--path', 'app.state', '--expect', 'Disconnected');
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toMatch(/^STATUSKIT CRITICAL - state = Connected, expected Disconnected/);
  });

  it('works with Digest and on any JSON API', async () => {
    const digest = await run([
      'check',
      statusUrl(),
      '-u',
      'admin:pa:ss word',
      '--digest',
      '--path',
      'app.db.status',
    ]);
    expect(digest.code).toBe(0);
    const plainCheck = await run(['check', plainUrl, '--path', 'ratio', '--crit', '0.5']);
    expect(plainCheck.code).toBe(2);
    expect(plainCheck.stdout).toMatch(
      /^STATUSKIT CRITICAL - ratio = 0\.75 \(crit 0\.5\) \| 'ratio'=0\.75;;0\.5;;/,
    );
    expect((await run(['check', plainUrl, '--path', 'a.b[2].c'])).code).toBe(1);
  });

  // As Nagios' check_http says, and as `watch --once` says: a service that cannot be reached is down.
  it.each([
    [
      'a refused connection',
      () => ['http://127.0.0.1:1/status'],
      /^STATUSKIT CRITICAL - http:\/\/127\.0\.0\.1:1\/status: ECONNREFUSED/,
    ],
    ['a timeout', () => [silentUrl, '--timeout', '300ms'], /^STATUSKIT CRITICAL - .*timed out after 300 ms/],
    [
      'a name that does not resolve',
      () => ['http://statuskit-test.invalid/status'],
      /^STATUSKIT CRITICAL - .*ENOTFOUND/,
    ],
  ] as Array<[string, () => string[], RegExp]>)('is CRITICAL (exit 2) for %s', async (_name, args, line) => {
    const result = await run(['check', ...args()]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(line);
    expect(result.stdout.split('\n')).toHaveLength(2);
  });

  it.each([
    [
      'a refused login',
      () => [`${server.url}/status`],
      /^STATUSKIT UNKNOWN - HTTP 401: Authentication required/,
    ],
    ['a missing path', () => [plainUrl, '--path', 'nope'], /^STATUSKIT UNKNOWN - path "nope" not found/],
    ['a bad range', () => [plainUrl, '--warn', '5:1'], /^STATUSKIT UNKNOWN - usage: range "5:1"/],
    [
      'a non-number with ranges',
      () => [plainUrl, '--path', 'a.b[2].c', '--warn', '1'],
      /^STATUSKIT UNKNOWN - c = "warning" is not a number/,
    ],
  ] as Array<[string, () => string[], RegExp]>)('is UNKNOWN (exit 3) for %s', async (_name, args, line) => {
    const result = await run(['check', ...args()]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(line);
    expect(result.stdout.split('\n')).toHaveLength(2);
  });
});
