import { afterEach, describe, expect, it } from 'vitest';
import {
  type Authenticator,
  apiKeyAuth,
  createAccess,
  createMaintenance,
  createStatus,
  guardStatus,
  RateLimiter,
  type RunningServer,
  type StatusKit,
} from '../../src/index.js';
import { rawRequest } from '../support/raw-http.js';

/**
 * Issue 16: one request context and one plug-in seam. The three bugs the old seam produced, and
 * the properties the new one promises, through real HTTP.
 */
const ADMIN = 'admin-key-0000000000';
const READER = 'reader-key-000000000';

let running: RunningServer | undefined;
let status: StatusKit | undefined;
afterEach(async () => {
  await status?.close();
  running = undefined;
  status = undefined;
});

function countingAccess(counter: { calls: number }) {
  const keys = apiKeyAuth({
    keys: [
      { key: ADMIN, name: 'ops', tier: 'admin' },
      { key: READER, name: 'alice', tier: 'reader' },
    ],
  });
  const counting: Authenticator = {
    scheme: keys.scheme,
    authenticate(request, context) {
      counter.calls++;
      return keys.authenticate(request, context);
    },
  };
  return createAccess({ anonymous: 'summary', authenticators: [counting] });
}

async function guarded(limit = 2): Promise<{ port: number; counter: { calls: number } }> {
  const counter = { calls: 0 };
  status = createStatus({ access: countingAccess(counter), envelope: true });
  status.value('version', '1.0.0', { summary: true });
  status.check('components.db', () => 'ok', { cache: '1h' });
  guardStatus(
    status,
    new RateLimiter({
      tiers: {
        anonymous: { limit, window: '1h' },
        reader: { limit, window: '1h' },
        admin: { limit, window: '1h' },
      },
    }),
  );
  createMaintenance(status, {});
  running = await status.listen({ port: 0 });
  return { port: running.port, counter };
}

const get = (target: string, headers: string[] = []) =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${[...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`;

describe('bug 1: absolute-form targets do not escape the rate limiter', () => {
  it.each([
    ['/status', 'the document'],
    ['/status/components/db', 'a component'],
    ['/status/maintenance', 'the maintenance admin endpoint'],
  ])('%s (%s): origin-form and absolute-form spend the same budget', async (path) => {
    const { port } = await guarded(2);
    const absolute = `http://127.0.0.1:${port}${path}`;
    const headers = [`X-Api-Key: ${ADMIN}`];
    const codes: number[] = [];
    for (const target of [path, absolute, absolute, path]) {
      const answer = await rawRequest(port, get(target, headers));
      codes.push(answer.status!);
      if (answer.status !== 429) expect(answer.text).toMatch(/ratelimit-policy/i);
    }
    expect(codes.slice(0, 2).every((code) => code === 200)).toBe(true);
    expect(codes.slice(2)).toEqual([429, 429]);
  });

  it('anonymous callers are limited by address whatever the target form', async () => {
    const { port } = await guarded(1);
    expect((await rawRequest(port, get(`http://localhost:${port}/status?pretty=true`))).status).toBe(200);
    expect((await rawRequest(port, get(`http://[::1]:${port}/status`))).status).toBe(429);
    expect((await rawRequest(port, get('/status'))).status).toBe(429);
  });
});

describe('bug 2: malformed percent-encoding is a client error on every route, never a 500', () => {
  it.each([
    ['DELETE', '/status/maintenance/%E0%A4%A', 400],
    ['GET', '/status/maintenance/%E0%A4%A', 400],
    ['GET', '/status/%E0%A4%A', 404],
    ['GET', '/status/components/%ZZ', 404],
    ['GET', '/status?path=%E0%A4%A', 404],
    ['GET', '/status?pretty=%E0%A4%A', 400],
  ])('%s %s answers %i', async (method, target, code) => {
    const { port } = await guarded(100);
    const answer = await rawRequest(
      port,
      `${method} ${target} HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${ADMIN}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(code);
    expect(answer.text).toMatch(/"success":false/);
  });
});

describe('bug 3: a check that finishes after the deadline does not pin the deadline answer', () => {
  it('the second and third answers carry the late result, with cache and with interval', async () => {
    for (const options of [{ cache: '10s' }, { interval: '10s' }] as const) {
      let finish: (() => void) | undefined;
      status = createStatus({ deadline: 50 });
      status.check(
        'slow',
        () =>
          new Promise<'ok'>((resolve) => {
            finish = () => resolve('ok');
          }),
        { timeout: '5s', ...options },
      );
      running = await status.listen({ port: 0 });
      const first = await fetch(`${running.url}/status`);
      expect(first.status).toBe(503);
      expect(JSON.stringify(await first.json())).toContain('response deadline');
      finish!();
      const second = await fetch(`${running.url}/status`);
      const third = await fetch(`${running.url}/status`);
      for (const answer of [second, third]) {
        expect(answer.status).toBe(200);
        expect(JSON.stringify(await answer.json())).not.toContain('response deadline');
      }
      await status.close();
      status = undefined;
    }
  });
});

describe('one authentication per request, whichever plug-ins ask', () => {
  it('the guard, the maintenance admin route and the status routes share one decision', async () => {
    const { port, counter } = await guarded(100);
    for (const target of [
      '/status',
      '/status/maintenance',
      '/status/components/db',
      `http://x:${port}/status`,
    ]) {
      const before = counter.calls;
      const answer = await rawRequest(port, get(target, [`X-Api-Key: ${ADMIN}`]));
      expect(answer.status).toBe(200);
      expect(counter.calls - before).toBe(1);
    }
  });
});

