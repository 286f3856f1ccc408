import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiKeyAuth,
  createAccess,
  createStatus,
  type Level,
  readBuildInfo,
  type StatusKit,
  type StatusOptions,
} from '../../src/index.js';
import { get } from './helpers.js';

let statuses: StatusKit[] = [];
afterEach(async () => {
  await Promise.all(statuses.map((status) => status.close()));
  statuses = [];
});

async function start(declare: (status: StatusKit) => void, options: StatusOptions = {}) {
  const status = createStatus(options);
  statuses.push(status);
  declare(status);
  const server = await status.listen({ port: 0 });
  return { status, url: server.url };
}

const answer = async (url: string) => {
  const response = await get(url);
  return [response.status, response.json()];
};

describe('the startup probe', () => {
  it('is neither up nor down until the app says it started; liveness holds, readiness waits', async () => {
    let loop: Level = 'critical';
    const { status, url } = await start(
      (s) => {
        s.check('checks.eventLoop', () => loop);
        s.check('database', () => 'ok');
        s.mount('lifecycle', s.lifecycle);
      },
      { probes: { startup: true, liveness: { include: ['checks.eventLoop'] } } },
    );
    const waiting = 'starting: waiting for the app to say it started';
    expect(await answer(`${url}/health/started`)).toEqual([503, { status: 'unknown', reason: waiting }]);
    expect(await answer(`${url}/health/ready`)).toEqual([503, { status: 'unknown', reason: waiting }]);
    // A slow start is not a dead process: liveness does not fail while starting, whatever its group says.
    expect(await answer(`${url}/health/live`)).toEqual([200, { status: 'ok' }]);
    expect((await get(`${url}/status`)).json()).toMatchObject({ lifecycle: { state: 'starting' } });

    status.markStarted();
    expect(await answer(`${url}/health/started`)).toEqual([200, { status: 'ok' }]);
    // Started: liveness follows its group, readiness the document.
    expect(await answer(`${url}/health/live`)).toEqual([503, { status: 'critical' }]);
    expect((await get(`${url}/health/ready`)).status).toBe(503);
    loop = 'ok';
    expect(await answer(`${url}/health/ready`)).toEqual([200, { status: 'ok' }]);
    const document = (await get(`${url}/status`)).json() as { lifecycle: { state: string; since: string } };
    expect(document.lifecycle.state).toBe('ready');
    expect(Number.isNaN(Date.parse(document.lifecycle.since))).toBe(false);
  });

  it('follows its components through a slow start, and stays started once they passed', async () => {
    let cache: Level = 'critical';
    let database: Level = 'ok';
    const { status, url } = await start(
      (s) => {
        s.check('cache', () => cache);
        s.check('database', () => database);
        s.mount('lifecycle', s.lifecycle);
      },
      { probes: { startup: { include: ['cache', 'database'] } } },
    );
    expect(await answer(`${url}/health/started`)).toEqual([
      503,
      { status: 'unknown', reason: 'starting: waiting for cache (critical)' },
    ]);
    expect((await get(`${url}/health/ready`)).status).toBe(503);
    expect(status.lifecycle.state).toBe('starting');
    cache = 'warning'; // warming, but serving: a warning passes
    database = 'unknown';
    expect((await answer(`${url}/health/started`))[1]).toEqual({
      status: 'unknown',
      reason: 'starting: waiting for database (unknown)',
    });
    database = 'ok';
    // The snapshot that completes the start is taken again: this very document says ready.
    expect((await get(`${url}/status`)).json()).toMatchObject({ lifecycle: { state: 'ready' } });
    expect(await answer(`${url}/health/started`)).toEqual([200, { status: 'ok' }]);
    cache = 'critical';
    expect(await answer(`${url}/health/started`)).toEqual([200, { status: 'ok' }]);
    expect((await get(`${url}/health/ready`)).status).toBe(503);
  });

  it('names a startup component that is not mounted, and refuses a malformed one at start-up', async () => {
    const { url } = await start((s) => s.check('database', () => 'ok'), {
      probes: { startup: { include: ['databse'] } },
    });
    expect((await answer(`${url}/health/started`))[1]).toEqual({
      status: 'unknown',
      reason: 'starting: waiting for component "databse" (not mounted)',
    });
    expect(() => createStatus({ probes: { startup: { include: [] } } })).toThrow(
      'probes.startup.include: expected a non-empty list of component paths',
    );
  });
});

