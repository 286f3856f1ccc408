import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { until } from '../support/wait.js';
import { curl, type RunningExample, sh, startExample } from './run-example.js';
import { loadShape, shapeErrors } from './shape.js';

/**
 * The mission's acceptance test: each seed API served by its example, started as a process with
 * `npm run example`, driven by real clients (curl, jq, a ws client), its answers compared with the
 * seed's shape (test/fixtures).
 */
const running: RunningExample[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

async function start(name: string, args?: string[], env?: Record<string, string>) {
  const example = await startExample(name, args, env);
  running.push(example);
  return example;
}

describe('webitel (seed 000)', () => {
  it('serves GET /api/v2/status with X-Access-Token + X-Key, in the seed shape', async () => {
    const ex = await start('webitel');
    const token = /X-Access-Token: ([^']+)'/.exec(ex.lines[1])![1];
    const key = /X-Key: ([^']+)'/.exec(ex.lines[1])![1];
    expect(ex.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2\/status$/);
    // The seed's own curl example, pointed at the example.
    const res = await curl(`-X GET -H 'X-Access-Token: ${token}' -H 'X-Key: ${key}' "${ex.url}"`);
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.body);
    expect(shapeErrors(doc, loadShape('seed-000'))).toEqual([]);
    expect(doc.wConsole.status).toBe('Connected');
    expect(doc.processId).toBeGreaterThan(0);
    expect(doc.system.platform).toBe('linux');

    expect((await curl(`"${ex.url}"`)).status).toBe(401);
    expect((await curl(`-H 'X-Access-Token: ${token}' -H 'X-Key: wrong' "${ex.url}"`)).status).toBe(401);
    expect((await curl(`-H 'X-Key: ${key}' "${ex.url}"`)).status).toBe(401);

    // The console connection goes down (SIGUSR2 toggles it): its words change, the endpoint stays 200.
    ex.process.kill('SIGUSR2');
    const read = () => curl(`-H 'X-Access-Token: ${token}' -H 'X-Key: ${key}' "${ex.url}"`);
    await until(
      async () => JSON.parse((await read()).body).wConsole.status === 'Disconnected',
      'the console down',
    );
    expect((await read()).status).toBe(200);
  });
});

describe('dydu (seed 001)', () => {
  it('serves the server status with Dropwizard meters driven by real requests', async () => {
    const ex = await start('dydu');
    const base = ex.url.replace('/servlet/api/serverstatus', '');
    for (let i = 0; i < 20; i++) await sh(`curl -s "${base}/servlet/api/chat?bot=bot-${i % 3}" > /dev/null`);
    for (let i = 0; i < 5; i++)
      await sh(`curl -s "${base}/servlet/api/chat?bot=bot-${i % 2}&fail=1" > /dev/null`);
    for (let i = 0; i < 3; i++) await sh(`curl -s "${base}/servlet/api/chat?bad=1" > /dev/null`);

    // The seed's curl command.
    const res = await curl(
      `-X GET "${ex.url}?details=true&pretty=true" -H "accept: application / javascript"`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toContain('\n  "withDetails": true');
    const doc = JSON.parse(res.body);
    expect(shapeErrors(doc, loadShape('seed-001'))).toEqual([]);
    const chat = doc.applications.servlet.requests.chatHttp;
    expect(chat.successes.count).toBe(20);
    expect(chat.errors.count).toBe(5);
    expect(chat.ignored.count).toBe(3);
    expect(chat.errorsByBot).toEqual({ 'bot-0': 3, 'bot-1': 2 });
    expect(doc.status).toBe('Ok');
    expect(doc.date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    // The same meters on /metrics, with each application's check, valid for Prometheus.
    const metrics = await sh(`curl -s "${base}/metrics"`);
    expect(metrics.stdout).toMatch(/chat_http_errors_by_key_total\{bot="bot-0"\} 3/);
    expect(metrics.stdout).toMatch(/statuskit_check_status\{check="applications.dialog"/);
    const lint = await sh(`curl -s "${base}/metrics" | promtool check metrics`);
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.code).toBe(0);
    // Asked for OpenMetrics, the same endpoint passes the reference parser.
    const openMetrics = await sh(
      `curl -s -H 'Accept: application/openmetrics-text; version=1.0.0' "${base}/metrics" | ` +
        `/usr/bin/python3 -c 'import sys; from prometheus_client.openmetrics.parser import text_string_to_metric_families as p; print(len(list(p(sys.stdin.read()))))'`,
    );
    expect(openMetrics.stderr).toBe('');
    expect(Number(openMetrics.stdout)).toBeGreaterThan(5);

    const summary = await curl(`"${ex.url}?details=false"`);
    expect(shapeErrors(JSON.parse(summary.body), loadShape('seed-001-summary'))).toEqual([]);
    expect(JSON.parse(summary.body).withDetails).toBe(false);

    // An application goes down: Ko, and the code says so. Switching it is not a chat request.
    await sh(`curl -s -X POST "${base}/servlet/api/simulate?down=dialog"`);
    const ko = await curl(`"${ex.url}?details=true"`);
    expect(ko.status).toBe(503);
    const koDoc = JSON.parse(ko.body);
    expect(koDoc.status).toBe('Ko');
    expect(koDoc.applications.dialog.status).toBe('Ko');
    expect(shapeErrors(koDoc, loadShape('seed-001'))).toEqual([]);
    const counts = koDoc.applications.servlet.requests.chatHttp;
    expect([counts.successes.count, counts.errors.count, counts.ignored.count]).toEqual([20, 5, 3]);
  });
});

describe('wickson (seed 002)', () => {
  it('serves /v1/status with the envelope, account, notice, 503 and the 500 envelope', async () => {
    const ex = await start('wickson');
    const key = /X-Api-Key: ([^']+)'/.exec(ex.lines[1])![1];
    const admin = /X-Api-Key: ([^']+)'/.exec(ex.lines[2])![1];
    const get = () => curl(`-H "X-Api-Key: ${key}" "${ex.url}"`);

    const first = await get();
    expect(first.status).toBe(200);
    const doc = JSON.parse(first.body);
    expect(shapeErrors(doc, loadShape('seed-002'))).toEqual([]);
    expect(doc.data.status).toBe('operational');
    expect(doc.data.account.tier).toBe('standard');
    expect(doc.data.account.rate_limits.limit).toBe(1000);
    const second = JSON.parse((await get()).body);
    expect(second.data.account.rate_limits.remaining).toBe(doc.data.account.rate_limits.remaining - 1);

    // Every error of the API in the seed's error envelope, the 401 too (with its challenge headers).
    const anonymous = await curl(`"${ex.url}"`);
    expect(anonymous.status).toBe(401);
    expect(shapeErrors(JSON.parse(anonymous.body), loadShape('seed-002-error'))).toEqual([]);
    expect(JSON.parse(anonymous.body)).toMatchObject({
      success: false,
      code: 'unauthorized',
      status_code: 401,
    });

    // Search down degrades; the API down is critical: 503, component "unavailable".
    await sh(
      `curl -s -X POST -H "X-Api-Key: ${admin}" "${ex.url.replace('/v1/status', '/v1/simulate')}?down=search"`,
    );
    expect(JSON.parse((await get()).body).data.status).toBe('degraded');
    await sh(
      `curl -s -X POST -H "X-Api-Key: ${admin}" "${ex.url.replace('/v1/status', '/v1/simulate')}?down=api&up=search"`,
    );
    const critical = await get();
    expect(critical.status).toBe(503);
    expect(JSON.parse(critical.body).data).toMatchObject({
      status: 'critical',
      components: { api: 'unavailable' },
    });
    await sh(
      `curl -s -X POST -H "X-Api-Key: ${admin}" "${ex.url.replace('/v1/status', '/v1/simulate')}?up=api"`,
    );

    // Maintenance through the admin endpoint: readers may not start it, admins may.
    const refused = await curl(
      `-X POST -H "X-Api-Key: ${key}" "${ex.url}/maintenance?message=Upgrade&end=2099-01-01T00:00:00Z"`,
    );
    expect(refused.status).toBe(403);
    const started = await curl(
      `-X POST -H "X-Api-Key: ${admin}" -H 'content-type: application/json' -d '{"message":"Scheduled maintenance in progress","end":"2099-01-01T00:00:00Z"}' "${ex.url}/maintenance"`,
    );
    expect(started.status).toBe(201);
    const inMaintenance = await get();
    expect(inMaintenance.status).toBe(503);
    const maintenanceDoc = JSON.parse(inMaintenance.body);
    expect(shapeErrors(maintenanceDoc, loadShape('seed-002'))).toEqual([]);
    expect(maintenanceDoc.data.status).toBe('maintenance');
    expect(maintenanceDoc.data.notice).toEqual({
      type: 'maintenance',
      message: 'Scheduled maintenance in progress',
      estimated_completion: '2099-01-01T00:00:00Z',
    });
    expect((await curl(`-X DELETE -H "X-Api-Key: ${admin}" "${ex.url}/maintenance"`)).status).toBe(200);
    expect(JSON.parse((await get()).body).data.notice).toBeUndefined();

    // The status cannot be produced: the seed's 500 error envelope.
    await sh(
      `curl -s -X POST -H "X-Api-Key: ${admin}" "${ex.url.replace('/v1/status', '/v1/simulate')}?broken=1"`,
    );
    const broken = await get();
    expect(broken.status).toBe(500);
    const error = JSON.parse(broken.body);
    expect(shapeErrors(error, loadShape('seed-002-error'))).toEqual([]);
    expect(error).toMatchObject({
      success: false,
      message: 'Unable to retrieve system status',
      code: 'internal_error',
      status_code: 500,
    });
  });
});

describe('turbocore (seed 003)', () => {
  it('answers auth <JWT> with ok, then sysinfo in the seed shape, and streams subscriptions', async () => {
    const ex = await start('turbocore');
    expect(ex.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/api\/health\/ws$/);
    const token = /--token (\S+)/.exec(ex.lines[1])![1];
    const socket = new WebSocket(ex.url);
    const messages: string[] = [];
    const waiters: Array<() => void> = [];
    socket.on('message', (data) => {
      messages.push(String(data));
      for (const wake of waiters.splice(0)) wake();
    });
    const next = async () => {
      while (messages.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
      return messages.shift()!;
    };
    await new Promise((resolve) => socket.once('open', resolve));

    socket.send('sysinfo');
    expect(await next()).not.toMatch(/^\{"cpus"/); // refused before auth, as plain text
    socket.send('auth not-a-jwt');
    const refused = await next();
    expect(refused).not.toBe('ok');
    expect(refused).not.toMatch(/^\{/); // seed 003: errors are plain text
    socket.send(`auth ${token}`);
    expect(await next()).toBe('ok');
    socket.send('sysinfo');
    const sysinfo = JSON.parse(await next());
    expect(shapeErrors(sysinfo, loadShape('seed-003'))).toEqual([]);
    expect(sysinfo.cpus.length).toBeGreaterThan(0);
    expect(sysinfo.mem.total).toBeGreaterThan(sysinfo.mem.free);

    socket.send('subscribe cpu 500');
    const pushes: unknown[] = [];
    for (let i = 0; i < 3; i++) pushes.push(JSON.parse(await next()));
    expect(JSON.stringify(pushes)).toContain('cpu');
    socket.close();
  });
});

describe('every example', () => {
  it.each(['webitel', 'dydu', 'wickson', 'turbocore', 'itgrix'])(
    '%s prints commands that work when pasted',
    async (name) => {
      const ex = await start(name);
      const commands = ex.lines.filter((line) => /^(curl|npx statuskit) /.test(line));
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) {
        // `npx statuskit` is this checkout's CLI; everything else runs as printed.
        const run = await sh(command.replace(/^npx statuskit /, 'node bin/statuskit.js '));
        expect(run.code, `${command}\n${run.stderr}`).toBe(0);
        if (command.includes('/metrics')) expect(run.stdout, command).toMatch(/^# HELP /m);
        else expect(() => JSON.parse(run.stdout), command).not.toThrow();
        expect(run.stdout, command).not.toMatch(/"unauthorized"|"not_found"|"bad_request"/);
      }
    },
  );

  it('a port in use is one clear line, not a stack', async () => {
    const ex = await start('webitel');
    const taken = new URL(ex.url).port;
    const refused = startExample('dydu', ['--port', taken]);
    await expect(refused).rejects.toThrow(new RegExp(`port ${taken} is in use; try --port 0`));
    await expect(refused).rejects.not.toThrow(/\n\s+at /);
  });
});

describe('itgrix (seed 004)', () => {
  it('serves :8077/status with Digest, the seed tree, ?path= and the moving app state (seed commands)', async () => {
    // The seed's port is 8077 (the example's default); the test takes any free port, so it never
    // collides with a running agent, and runs the seed's commands against the port it got.
    const ex = await start('itgrix', ['--port', '0']);
    expect(ex.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/status$/);
    const port = new URL(ex.url).port;
    const auth = '--digest -u admin:itgrix';
    const host = '127.0.0.1';
    // The seed's commands, verbatim but for the address and credentials.
    const full = await sh(`curl -s ${auth} "${host}:${port}/status"`);
    const doc = JSON.parse(full.stdout);
    expect(shapeErrors(doc, loadShape('seed-004'))).toEqual([]);
    const path = (p: string) =>
      sh(`curl -s ${auth} "${host}:${port}/status?path=${p}"`).then((r) => r.stdout);
    expect(await path('app.master.general.app_state')).toBe('""');
    expect(await path('app.master.general.app_status')).toBe('"Ok"');
    expect(await path('app.master.general.app_err')).toBe('"<nil>"');
    expect(await path('app.license_manager.currentLicense.type')).toBe('"Professional"');
    expect(JSON.parse(await path('app.license_manager.currentLicense.valid_till'))).toMatch(
      /^\d{4}-\d\d-\d\d$/,
    );
    // jq, as the seed extracts items.
    const jq = await sh(`curl -s ${auth} "${host}:${port}/status" | jq -r .app.master.general.app_status`);
    expect(jq.stdout.trim()).toBe('Ok');

    await sh(`curl -s ${auth} -X POST "${host}:${port}/admin/simulate?state=stopped"`);
    expect(await path('app.master.general.app_state')).toBe('"stopped"');
    expect(await path('app.master.general.app_status')).toBe('"Error"');
    expect(await path('app.master.general.app_err')).toContain('connection refused');
    await sh(`curl -s ${auth} -X POST "${host}:${port}/admin/simulate?state=restarting"`);
    expect(await path('app.master.general.app_state')).toBe('"restarting"');
    expect(await path('app.master.general.app_status')).toBe('"Warning"');
    expect(await path('app.restarting')).toBe('true');

    const wrong = await curl(`--digest -u admin:nope "${host}:${port}/status"`);
    expect(wrong.status).toBe(401);
    expect((await curl(`"${host}:${port}/status"`)).status).toBe(401);
  });
});
