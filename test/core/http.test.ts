import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  type CheckRunner,
  createStatus,
  documentDuration,
  MountError,
  overallStatus,
  type StatusKit,
} from '../../src/index.js';
import { gate, until } from '../support/wait.js';
import { get, serve, servesForEachTest } from './helpers.js';

const start = servesForEachTest();

function basicTree(s: StatusKit) {
  s.value('version', '1.2.3', { summary: true });
  s.provider('volumes.sessions', () => 7);
  s.check('components.db', () => ({
    level: 'ok',
    fields: { pool: { total: 2 } },
    observedValue: 3,
    observedUnit: 'ms',
  }));
  s.check('components.cache', () => 'warning', { critical: false });
  s.value('list', [{ name: 'a' }, { name: 'b' }]);
}

/** Raw HTTP, for methods and targets fetch will not send. */
function raw(
  url: string,
  method: string,
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, { method }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /status', () => {
  it('serves the document with the aggregated level and no-store', async () => {
    const { url } = await start(basicTree);
    const res = await get(`${url}/status`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const doc = res.json() as Record<string, any>;
    expect(doc.status).toBe('warning');
    expect(doc.version).toBe('1.2.3');
    expect(doc.volumes).toEqual({ sessions: 7 });
    expect(doc.components.db).toMatchObject({ status: 'ok', pool: { total: 2 } });
    expect(typeof doc.components.db.durationMs).toBe('number');
    expect(typeof doc.durationMs).toBe('number');
    expect(res.text).not.toContain('\n');
  });

  it('pretty-prints with ?pretty=true and ignores unknown parameters', async () => {
    const { url } = await start(basicTree);
    const res = await get(`${url}/status?pretty=true&utm_source=x&foo[bar]=1`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('\n  "version": "1.2.3"');
  });

  it('keeps only the summary with ?details=false', async () => {
    const { url } = await start(basicTree);
    const doc = (await get(`${url}/status?details=false`)).json();
    expect(doc).toEqual({ status: 'warning', version: '1.2.3', durationMs: expect.any(Number) });
  });

  it('extracts values with ?path= (dot, index, pointer)', async () => {
    const { url } = await start(basicTree);
    expect((await get(`${url}/status?path=version`)).text).toBe('"1.2.3"');
    expect((await get(`${url}/status?path=list[1].name`)).text).toBe('"b"');
    expect((await get(`${url}/status?path=/components/db/pool/total`)).text).toBe('2');
    expect((await get(`${url}/status?path=components.db&pretty`)).text).toContain('\n  "status": "ok"');
  });

  it('answers 404 for unknown paths and 400 for malformed ones, as JSON', async () => {
    const { url } = await start(basicTree);
    const missing = await get(`${url}/status?path=components.nope`);
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({
      error: 'not_found',
      message: 'path "components.nope" not found in the document',
    });
    const bad = await get(`${url}/status?path=a..b`);
    expect(bad.status).toBe(400);
    expect((bad.json() as { error: string }).error).toBe('bad_request');
    const flag = await get(`${url}/status?details=maybe`);
    expect(flag.status).toBe(400);
    expect(flag.text).toContain('details');
  });

  it('serves health+json by ?format=health and by Accept', async () => {
    const { url } = await start(basicTree, { identity: { version: '1.2.3', serviceId: 'demo' } });
    for (const res of [
      await get(`${url}/status?format=health`),
      await get(`${url}/status`, { headers: { accept: 'application/health+json' } }),
    ]) {
      expect(res.headers.get('content-type')).toBe('application/health+json; charset=utf-8');
      const doc = res.json() as Record<string, any>;
      expect(doc.status).toBe('warn');
      expect(doc.serviceId).toBe('demo');
      expect(doc.checks['components.db:responseTime'][0]).toMatchObject({
        componentId: 'components.db',
        status: 'pass',
        observedValue: 3,
      });
      expect(doc.checks['components.cache'][0].status).toBe('warn');
    }
    const plain = await get(`${url}/status`);
    expect(plain.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('maps critical to 503 and the word matches the code', async () => {
    let level = 'ok';
    const { url } = await start((s) => s.check('db', () => level as 'ok'), { vocabulary: 'okKo' });
    expect((await get(`${url}/status`)).status).toBe(200);
    level = 'critical';
    const res = await get(`${url}/status`);
    expect(res.status).toBe(503);
    expect((res.json() as { status: string }).status).toBe('Ko');
    level = 'maintenance';
    expect((await get(`${url}/status`)).status).toBe(503);
  });

  it('uses configured HTTP codes', async () => {
    const { url } = await start((s) => s.check('db', () => 'warning'), { httpCodes: { warning: 207 } });
    expect((await get(`${url}/status`)).status).toBe(207);
  });

  it('answers 500 with a JSON error (no stack) when producing the document fails', async () => {
    const errors: unknown[] = [];
    const { url } = await start((s) => s.provider('bad', () => ({ big: 10n })), {
      onError: (e: unknown) => errors.push(e),
    });
    const res = await get(`${url}/status`);
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ error: 'internal_error', message: 'Unable to retrieve system status' });
    expect(errors).toHaveLength(1);
  });

  it('answers 500 when a required provider fails, and null for an optional one', async () => {
    let broken = false;
    const { url } = await start(
      (s) => {
        s.provider('optional', () => {
          throw new Error('nope');
        });
        s.provider(
          'db.version',
          async () => {
            if (broken) throw new Error('cannot read the database version');
            return '15.2';
          },
          { required: true },
        );
      },
      { envelope: true },
    );
    const ok = await get(`${url}/status`);
    expect(ok.status).toBe(200);
    expect((ok.json() as any).data.optional).toBeNull();
    broken = true;
    const failed = await get(`${url}/status`);
    expect(failed.status).toBe(500);
    expect(failed.json()).toMatchObject({
      success: false,
      message: 'Unable to retrieve system status',
      code: 'internal_error',
      status_code: 500,
    });
    expect(failed.text).not.toContain('database version');
  });

  it('uses the envelope and its error form (seed 002)', async () => {
    const { url } = await start(
      (s) => {
        s.mount('status', overallStatus());
        s.check('components.api', () => 'critical');
        s.mount('performance.response_time_ms', documentDuration());
        s.provider('explode', () => (globalThis as any).explode?.());
      },
      {
        vocabulary: 'operational',
        layout: { components: 'word', durationKey: false },
        envelope: { metadata: { environment: 'production' } },
      },
    );
    const res = await get(`${url}/status`);
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({
      success: true,
      data: {
        status: 'critical',
        components: { api: 'unavailable' },
        performance: { response_time_ms: expect.any(Number) },
      },
      metadata: { environment: 'production' },
    });
    const missing = await get(`${url}/status?path=nope`);
    expect(missing.json()).toMatchObject({ success: false, code: 'not_found', status_code: 404 });
  });
});

describe('methods and absurd input', () => {
  it('answers HEAD with headers and no body, and 405 with Allow for other methods', async () => {
    const { url } = await start(basicTree);
    const head = await raw(url, 'HEAD', '/status');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String((await get(`${url}/status`)).text.length));
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await raw(url, method, '/status');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(JSON.parse(res.body).error).toBe('method_not_allowed');
    }
  });

  it('refuses a 10 KB path with 414 and 10k parameters with 400/414/431, then keeps serving', async () => {
    const { url } = await start(basicTree);
    const long = await get(`${url}/status?path=${'a.'.repeat(5000)}a`);
    expect(long.status).toBe(414);
    expect((long.json() as { error: string }).error).toBe('uri_too_long');
    const many = await raw(
      url,
      'GET',
      `/status?${Array.from({ length: 10_000 }, (_, i) => `p${i}=1`).join('&')}`,
    ).catch(() => ({ status: 431 }));
    expect([400, 414, 431]).toContain(many.status);
    const some = await get(`${url}/status?${Array.from({ length: 150 }, (_, i) => `p${i}=1`).join('&')}`);
    expect(some.status).toBe(400);
    expect((await get(`${url}/status`)).status).toBe(200);
  });

  it('answers 404 JSON for paths that are not statuskit routes', async () => {
    const { url } = await start(basicTree);
    const res = await get(`${url}/nope`);
    expect(res.status).toBe(404);
    expect((res.json() as { error: string }).error).toBe('not_found');
  });

  it('survives garbage in the component path', async () => {
    const { url } = await start(basicTree);
    expect((await get(`${url}/status/%E0%A4%A`)).status).toBe(404);
    expect((await get(`${url}/status/..%2F..%2Fetc`)).status).toBe(404);
    expect((await get(`${url}/status`)).status).toBe(200);
  });
});