describe('health groups', () => {
  const levels: Record<string, Level> = {};
  const tree = (s: StatusKit) => {
    Object.assign(levels, { database: 'ok', cache: 'ok', mailer: 'ok', 'checks.disk': 'ok' });
    s.value('version', '3.1.0', { summary: true });
    s.check('database', () => levels.database);
    s.check('cache', () => levels.cache, { critical: false });
    s.check('mailer', () => levels.mailer);
    s.check('checks.disk', () => levels['checks.disk']);
    s.value('build', { region: 'eu' });
  };

  it('serve each group at /health/<name> with its members, its aggregation and its HTTP codes', async () => {
    const { url } = await start(tree, {
      vocabulary: 'upDown',
      groups: {
        payments: { include: ['database', 'cache'] },
        core: { exclude: ['mailer'], httpCodes: { warning: 429 } },
        quiet: { include: ['database'], details: false },
      },
    });
    expect(await answer(`${url}/health/payments`)).toEqual([
      200,
      { status: 'UP', components: { database: 'UP', cache: 'UP' } },
    ]);
    // An included member counts fully: the non-critical cache failing fails the payments group.
    levels.cache = 'critical';
    expect(await answer(`${url}/health/payments`)).toEqual([
      503,
      { status: 'DOWN', components: { database: 'UP', cache: 'DOWN' } },
    ]);
    // Without include, the status's own aggregation: a non-critical member lifts to warning at most.
    expect(await answer(`${url}/health/core`)).toEqual([
      429,
      { status: 'UP', components: { database: 'UP', cache: 'DOWN', checks: 'UP' } },
    ]);
    levels.mailer = 'critical';
    expect((await get(`${url}/health/core`)).status).toBe(429);
    expect((await get(`${url}/status`)).status).toBe(503);
    expect(await answer(`${url}/health/quiet`)).toEqual([200, { status: 'UP' }]);
    // Not a group: not statuskit's route.
    expect((await get(`${url}/health/unknown`)).status).toBe(404);
  });

  it('leave out what ?exclude= names, on groups and probes alike, and say when it names nothing', async () => {
    const { url } = await start(tree, {
      groups: { payments: { include: ['database', 'cache'] } },
      probes: { liveness: { include: ['checks'] } },
    });
    levels.cache = 'critical';
    levels.mailer = 'critical';
    expect((await get(`${url}/health/payments`)).status).toBe(503);
    expect(await answer(`${url}/health/payments?exclude=cache`)).toEqual([
      200,
      { status: 'ok', components: { database: 'ok' } },
    ]);
    expect((await get(`${url}/health/ready`)).status).toBe(503);
    expect(await answer(`${url}/health/ready?exclude=mailer`)).toEqual([200, { status: 'warning' }]);
    expect(await answer(`${url}/health/ready?exclude=mailer,cache`)).toEqual([200, { status: 'ok' }]);
    expect(await answer(`${url}/health/ready?exclude=mailer&exclude=mailr`)).toEqual([
      200,
      { status: 'warning', warnings: ['exclude "mailr" matches no component of this probe'] },
    ]);
    // A nested member: the liveness group `checks` without its disk.
    levels['checks.disk'] = 'critical';
    expect((await get(`${url}/health/live`)).status).toBe(503);
    expect((await get(`${url}/health/live?exclude=checks.disk`)).status).toBe(200);
    const bad = await answer(`${url}/health/ready?exclude=a..b`);
    expect(bad).toEqual([
      400,
      { error: 'bad_request', message: 'query parameter "exclude": empty segment at position 2 of "a..b"' },
    ]);
  });

  it('render the group as a document at /status?group=, with the group level and code', async () => {
    const { url } = await start(tree, {
      groups: {
        payments: { include: ['database', 'cache'] },
        quiet: { include: ['database'], details: false },
      },
    });
    levels.mailer = 'critical';
    const payments = await get(`${url}/status?group=payments`);
    expect(payments.status).toBe(200);
    expect(payments.json()).toEqual({
      status: 'ok',
      version: '3.1.0',
      database: { status: 'ok', durationMs: expect.any(Number), time: expect.any(String) },
      cache: { status: 'ok', durationMs: expect.any(Number), time: expect.any(String) },
      durationMs: expect.any(Number),
    });
    levels.database = 'critical';
    const failing = await get(`${url}/status?group=payments&format=health`);
    expect(failing.status).toBe(503);
    expect(Object.keys((failing.json() as { checks: object }).checks)).toEqual(['database', 'cache']);
    // A group without details shows the summary, whoever asks.
    expect((await get(`${url}/status?group=quiet`)).json()).toEqual({
      status: 'critical',
      version: '3.1.0',
      durationMs: expect.any(Number),
    });
    expect(await answer(`${url}/status?group=nope`)).toEqual([
      404,
      { error: 'not_found', message: 'no health group "nope" (groups: payments, quiet)' },
    ]);
    expect((await answer(`${url}/status?group=`))[0]).toBe(400);
  });

  it('show members only to callers whose tier shows details', async () => {
    const access = createAccess({
      authenticators: [apiKeyAuth({ keys: [{ key: 'admin-key', tier: 'admin' }] })],
      anonymous: 'summary',
    });
    const { url } = await start(tree, { access, groups: { payments: { include: ['database'] } } });
    expect(await answer(`${url}/health/payments`)).toEqual([200, { status: 'ok' }]);
    const admin = await get(`${url}/health/payments`, { headers: { 'x-api-key': 'admin-key' } });
    expect(admin.json()).toEqual({ status: 'ok', components: { database: 'ok' } });
    expect((await get(`${url}/status?group=payments`)).json()).toEqual({
      status: 'ok',
      version: '3.1.0',
      durationMs: expect.any(Number),
    });
  });

  it('refuse a malformed group at start-up, naming it', () => {
    expect(() => createStatus({ groups: { 'pay ments': { include: ['a'] } } })).toThrow(
      'groups.pay ments: a group name is letters, digits, "-" and "_" (it is a path segment)',
    );
    expect(() => createStatus({ groups: { live: { include: ['a'] } } })).toThrow(
      "groups.live: /health/live is already the live probe's path",
    );
    expect(() => createStatus({ paths: { groups: '/status' } })).toThrow(
      'paths.groups: /status is the status path; groups there would hide components',
    );
    expect(() => createStatus({ groups: { p: { include: [] } } })).toThrow(
      'groups.p.include: expected a non-empty list of component paths',
    );
    expect(() => createStatus({ groups: { p: { exclude: ['a..b'] } } })).toThrow(
      /^groups\.p\.exclude: empty segment/,
    );
    expect(() => createStatus({ groups: { p: { httpCodes: { ok: 42 } } } })).toThrow(
      'groups.p.httpCodes.ok: expected an HTTP status code (100-599), got 42',
    );
  });
});