describe('decorations: per-caller fields in a cached document', () => {
  it('each caller sees its own account section, in compact and pretty form, and ?path reaches into it', async () => {
    const { port } = await guarded(5);
    const body = async (key: string, query = '') => {
      const answer = await fetch(`http://127.0.0.1:${port}/status${query}`, {
        headers: { 'x-api-key': key },
      });
      return answer.text();
    };
    const admin1 = JSON.parse(await body(ADMIN));
    const reader1 = JSON.parse(await body(READER));
    const admin2 = JSON.parse(await body(ADMIN));
    expect(admin1.data.account).toMatchObject({ tier: 'admin', rate_limits: { remaining: 4, limit: 5 } });
    expect(reader1.data.account).toMatchObject({ tier: 'reader', rate_limits: { remaining: 4 } });
    expect(admin2.data.account.rate_limits.remaining).toBe(3);
    // The rest of the document is the same cached rendering.
    expect({ ...admin1.data, account: null }).toEqual({ ...admin2.data, account: null });

    const pretty = await body(READER, '?pretty=true');
    expect(JSON.parse(pretty).data.account.rate_limits.remaining).toBe(3);
    expect(pretty).toMatch(/\n {4}"account": \{\n {6}"tier": "reader",\n/);
    expect(await body(READER, '?path=account.tier')).toBe('"reader"');
  });

  it('a value imitating a placeholder cannot move the caller fields', async () => {
    status = createStatus();
    status.provider('echo', () => '\u0000statuskit-000000000000-0\u0000');
    status.decorate('caller', (context) => context.remoteAddress);
    running = await status.listen({ port: 0 });
    const document = await (await fetch(`${running.url}/status`)).json();
    expect(document.echo).toBe('\u0000statuskit-000000000000-0\u0000');
    expect(document.caller).toMatch(/127\.0\.0\.1/);
  });

  it('a removed decoration leaves the document', async () => {
    status = createStatus();
    const remove = status.decorate('who', () => 'me');
    running = await status.listen({ port: 0 });
    expect((await (await fetch(`${running.url}/status`)).json()).who).toBe('me');
    remove();
    expect((await (await fetch(`${running.url}/status`)).json()).who).toBeUndefined();
  });
});

describe('overrides are a list', () => {
  it('two sources both apply, each removable on its own', async () => {
    status = createStatus();
    status.check('a', () => 'ok');
    status.check('b', () => 'ok');
    running = await status.listen({ port: 0 });
    const removeA = status.addOverride((path) => (path.join('.') === 'a' ? 'warning' : undefined));
    const removeB = status.addOverride((path) => (path.join('.') === 'b' ? 'critical' : undefined));
    const levels = async () => {
      const document = (await (await fetch(`${running!.url}/status`)).json()) as Record<
        string,
        { status: string }
      >;
      return [document.a.status, document.b.status];
    };
    expect(await levels()).toEqual(['warning', 'critical']);
    removeB();
    expect(await levels()).toEqual(['warning', 'ok']);
    removeA();
    expect(await levels()).toEqual(['ok', 'ok']);
  });
});

describe('providers with `every`', () => {
  it('are read once per interval however many documents are assembled', async () => {
    let reads = 0;
    status = createStatus();
    status.provider(
      'load',
      () => {
        reads++;
        return { reads };
      },
      { every: '1h' },
    );
    running = await status.listen({ port: 0 });
    const bodies = new Set<string>();
    for (let i = 0; i < 20; i++) bodies.add(await (await fetch(`${running.url}/status`)).text());
    expect(reads).toBe(1);
    expect(bodies.size).toBe(1);
  });
});
