/**
 * What `get` and `check` make of answers that are not a status document: a redirect, a body that
 * is not JSON, a document nested 100k deep. Each is a failure with one clear line unless asked
 * for (`--follow`, `--raw`), through the real CLI process.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, runInTerminal } from './spawn.js';

const DEEP = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const DOCUMENT = { status: 'ok', app: { db: { status: 'ok' } } };

let origin: Server;
let base: string;
let other: Server;
let otherBase: string;
/** The headers the other origin saw, by path. */
const seenElsewhere = new Map<string, IncomingHttpHeaders>();
const seenHere = new Map<string, IncomingHttpHeaders>();

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const json = (res: import('node:http').ServerResponse, body: string) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);

beforeAll(async () => {
  other = createServer((req, res) => {
    seenElsewhere.set(req.url ?? '', req.headers);
    json(res, JSON.stringify(DOCUMENT));
  });
  otherBase = await listen(other);
  origin = createServer((req, res) => {
    seenHere.set(req.url ?? '', req.headers);
    const routes: Record<string, () => void> = {
      '/status': () => json(res, JSON.stringify(DOCUMENT)),
      '/moved': () => res.writeHead(302, { location: '/status' }).end(),
      '/away': () => res.writeHead(307, { location: `${otherBase}/status` }).end(),
      '/loop': () => res.writeHead(302, { location: '/loop' }).end(),
      '/login': () => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>sign in</html>'),
      '/deep': () => json(res, DEEP),
    };
    (routes[req.url ?? ''] ?? (() => res.writeHead(404).end()))();
  });
  base = await listen(origin);
});

afterAll(() => {
  for (const server of [origin, other]) {
    server.closeAllConnections();
    server.close();
  }
});

describe('statuskit get', () => {
  it('fails on a redirect it does not follow, and follows it with --follow', async () => {
    const moved = await run(['get', `${base}/moved`]);
    expect(moved).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'statuskit get: HTTP 302 Found: a redirect to /status, not followed (--follow follows redirects)\n',
    });
    const followed = await run(['get', `${base}/moved`, '--follow', '--api-key', 'k-1']);
    expect(followed.code).toBe(0);
    expect(JSON.parse(followed.stdout)).toEqual(DOCUMENT);
    // Same origin: the credentials go along.
    expect(seenHere.get('/status')?.['x-api-key']).toBe('k-1');
    const loop = await run(['get', `${base}/loop`, '-L']);
    expect(loop).toMatchObject({ code: 1, stderr: `statuskit get: ${base}/loop: more than 5 redirects\n` });
  });

  it('never sends credentials to another origin on a redirect', async () => {
    const result = await run([
      'get',
      `${base}/away`,
      '--follow',
      '--api-key',
      'k-1',
      '-H',
      'X-Secret: s-1',
      '-u',
      'admin:pw',
    ]);
    expect(result.code).toBe(0);
    const headers = seenElsewhere.get('/status') ?? {};
    expect(headers['x-api-key']).toBeUndefined();
    expect(headers['x-secret']).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
    expect(headers['user-agent']).toBe('statuskit-cli');
  });

  it('fails on a body that is not JSON, and prints it with --raw', async () => {
    const page = await run(['get', `${base}/login`]);
    expect(page).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `statuskit get: ${base}/login: the response is not JSON (text/html); --raw prints any body\n`,
    });
    expect(await run(['get', `${base}/login`, '--raw'])).toMatchObject({
      code: 0,
      stdout: '<html>sign in</html>\n',
    });
  });

  it('refuses a document nested 100k deep with one line, on a terminal and piped; --raw prints it', async () => {
    for (const result of [
      await run(['get', `${base}/deep`, '--pretty']),
      await runInTerminal(['get', `${base}/deep`]),
    ]) {
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).not.toMatch(/RangeError|call stack|at .*\.js/);
    }
    const piped = await run(['get', `${base}/deep`, '--pretty']);
    expect(piped.stderr).toBe(
      `statuskit get: ${base}/deep: the document nests deeper than 512 levels; --raw prints it as received\n`,
    );
    const raw = await run(['get', `${base}/deep`, '--raw']);
    expect(raw.code).toBe(0);
    expect(raw.stdout).toBe(`${DEEP}\n`);
  });
});

describe('statuskit check', () => {
  it('is UNKNOWN for a redirect not followed, a page that is not JSON and a document too deep', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        '/moved',
        /^STATUSKIT UNKNOWN - HTTP 302: a redirect to \/status, not followed \(--follow follows redirects\) \|/,
      ],
      ['/login', /^STATUSKIT UNKNOWN - the response is not JSON \|/],
      ['/deep', /^STATUSKIT UNKNOWN - the document nests deeper than 512 levels \|/],
    ];
    for (const [path, line] of cases) {
      const result = await run(['check', `${base}${path}`]);
      expect({ path, code: result.code }).toEqual({ path, code: 3 });
      expect(result.stdout).toMatch(line);
    }
    const followed = await run(['check', `${base}/moved`, '--follow']);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toMatch(/^STATUSKIT OK - status = ok/);
  });
});