describe('/info', () => {
  it('says what runs: version, build, Node, start time and uptime', async () => {
    const { url } = await start(() => {}, {
      info: {
        name: 'payments-api',
        version: '1.4.2',
        commit: '3f2a9c1',
        buildTime: '2025-06-01T10:00:00.000Z',
        extra: { region: 'eu-west-1', node: 'not this' },
      },
    });
    const info = (await get(`${url}/info`)).json() as Record<string, unknown>;
    expect(info).toEqual({
      name: 'payments-api',
      version: '1.4.2',
      build: { commit: '3f2a9c1', time: '2025-06-01T10:00:00.000Z' },
      node: process.version,
      startTime: expect.any(String),
      uptimeSeconds: expect.any(Number),
      region: 'eu-west-1',
    });
    expect(Date.parse(info.startTime as string)).toBeLessThanOrEqual(Date.now());
    // The process's own start and uptime: this test process has been up at least that long.
    expect(info.uptimeSeconds).toBeLessThanOrEqual(Math.ceil(process.uptime()));
    expect((await get(`${url}/info?pretty=true`)).text).toContain('\n  "version": "1.4.2"');
  });

  it('is not served without `info`, and asks for credentials when anonymous callers are refused', async () => {
    const plain = await start(() => {});
    expect((await get(`${plain.url}/info`)).status).toBe(404);
    const access = createAccess({
      authenticators: [apiKeyAuth({ keys: [{ key: 'k1' }] })],
      anonymous: 'refuse',
    });
    const { url } = await start(() => {}, { access, info: { version: '1.0.0' } });
    expect((await get(`${url}/info`)).status).toBe(401);
    expect((await get(`${url}/info`, { headers: { 'x-api-key': 'k1' } })).json()).toMatchObject({
      version: '1.0.0',
    });
  });

  it('reads package.json, the build file the documented command writes, and CI variables, which win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'statuskit-info-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'orders', version: '2.3.4' }));
    // The command from docs/core.md, run in this repository: a real commit and branch.
    const repository = new URL('../..', import.meta.url).pathname;
    execFileSync(
      'sh',
      [
        '-c',
        `printf '{"commit":"%s","branch":"%s","time":"%s"}\\n' "$(git rev-parse HEAD)" "$(git rev-parse --abbrev-ref HEAD)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > ${JSON.stringify(join(dir, 'build-info.json'))}`,
      ],
      { cwd: repository },
    );
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repository, encoding: 'utf8' }).trim();
    const fromFile = readBuildInfo({ cwd: dir, env: {} });
    expect(fromFile).toMatchObject({ name: 'orders', version: '2.3.4', commit: head });
    expect(fromFile.branch).toMatch(/\S/);
    expect(Date.parse(fromFile.buildTime!)).toBeGreaterThan(0);
    const fromEnv = readBuildInfo({
      cwd: dir,
      env: { GITHUB_SHA: 'abc1234', GITHUB_REF_NAME: 'release', SOURCE_DATE_EPOCH: '1717236000' },
    });
    expect(fromEnv).toMatchObject({
      commit: 'abc1234',
      branch: 'release',
      buildTime: '2024-06-01T10:00:00.000Z',
    });
    expect(readBuildInfo({ cwd: tmpdir(), env: {}, packageJson: false, file: false })).toEqual({});
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    expect(() => readBuildInfo({ cwd: dir, file: join(dir, 'broken.json') })).toThrow(
      `info.file: ${join(dir, 'broken.json')} does not hold a JSON object`,
    );
    expect(() => readBuildInfo({ cwd: dir, file: join(dir, 'missing.json') })).toThrow(
      /^info\.file: cannot read /,
    );
  });
});
