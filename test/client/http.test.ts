/**
 * statuskit's one HTTP client against real servers on loopback: Digest, the body cap (fail or cut),
 * its own timeout and the caller's abort, a connection cut mid-body, redirects (method, body and
 * credentials across origins), and the verdict each failure gets.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccess, digestAuth } from '../../src/access/index.js';
import { httpRequest } from '../../src/client/http.js';
import { failureLevel, RequestError } from '../../src/client/request-error.js';
import { createStatus, type RunningServer } from '../../src/index.js';

interface Seen {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base: string;
let other: Server;
let otherBase: string;
let digestServer: RunningServer;
const seen = new Map<string, Seen>();

const listen = async (target: Server) => {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
};

function recorder(routes: Record<string, (res: ServerResponse) => void>) {
  return createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      seen.set(`${req.socket.localPort}${path}`, { method: req.method ?? '', headers: req.headers, body });
      (routes[path] ?? ((r: ServerResponse) => r.writeHead(200).end('{"ok":true}')))(res);
    });
  });
}

const seenAt = (origin: string, path: string) => seen.get(`${new URL(origin).port}${path}`);

beforeAll(async () => {
  other = recorder({});
  otherBase = await listen(other);
  server = recorder({
    '/big': (res) => res.writeHead(200).end('x'.repeat(10_000)),
    '/silent': () => {},
    '/cut': (res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
    },
    '/see-other': (res) => res.writeHead(303, { location: '/landing' }).end(),
    '/temporary': (res) => res.writeHead(307, { location: '/landing' }).end(),
    '/away': (res) => res.writeHead(302, { location: `${otherBase}/landing` }).end(),
    '/bad-location': (res) => res.writeHead(302, { location: 'http://[::1' }).end(),
    '/elsewhere': (res) => res.writeHead(302, { location: 'ftp://example.com/' }).end(),
  });
  base = await listen(server);
  const status = createStatus({
    access: createAccess({
      anonymous: 'refuse',
      throttle: false,
      authenticators: [digestAuth({ users: [{ username: 'admin', password: 'pa:ss' }] })],
    }),
  });
  status.value('app', 'up');
  digestServer = await status.listen({ port: 0 });
});

afterAll(async () => {
  for (const target of [server, other]) {
    target.closeAllConnections();
    target.close();
  }
  await digestServer.close();
});

async function failure(promise: Promise<unknown>): Promise<RequestError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(RequestError);
  return error as RequestError;
}

describe('the HTTP client', () => {
  it('answers a Digest challenge once, and returns the 401 for wrong credentials', async () => {
    const url = `${digestServer.url}/status`;
    const good = await httpRequest(url, { digest: { username: 'admin', password: 'pa:ss' } });
    expect(good.status).toBe(200);
    expect(JSON.parse(good.body)).toMatchObject({ app: 'up' });
    const wrong = await httpRequest(url, { digest: { username: 'admin', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.challenges.some((challenge) => challenge.startsWith('Digest '))).toBe(true);
  });

  it('fails a body over the cap, or cuts it when asked', async () => {
    const over = await failure(httpRequest(`${base}/big`, { maxBodyBytes: 1000 }));
    expect(over).toMatchObject({
      failure: 'unusable',
      message: 'the response body is larger than 1000 bytes',
    });
    const cut = await httpRequest(`${base}/big`, { maxBodyBytes: 1000, overflow: 'truncate' });
    expect(cut).toMatchObject({ status: 200, truncated: true });
    expect(cut.body).toHaveLength(1000);
  });

  it('times out with its own message, and an abort rejects with the reason of the caller', async () => {
    const slow = await failure(httpRequest(`${base}/silent`, { timeoutMs: 150 }));
    expect(slow).toMatchObject({ failure: 'timeout', message: 'timed out after 150 ms' });
    const reason = new Error('shutting down');
    const controller = new AbortController();
    const pending = httpRequest(`${base}/silent`, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });

  it('fails, not hangs, when the connection is cut in the middle of the body', async () => {
    const cut = await failure(httpRequest(`${base}/cut`, { timeoutMs: 5000 }));
    expect(cut.failure).toBe('unreachable');
  });

  it('judges no answer critical and an unusable one unknown', async () => {
    const refused = await failure(httpRequest('http://127.0.0.1:1/'));
    expect(refused).toMatchObject({ failure: 'unreachable', code: 'ECONNREFUSED' });
    expect(failureLevel(refused.failure)).toBe('critical');
    expect(failureLevel('timeout')).toBe('critical');
    expect(failureLevel('unusable')).toBe('unknown');
  });

  it('returns a redirect as the answer unless told to follow', async () => {
    const answer = await httpRequest(`${base}/see-other`);
    expect(answer).toMatchObject({ status: 303, url: `${base}/see-other` });
    expect(answer.headers.location).toBe('/landing');
  });

  it('follows 303 as a GET without the body, and 307 with the method and body', async () => {
    const post = { method: 'POST', body: 'payload', maxRedirects: 3, headers: { 'X-Key': 'k' } };
    expect((await httpRequest(`${base}/see-other`, post)).url).toBe(`${base}/landing`);
    expect(seenAt(base, '/landing')).toMatchObject({ method: 'GET', body: '', headers: { 'x-key': 'k' } });
    await httpRequest(`${base}/temporary`, post);
    expect(seenAt(base, '/landing')).toMatchObject({ method: 'POST', body: 'payload' });
  });

  it('drops every header it was given, and Digest, when a redirect leaves the origin', async () => {
    const answer = await httpRequest(`${base}/away`, {
      maxRedirects: 1,
      headers: { authorization: 'Bearer t', 'x-api-key': 'k', 'user-agent': 'statuskit-test' },
      digest: { username: 'a', password: 'b' },
    });
    expect(answer.url).toBe(`${otherBase}/landing`);
    const headers = seenAt(otherBase, '/landing')?.headers ?? {};
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-api-key']).toBeUndefined();
    expect(headers['user-agent']).toBe('statuskit-test');
  });

  it('refuses a redirect it cannot follow', async () => {
    const invalid = await failure(httpRequest(`${base}/bad-location`, { maxRedirects: 1 }));
    expect(invalid).toMatchObject({
      failure: 'unusable',
      message: 'a redirect to an invalid URL ("http://[::1")',
    });
    const ftp = await failure(httpRequest(`${base}/elsewhere`, { maxRedirects: 1 }));
    expect(ftp).toMatchObject({ failure: 'unusable', message: 'unsupported URL scheme ftp:' });
  });
});