describe('component sub-paths, liveness, readiness', () => {
  it('serves one component with its own code', async () => {
    const { url } = await start((s) => {
      s.check('components.db', () => 'ok');
      s.check('components.queue', () => ({ level: 'critical', fields: { depth: 900 } }));
    });
    const db = await get(`${url}/status/components/db`);
    expect(db.status).toBe(200);
    expect(db.json()).toMatchObject({ status: 'ok' });
    const queue = await get(`${url}/status/components.queue`);
    expect(queue.status).toBe(503);
    expect(queue.json()).toMatchObject({ status: 'critical', depth: 900 });
    const group = await get(`${url}/status/components`);
    expect(group.status).toBe(503);
    expect(group.json()).toMatchObject({ status: 'critical', db: { status: 'ok' } });
    expect((await get(`${url}/status/components/nope`)).status).toBe(404);
  });

  it('answers liveness without running checks and readiness from critical checks', async () => {
    let calls = 0;
    let level = 'ok';
    const { url } = await start((s) => {
      s.check('db', () => {
        calls++;
        return level as 'ok';
      });
    });
    expect((await get(`${url}/health/live`)).json()).toEqual({ status: 'ok' });
    expect(calls).toBe(0);
    expect((await get(`${url}/health/ready`)).status).toBe(200);
    level = 'critical';
    expect((await get(`${url}/health/ready`)).status).toBe(503);
    expect((await get(`${url}/health/live`)).status).toBe(200);
  });

  it('readiness follows its group, liveness runs only its own, and the app can hold readiness back', async () => {
    const levels: Record<string, string> = { db: 'ok', mailer: 'ok', loop: 'ok' };
    let mailerCalls = 0;
    const { url, status } = await start(
      (s) => {
        s.check('db', () => levels.db as 'ok');
        s.check('external.mailer', () => {
          mailerCalls++;
          return levels.mailer as 'ok';
        });
        s.check('checks.eventLoop', () => levels.loop as 'ok');
      },
      {
        probes: { readiness: { include: ['db'] }, liveness: { include: ['checks.eventLoop'] } },
        vocabulary: 'upDown',
      },
    );
    // The mailer being down takes the document to 503 but not readiness: it is not in the group.
    levels.mailer = 'critical';
    expect((await get(`${url}/status`)).status).toBe(503);
    expect((await get(`${url}/health/ready`)).status).toBe(200);
    levels.db = 'critical';
    const notReady = await get(`${url}/health/ready`);
    expect([notReady.status, notReady.json()]).toEqual([503, { status: 'DOWN' }]);
    levels.db = 'ok';
    // Liveness runs its group (and the whole tree's evaluation), and fails with it.
    expect((await get(`${url}/health/live`)).status).toBe(200);
    levels.loop = 'critical';
    expect((await get(`${url}/health/live`)).status).toBe(503);
    levels.loop = 'ok';
    expect(mailerCalls).toBeGreaterThan(0);

    status.setReadiness(false, 'warming caches');
    const held = await get(`${url}/health/ready`);
    expect([held.status, held.json()]).toEqual([503, { status: 'DOWN', reason: 'warming caches' }]);
    expect((await get(`${url}/health/live`)).status).toBe(200);
    status.setReadiness(true);
    expect((await get(`${url}/health/ready`)).status).toBe(200);
  });

  it('a probe group naming a missing component fails loudly; a malformed one fails at start-up', async () => {
    const { url } = await start((s) => s.check('db', () => 'ok'), {
      probes: { readiness: { include: ['databse'] } },
    });
    const probe = await get(`${url}/health/ready`);
    expect(probe.status).toBe(503);
    expect(probe.json()).toEqual({ status: 'critical', reason: 'component "databse" is not mounted' });
    expect(() => createStatus({ probes: { readiness: { include: [] } } })).toThrow(
      'probes.readiness.include: expected a non-empty list of component paths',
    );
    expect(() => createStatus({ probes: { liveness: { include: ['a..b'] } } })).toThrow(
      /^probes\.liveness\.include: /,
    );
  });

  it('honours configured paths', async () => {
    const { url } = await start((s) => s.value('v', 1), { paths: { status: '/api/v2/status', live: false } });
    expect((await get(`${url}/api/v2/status`)).status).toBe(200);
    expect((await get(`${url}/status`)).status).toBe(404);
    expect((await get(`${url}/health/live`)).status).toBe(404);
  });
});

