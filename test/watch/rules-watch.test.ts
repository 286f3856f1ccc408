/**
 * Rules in a running watcher, for real: seed-shaped documents from local HTTP servers (and the
 * Wickson seed example for maintenance), a real webhook receiver, a real SQLite history, the
 * watcher's real `--serve` server for push targets. Polls are driven with `pollAll()`, so nothing
 * waits on a clock.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dydu from '../../examples/dydu/server.js';
import * as itgrix from '../../examples/itgrix/server.js';
import * as wickson from '../../examples/wickson/server.js';
import { httpRequest } from '../../src/client/http.js';
import { createLogger } from '../../src/client/log.js';
import { availability } from '../../src/watch/availability.js';
import { validateWatchConfig } from '../../src/watch/config.js';
import { planWatch } from '../../src/watch/plan.js';
import { buildReport, reportText } from '../../src/watch/report.js';
import { serveWatcher } from '../../src/watch/status-server.js';
import { SqliteHistoryStore as HistoryStore } from '../../src/watch/store.js';
import { Watcher } from '../../src/watch/watcher.js';

/** Seed 001 (DYDU) as the test wants it: its ratio and version are set per test. */
let ratio = 0.01;
let version = '49.2470';
let targets: Server;
let base: string;
let receiver: Server;
let hooks: string;
const received: { path: string; body: Record<string, unknown> }[] = [];

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  targets = createServer((req, res) => {
    const url = req.url ?? '/';
    let code = 200;
    let body: string;
    if (url === '/dydu') {
      body = JSON.stringify({
        status: 'Ok',
        applications: { servlet: { status: 'Ok', requests: { chatHttp: { fiveMinuteErrorsRatio: ratio } } } },
        version,
      });
    } else if (url.startsWith('/down')) {
      code = 503;
      body = JSON.stringify({ status: 'DOWN' });
    } else if (url === '/huge') {
      body = `{"list":[${Array.from({ length: 200_000 }, (_, i) => i).join(',')}],"deep":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    } else if (url === '/proto') {
      body = '{"__proto__":{"admin":true},"constructor":{"prototype":1},"status":"UP"}';
    } else if (url === '/html') {
      body = '<html><body>Bad gateway</body></html>';
      code = 502;
    } else {
      code = 404;
      body = '{}';
    }
    res.writeHead(code, { 'content-type': 'application/json', 'x-version': version }).end(body);
  });
  base = await listen(targets);
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) });
      res.writeHead(204).end();
    });
  });
  hooks = await listen(receiver);
});

afterAll(() => {
  for (const server of [targets, receiver]) {
    server.closeAllConnections();
    server.close();
  }
});

/** A logger whose lines the test reads. */
function lines() {
  const out: Record<string, unknown>[] = [];
  const log = createLogger({ format: 'json', write: (line) => out.push(JSON.parse(line)) });
  return { log, out };
}

function watcherOf(
  config: Record<string, unknown>,
  extra: { store?: HistoryStore; now?: () => number } = {},
) {
  const read = validateWatchConfig(config, {});
  if (!read.ok) throw new Error(read.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  const plan = planWatch({ urls: [], layer: {} }, read.config);
  const { log, out } = lines();
  const watcher = new Watcher({
    targets: plan.targets,
    log,
    retainMs: plan.retainMs,
    hooks: { timeoutMs: 2000, retries: 0, backoffMs: 10 },
    groupWaitMs: plan.groupWaitMs,
    windows: plan.windows,
    ...extra,
  });
  return { watcher, out, plan };
}

/** Polls once and waits for the hooks that poll caused (the drain is bounded, not a sleep). */
async function pollAndDeliver(watcher: Watcher) {
  const views = await watcher.pollAll();
  await (
    watcher as unknown as { dispatcher: { drain(ms: number, abandon: boolean): Promise<boolean> } }
  ).dispatcher.drain(5000, false);
  return views;
}

const history = () => HistoryStore.open(join(mkdtempSync(join(tmpdir(), 'statuskit-rules-')), 'watch.db'));

describe('rules in a watcher', () => {
  it("DYDU's error ratio above 0.05: critical, explained in the log, the webhook, the history and --serve", async () => {
    ratio = 0.0712;
    received.length = 0;
    const store = history();
    const { watcher, out } = watcherOf(
      {
        groupWait: '0s',
        webhook: `${hooks}/dydu`,
        targets: {
          dydu: {
            url: `${base}/dydu`,
            rules: {
              errors: 'body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio < 0.05',
              fast: { when: 'time < 30s', severity: 'warning' },
              version: { notify: 'changed(body.version)' },
            },
          },
        },
      },
      { store },
    );
    const served = await serveWatcher(watcher, { host: '127.0.0.1', port: 0 });
    try {
      const [view] = await pollAndDeliver(watcher);
      const explanation =
        'body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio = 0.0712, expected < 0.05';
      expect(view.last).toMatchObject({ level: 'critical', message: `errors: ${explanation}` });
      expect(out.find((line) => line.msg === 'dydu is critical')).toMatchObject({
        message: `errors: ${explanation}`,
        rules: [{ rule: 'errors', severity: 'critical', verdict: 'fail', explanation }],
      });
      expect(received).toEqual([
        {
          path: '/dydu',
          body: expect.objectContaining({
            event: 'transition',
            to: 'critical',
            message: `errors: ${explanation}`,
          }),
        },
      ]);
      const [sample] = [...store.ruleSamples(0, 'dydu')];
      expect(sample.values).toMatchObject({
        base: { level: 'ok' },
        recorded: {
          'body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio': 0.0712,
          'body.version': '49.2470',
        },
        failed: [{ rule: 'errors', explanation }],
      });
      const document = (await (await fetch(served.urls()[0])).json()) as {
        targets: Record<string, Record<string, unknown>>;
      };
      expect(document.targets.dydu).toMatchObject({
        status: 'critical',
        rules: [{ rule: 'errors', explanation }],
      });

      // A new version notifies without any change of level, and is recorded like a transition.
      version = '49.2471';
      received.length = 0;
      await pollAndDeliver(watcher);
      expect(received).toEqual([
        {
          path: '/dydu',
          body: expect.objectContaining({
            event: 'change',
            rule: 'version',
            message: 'body.version changed from "49.2470" to "49.2471"',
          }),
        },
      ]);
      expect(store.changes(0, 'dydu')).toMatchObject([{ rule: 'version', muted: false }]);
      expect(store.transitions(0, 'dydu')).toHaveLength(1);
      // `watch history` lists the change after the transitions.
      const text = reportText(await buildReport(store, { start: 0, end: Date.now() + 1 }));
      expect(text.trim().split('\n').slice(-2)).toEqual([
        expect.stringMatching(/^TIME +TARGET +RULE +CHANGE$/),
        expect.stringMatching(/^\S+Z +dydu +version +body\.version changed from "49\.2470" to "49\.2471"$/),
      ]);
    } finally {
      await served.close();
      await watcher.stop(1000);
      store.close();
      version = '49.2470';
    }
  });

  it('carries changed() across a restart through the history', async () => {
    const store = history();
    const config = {
      groupWait: '0s',
      targets: { dydu: { url: `${base}/dydu`, rules: { version: { notify: 'changed(body.version)' } } } },
    };
    const first = watcherOf(config, { store });
    await first.watcher.pollAll();
    await first.watcher.stop(1000);
    version = '50.0';
    const second = watcherOf(config, { store });
    await second.watcher.pollAll();
    await second.watcher.stop(1000);
    expect(store.changes(0, 'dydu').map((c) => c.message)).toEqual([
      'body.version changed from "49.2470" to "50.0"',
    ]);
    store.close();
    version = '49.2470';
  });

  it('folds 100 children of a parent that is down into one notification', async () => {
    received.length = 0;
    const children = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [
        `app-${i}`,
        { url: `${base}/down/app-${i}`, dependsOn: ['db'] },
      ]),
    );
    const { watcher, out } = watcherOf({
      webhook: [`${hooks}/json`, { url: `${hooks}/slack`, format: 'slack' }],
      targets: { db: { url: `${base}/down/db` }, ...children },
    });
    await pollAndDeliver(watcher);
    await watcher.stop(1000);
    // One message per receiver, the 100 children inside the parent's.
    expect(received.map((r) => r.path).sort()).toEqual(['/json', '/slack']);
    const json = received.find((r) => r.path === '/json')!.body;
    expect(json).toMatchObject({ event: 'transition', target: 'db', to: 'critical' });
    expect(json.dependents).toHaveLength(100);
    expect((json.dependents as { target: string }[])[0]).toMatchObject({ target: 'app-0', to: 'critical' });
    const slack = received.find((r) => r.path === '/slack')!.body.text as string;
    expect(slack).toMatch(
      /^🔴 db: is critical .*; 100 dependents affected: app-0, app-1, .*app-9 \(\+90 more\)$/,
    );
    // Every child's transition is still logged.
    expect(
      out.filter((line) => typeof line.msg === 'string' && /^app-\d+ is critical$/.test(line.msg)),
    ).toHaveLength(100);
  });

  it('mutes a target in maintenance (its own notice) and leaves that time out of availability', async () => {
    received.length = 0;
    const seed = await wickson.start({ port: 0 });
    const store = history();
    const { watcher, out } = watcherOf(
      {
        groupWait: '0s',
        webhook: `${hooks}/wickson`,
        targets: {
          wickson: {
            url: seed.url,
            auth: { apiKey: wickson.DEFAULT_KEY },
            rules: {
              quota: 'body.data.account.rate_limits.remaining >= 0.1 * body.data.account.rate_limits.limit',
            },
          },
        },
      },
      { store },
    );
    const admin = (method: string) =>
      fetch(`${seed.url}/maintenance`, {
        method,
        headers: { 'x-api-key': wickson.DEFAULT_ADMIN_KEY, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify({ message: 'Upgrading the database' }) } : {}),
      });
    try {
      const started = Date.now();
      expect((await pollAndDeliver(watcher))[0].last).toMatchObject({ level: 'ok' });
      expect((await admin('POST')).status).toBe(201);
      const [during] = await pollAndDeliver(watcher);
      expect(during.last).toMatchObject({
        level: 'maintenance',
        message: expect.stringMatching(/^in maintenance \(the target says: Upgrading the database\)/),
        values: expect.objectContaining({
          maintenance: { by: 'target', message: expect.any(String) },
          muted: true,
        }),
      });
      expect(out.find((line) => line.msg === 'wickson: ok -> maintenance (muted)')).toMatchObject({
        level: 'info',
        muted: true,
      });
      expect((await admin('DELETE')).status).toBe(200);
      const [after] = await pollAndDeliver(watcher);
      expect(after.state.level).toBe('ok');
      expect(out.find((line) => line.msg === 'wickson: maintenance -> ok (muted)')).toBeDefined();
      // Nothing was notified: the maintenance is no outage, and its end is no recovery.
      expect(received).toEqual([]);
      const samples = [...store.levelSamples('wickson', started - 1)];
      expect(samples.map((s) => s.level)).toEqual(['ok', 'maintenance', 'ok']);
      const seen = availability(samples, { start: started - 1, end: Date.now() + 1 });
      expect(seen.maintenanceMs).toBeGreaterThan(0);
      expect(seen.ratio).toBe(1);
    } finally {
      await watcher.stop(1000);
      store.close();
      await seed.close();
    }
  });

  it("mutes the watcher's own maintenance window for the targets it names", async () => {
    received.length = 0;
    const { watcher } = watcherOf({
      groupWait: '0s',
      webhook: `${hooks}/window`,
      maintenance: [
        {
          id: 'upgrade',
          message: 'database upgrade',
          end: new Date(Date.now() + 3_600_000).toISOString(),
          targets: ['db'],
        },
      ],
      targets: { db: { url: `${base}/down/db` }, api: { url: `${base}/down/api` } },
    });
    const views = await pollAndDeliver(watcher);
    await watcher.stop(1000);
    expect(views.find((v) => v.target.name === 'db')?.last).toMatchObject({
      level: 'maintenance',
      message: 'maintenance window "upgrade": database upgrade (observed critical)',
    });
    expect(received.map((r) => r.body.target)).toEqual(['api']);
  });

  it('judges a push target by its pings: the route, tokens, and a missed deadline', async () => {
    received.length = 0;
    let offset = 0;
    const token = 'nightly-backup-0123456789';
    const { watcher } = watcherOf(
      {
        groupWait: '0s',
        serve: 0,
        webhook: `${hooks}/push`,
        targets: { backup: { push: { token, period: '1h', grace: '5m' }, rules: { rows: 'body.rows > 0' } } },
      },
      { now: () => Date.now() + offset },
    );
    const served = await serveWatcher(watcher, { host: '127.0.0.1', port: 0 });
    const origin = new URL(served.urls()[0]).origin;
    const push = (path: string, init: RequestInit = { method: 'POST' }) =>
      fetch(`${origin}/push/${path}`, init);
    try {
      const [waiting] = await pollAndDeliver(watcher);
      expect(waiting.last).toMatchObject({
        level: 'unknown',
        message: expect.stringMatching(
          /^waiting for the first ping \(expected every 1h00m00s?|^waiting for the first ping/,
        ),
      });
      expect((await push('not-the-token-at-all')).status).toBe(404);
      expect((await push(token, { method: 'GET' })).status).toBe(405);
      const bad = await push(`${token}?status=sideways`);
      expect([bad.status, ((await bad.json()) as { message: string }).message]).toEqual([
        400,
        'unknown status word "sideways"; use ok, fail, …',
      ]);
      expect((await push(token, { method: 'POST', body: '{not json' })).status).toBe(400);
      expect(
        (await push(token, { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(20_000) }) })).status,
      ).toBe(413);
      const ok = await push(token, {
        method: 'POST',
        body: JSON.stringify({ rows: 1200 }),
        headers: { 'content-type': 'application/json' },
      });
      expect(await ok.json()).toEqual({ ok: true, target: 'backup', level: 'ok' });
      const [pinged] = await pollAndDeliver(watcher);
      expect(pinged.last?.level).toBe('ok');
      // The job reports a failed run: the ping carries its status and message.
      await push(`${token}?status=fail&message=${encodeURIComponent('disk full')}`);
      expect((await pollAndDeliver(watcher))[0].last).toMatchObject({
        level: 'critical',
        message: 'disk full; rows: body is missing (the answer is not JSON)',
      });
      await push(token, { method: 'POST', body: '{"rows": 10}' });
      expect((await pollAndDeliver(watcher))[0].last?.level).toBe('ok');
      // No ping within period + grace: critical.
      offset = 66 * 60_000;
      received.length = 0;
      const [late] = await pollAndDeliver(watcher);
      expect(late.last).toMatchObject({
        level: 'critical',
        message: expect.stringMatching(/^no ping for 1h06m/),
      });
      expect(received).toEqual([
        { path: '/push', body: expect.objectContaining({ target: 'backup', from: 'ok', to: 'critical' }) },
      ]);
    } finally {
      await served.close();
      await watcher.stop(1000);
    }
  });

  it('reads check kinds with the same rules (tcp)', async () => {
    const { port } = new URL(base);
    const closed = await (async () => {
      const probe = createServer();
      const url = await listen(probe);
      await new Promise((resolve) => probe.close(resolve));
      return new URL(url).port;
    })();
    const { watcher } = watcherOf({
      groupWait: '0s',
      targets: {
        up: {
          check: 'tcp',
          options: { host: '127.0.0.1', port: Number(port) },
          rules: { fast: 'time < 5s and fields.connected == true' },
        },
        slow: {
          check: 'tcp',
          options: { host: '127.0.0.1', port: Number(port) },
          rules: { quick: 'time < 0ms' },
        },
        down: { check: 'tcp', options: { host: '127.0.0.1', port: Number(closed) } },
      },
    });
    const views = await watcher.pollAll();
    await watcher.stop(1000);
    const level = (name: string) => views.find((v) => v.target.name === name)?.last;
    expect(level('up')).toMatchObject({ level: 'ok' });
    expect(level('slow')).toMatchObject({
      level: 'critical',
      message: expect.stringMatching(/^quick: time = \d+ms, expected < 0ms$/),
    });
    expect(level('down')).toMatchObject({
      level: 'critical',
      message: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(views.find((v) => v.target.name === 'up')?.target.displayUrl).toBe(`tcp://127.0.0.1:${port}`);
  });

  it('stays up against hostile answers: huge, deeply nested, prototype keys, not JSON', async () => {
    const { watcher } = watcherOf({
      groupWait: '0s',
      targets: {
        huge: {
          url: `${base}/huge`,
          rules: { items: 'len(body.list) < 1000', any: 'any(body.list, it == -1)' },
        },
        proto: {
          url: `${base}/proto`,
          rules: { admin: 'not has(body.admin) and body["__proto__"].admin == true' },
        },
        html: { url: `${base}/html`, rules: { ok: 'body.status == "UP"' } },
        rules: { url: `${base}/html`, rules: { code: 'status == 502 and body.x == 1' } },
      },
    });
    const views = await watcher.pollAll();
    await watcher.stop(1000);
    const last = (name: string) => views.find((v) => v.target.name === name)?.last;
    expect(last('huge')).toMatchObject({
      level: 'critical',
      message:
        'items: len(body.list) = 200000, expected < 1000; any: no item of body.list (200000) has it == -1',
    });
    expect(last('proto')).toMatchObject({ level: 'ok' });
    // No rule reads the code: a 502 is down whatever the rules say.
    expect(last('html')).toMatchObject({
      level: 'critical',
      message: 'HTTP 502; ok: body is missing (the answer is not JSON)',
    });
    // A rule reads the code: the rules decide, and a missing body value is unknown.
    expect(last('rules')).toMatchObject({
      level: 'unknown',
      message: 'code: body is missing (the answer is not JSON)',
    });
  });

  it("reads an https target's certificate: cert.daysLeft below 14 fails, explained", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'statuskit-rules-tls-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '10',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
    const tls = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"UP"}');
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const { port } = tls.address() as AddressInfo;
    try {
      const { watcher } = watcherOf({
        groupWait: '0s',
        targets: {
          api: {
            url: `https://127.0.0.1:${port}/status`,
            insecure: true,
            path: 'status',
            rules: {
              certificate: 'cert.daysLeft >= 14',
              trusted: { when: 'cert.trusted', severity: 'warning' },
            },
          },
        },
      });
      const [view] = await watcher.pollAll();
      await watcher.stop(1000);
      expect(view.last).toMatchObject({
        level: 'critical',
        word: 'UP',
        message: expect.stringMatching(
          /^certificate: cert.daysLeft = 9\.9, expected >= 14; trusted: cert.trusted = false, expected true$/,
        ),
      });
    } finally {
      tls.closeAllConnections();
      tls.close();
    }
  });

  it('reads the seed examples: DYDU meters and Itgrix app_state becoming "stopped" (Digest)', async () => {
    received.length = 0;
    const [dyduSeed, itgrixSeed] = await Promise.all([dydu.start({ port: 0 }), itgrix.start({ port: 0 })]);
    const { watcher, out } = watcherOf({
      // The default groupWait: what one poll finds goes out together (pollAll sends it at its end).
      webhook: `${hooks}/seeds`,
      targets: {
        dydu: {
          url: dyduSeed.url,
          path: 'status',
          rules: {
            errors: 'body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio < 0.05',
            apps: 'all(body.applications, it.status == "Ok")',
          },
        },
        pbx: {
          url: itgrixSeed.url,
          auth: { user: 'admin', password: 'itgrix', digest: true },
          path: 'app.master.general.app_status',
          rules: { stopped: { notify: 'becomes(body.app.master.general.app_state, "stopped")' } },
        },
      },
    });
    try {
      const first = await pollAndDeliver(watcher);
      expect(first.map((v) => [v.target.name, v.last?.level])).toEqual([
        ['dydu', 'ok'],
        ['pbx', 'ok'],
      ]);
      const simulated = await httpRequest(`${new URL(itgrixSeed.url).origin}/admin/simulate?state=stopped`, {
        method: 'POST',
        digest: { username: 'admin', password: 'itgrix' },
      });
      expect(simulated.status).toBe(204);
      const second = await pollAndDeliver(watcher);
      // app_status turns Error (critical) and the event fires on app_state, in one message.
      expect(second.find((v) => v.target.name === 'pbx')?.last?.level).toBe('critical');
      expect(
        out.find((line) => line.msg === 'pbx: body.app.master.general.app_state became "stopped" (was "")'),
      ).toMatchObject({
        rule: 'stopped',
      });
      expect(received.map((r) => r.body.event)).toEqual(['group']);
      expect((received[0].body.events as { event: string }[]).map((e) => e.event)).toEqual([
        'transition',
        'change',
      ]);
    } finally {
      await watcher.stop(1000);
      await Promise.all([dyduSeed.close(), itgrixSeed.close()]);
    }
  });

  it('applies changed rules at a reload, keeping the level and the known values', async () => {
    ratio = 0.03;
    const config = (bound: number) => ({
      groupWait: '0s',
      targets: {
        dydu: {
          url: `${base}/dydu`,
          rules: { errors: `body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio < ${bound}` },
        },
      },
    });
    const { watcher } = watcherOf(config(0.05));
    expect((await watcher.pollAll())[0].last?.level).toBe('ok');
    const next = watcherOf(config(0.02)).plan;
    const diff = watcher.reconfigure({
      targets: next.targets,
      retainMs: next.retainMs,
      hooks: next.hooks,
      groupWaitMs: 0,
    });
    expect(diff.changed.map((change) => [change.target.name, change.settings])).toEqual([
      ['dydu', ['rules']],
    ]);
    const [view] = await watcher.pollAll();
    await watcher.stop(1000);
    expect(view.last).toMatchObject({
      level: 'critical',
      message:
        'errors: body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio = 0.03, expected < 0.02',
    });
    expect(view.state).toMatchObject({ level: 'critical' });
    ratio = 0.01;
  });
});