describe('checks never hang the answer, never stampede a dependency', () => {
  it('answers on time when a check never resolves', async () => {
    const { url } = await start((s) => s.check('hang', () => new Promise(() => {}), { timeout: 150 }));
    const started = performance.now();
    const res = await get(`${url}/status`);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(503);
    expect((res.json() as any).hang).toMatchObject({ status: 'critical', reason: 'timeout' });
    expect(elapsed).toBeLessThan(5000); // generous: the exact bound is measured in bench/
  });

  it('cuts the response at the deadline while the check keeps its own timeout', async () => {
    const { url } = await start((s) => s.check('slow', () => new Promise(() => {}), { timeout: 60_000 }), {
      deadline: 150,
    });
    const res = await get(`${url}/status`);
    expect((res.json() as any).slow).toMatchObject({ status: 'critical', reason: 'timeout' });
    expect((res.json() as any).slow.message).toContain('deadline');
  });

  it('runs a 200 ms check once for 1000 concurrent requests', async () => {
    const { url, status, server } = await start(() => {});
    // The check holds until all 1000 requests have reached the server (and at least 200 ms), so
    // every request arrives while it runs, however slowly the client opens its connections.
    let received = 0;
    let allIn: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      allIn = resolve;
    });
    server.server.on('request', () => {
      if (++received === 1000) allIn();
    });
    const runner = status.check(
      'slow',
      async () => {
        await arrived;
        return 'ok' as const;
      },
      { timeout: 20_000 },
    );
    const results = await Promise.all(Array.from({ length: 1000 }, () => get(`${url}/status`)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(runner.runs).toBe(1);
  });

  it('serves cached results and background results with their age', async () => {
    let calls = 0;
    let background: CheckRunner | undefined;
    const { url } = await start((s) => {
      s.check(
        'cached',
        () => {
          calls++;
          return 'ok';
        },
        { cache: '1m' },
      );
      background = s.check('bg', () => 'ok', { interval: 100 });
    });
    await get(`${url}/status`);
    await get(`${url}/status`);
    expect(calls).toBe(1);
    // The background check runs on its own schedule, not on requests.
    await until(() => background!.runs >= 3, 'three background runs');
    const doc = (await get(`${url}/status`)).json() as any;
    expect(doc.bg.status).toBe('ok');
    expect(calls).toBe(1);
  });

  it('hides redacted messages? no: shows redacted messages by default, without stacks', async () => {
    const { url } = await start((s) =>
      s.check('db', () => {
        throw new Error('connect postgres://app:hunter2@db:5432/x refused');
      }),
    );
    const text = (await get(`${url}/status`)).text;
    expect(text).toContain('postgres://app:***@db:5432/x');
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('the tree at runtime', () => {
  it('adds and removes checks while serving', async () => {
    const { url, status } = await start((s) => s.check('a', () => 'ok'));
    status.check('b', () => 'critical');
    expect((await get(`${url}/status`)).status).toBe(503);
    expect(status.remove('b')).toBe(true);
    expect(status.remove('b')).toBe(false);
    const doc = (await get(`${url}/status`)).json() as any;
    expect(doc.b).toBeUndefined();
    expect(doc.status).toBe('ok');
  });

  it('fails fast on duplicate or conflicting paths', async () => {
    const { status } = await start((s) => {
      s.check('a.b', () => 'ok');
      s.value('v', 1);
    });
    expect(() => status.check('a.b', () => 'ok')).toThrow(MountError);
    expect(() => status.check('a.b', () => 'ok')).toThrow('"a.b" is already mounted (check)');
    expect(() => status.value('v.x', 1)).toThrow(/holds a value/);
    expect(() => status.value('a', 1)).toThrow(/already has children/);
    expect(() => status.value('a..b', 1)).toThrow(/empty segment/);
  });
});

describe('graceful shutdown', () => {
  it('turns not-ready first, lets in-flight requests finish, then stops', async () => {
    const running = gate();
    const release = gate();
    const started = await serve((s) =>
      s.check('slow', async () => {
        running.open();
        await release.promise;
        return 'ok' as const;
      }),
    );
    const inflight = get(`${started.url}/status`);
    await running.promise;
    const closing = started.status.close();
    expect(started.status.isDraining).toBe(true);
    release.open();
    const res = await inflight;
    expect(res.status).toBe(200);
    await closing;
    await expect(fetch(`${started.url}/status`)).rejects.toThrow();
  });

  it('reports not ready while draining', async () => {
    const { status, url } = await start((s) => s.value('v', 1));
    const second = await status.listen({ port: 0 });
    await second.close();
    expect(status.isDraining).toBe(true);
    expect((await get(`${url}/health/ready`)).status).toBe(503);
  });
});
