/**
 * The rules through the real CLI process: `watch test` and `watch replay` output checked line by
 * line, rule errors at load (config and flags), `--when` on a polled target, a push target pinged
 * with curl on the watcher's `--serve`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, run, startWatch } from './spawn-watch.js';

let latency = 100;
let server: Server;
let base: string;

beforeAll(async () => {
  assertBuilt();
  server = createServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'UP', latency, version: '1.0' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const dir = mkdtempSync(join(tmpdir(), 'statuskit-rules-cli-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const DYDU = JSON.stringify({
  status: 'Ok',
  version: '49.2471',
  applications: { servlet: { requests: { chatHttp: { fiveMinuteErrorsRatio: 0.0712 } } } },
});

describe('statuskit watch test', () => {
  const config = file(
    'test.yaml',
    `targets:
  dydu:
    url: http://dydu.internal/servlet/api/serverstatus
    path: status
    rules:
      errors: body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio < 0.05
      fast: { when: "time < 300ms", severity: warning }
      version: { notify: "changed(body.version)" }
      sessions: body.volumes.connectedPeople > 0
`,
  );
  const sample = file('answer.json', DYDU);
  const previous = file('previous.json', DYDU.replace('49.2471', '49.2470'));

  it('prints each verdict with its explanation, and exits 1 when a target is not ok', async () => {
    const result = await run([
      'watch',
      'test',
      '--config',
      config,
      '--sample',
      sample,
      '--previous',
      previous,
      '--time',
      '412ms',
    ]);
    expect(result.stdout.split('\n')).toEqual([
      `dydu (http://dydu.internal/servlet/api/serverstatus) against ${sample}: critical`,
      '  BASE     word "Ok": ok',
      '  FAIL     errors (critical): body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio = 0.0712, expected < 0.05',
      '  FAIL     fast (warning): time = 412ms, expected < 300ms',
      '  EVENT    version: body.version changed from "49.2470" to "49.2471"',
      '  UNKNOWN  sessions (critical): body.volumes.connectedPeople is missing (body has no "volumes")',
      '',
    ]);
    expect(result.code).toBe(1);
  });

  it('exits 0 when every rule holds, and prints JSON with --json', async () => {
    const healthy = file(
      'healthy.json',
      DYDU.replace('0.0712', '0.01').replace(
        '"status":"Ok"',
        '"status":"Ok","volumes":{"connectedPeople":3}',
      ),
    );
    const result = await run([
      'watch',
      'test',
      '--config',
      config,
      '--sample',
      healthy,
      '--time',
      '40ms',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const [dydu] = JSON.parse(result.stdout);
    expect(dydu).toMatchObject({ target: 'dydu', level: 'ok', message: null });
    expect(dydu.rules.map((r: { rule: string; verdict: string }) => `${r.rule}=${r.verdict}`)).toEqual([
      'errors=pass',
      'fast=pass',
      'version=pass',
      'sessions=pass',
    ]);
  });

  it('refuses a rule error at load with its path, column and what was expected', async () => {
    const bad = file(
      'bad.yaml',
      `targets:
  dydu:
    url: http://dydu.internal/status
    rules:
      errors: "body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio < "
      fast: { when: "time < 300", severity: warning }
      both: { when: "status == 200", notify: "changed(body.v)" }
      "bad name": status == 200
      sev: { when: "status == 200", severity: fatal }
`,
    );
    const result = await run(['watch', 'test', '--config', bad, '--sample', sample, '--log', 'json']);
    expect(result.code).toBe(2);
    const [line] = result.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(line).toMatchObject({ level: 'error', msg: `invalid configuration in ${bad}` });
    expect(line.problems).toEqual([
      'targets.dydu.rules.errors: column 69: expected a value, found the end',
      'targets.dydu.rules.fast.when: column 8: expected a duration with its unit, like 300ms or 2s (time is a duration), found 300',
      'targets.dydu.rules.both: a rule needs exactly one of when (a condition) or notify (an event)',
      'targets.dydu.rules["bad name"]: a rule name may hold only letters, digits, "_" and "-"',
      'targets.dydu.rules.sev.severity: expected a severity among warning, critical, got "fatal"',
    ]);
  });

  it('refuses a bad --when with the column in the flag, as a usage error', async () => {
    const result = await run(['watch', '--once', `${base}/`, '--when', 'errors: body.latency <']);
    expect(result.code).toBe(3);
    expect(result.stderr.split('\n')[0]).toBe(
      'statuskit: --when: column 23: expected a value, found the end',
    );
  });
});

describe('rules on polled targets', () => {
  it('--when and --warn-when judge the answer; the table says why', async () => {
    latency = 700;
    const result = await run([
      'watch',
      '--once',
      `api=${base}/`,
      '--when',
      'latency: body.latency < 500',
      '--warn-when',
      'time < 30s',
    ]);
    expect(result.code).toBe(2);
    const [header, row] = result.stdout.trim().split('\n');
    expect(header).toMatch(/^TARGET +LEVEL +WORD +HTTP +TIME +MESSAGE$/);
    expect(row).toMatch(/^api +critical +200 +\d+ms +latency: body.latency = 700, expected < 500$/);
    const json = await run([
      'watch',
      '--once',
      '--json',
      `api=${base}/`,
      '--when',
      'latency: body.latency < 500',
    ]);
    expect(JSON.parse(json.stdout)[0]).toMatchObject({
      level: 'critical',
      rules: [
        {
          rule: 'latency',
          severity: 'critical',
          verdict: 'fail',
          explanation: 'body.latency = 700, expected < 500',
        },
      ],
      maintenance: null,
    });
    latency = 100;
  });
});

describe('statuskit watch replay', () => {
  it('runs new rules over the stored samples, next to what the rules then produced', async () => {
    const history = join(dir, 'replay.db');
    const old = file(
      'old.yaml',
      `history: ${history}
interval: 1m
targets:
  api:
    url: "${base}/"
    rules:
      slow: body.latency < 500
`,
    );
    // Four cron runs: 100, 300, 700, 100 ms of reported latency.
    for (const value of [100, 300, 700, 100]) {
      latency = value;
      const once = await run(['watch', '--once', '--config', old]);
      expect(once.code).toBe(value < 500 ? 0 : 2);
    }
    const stricter = file(
      'new.yaml',
      `history: ${history}
targets:
  api:
    url: "${base}/"
    rules:
      slow: body.latency < 200
      version: { notify: "changed(body.version)" }
`,
    );
    const result = await run(['watch', 'replay', '--config', stricter, '--since', '1h']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const time = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ';
    const expected = [
      `^replay of ${stricter} over ${history}: ${time} to ${time} \\(1h00m\\)$`,
      '^$',
      '^TARGET  SAMPLES  INCIDENTS NOW  INCIDENTS REPLAYED  NOTIFICATIONS NOW  NOTIFICATIONS REPLAYED$',
      '^api     4        1              1                   2                  2$',
      '^$',
      '^INCIDENTS$',
      '^RULES +TARGET +START +END +LEVEL +MESSAGE$',
      `^replayed +api +${time} +${time} +critical +slow: body.latency = 300, expected < 200$`,
      `^now +api +${time} +${time} +critical +slow: body.latency = 700, expected < 500$`,
      '^$',
      '^NOTIFICATIONS$',
      '^RULES +TIME +TARGET +WHAT +MESSAGE$',
      `^replayed +${time} +api +ok -> critical +slow: body.latency = 300, expected < 200$`,
      `^now +${time} +api +ok -> critical +slow: body.latency = 700, expected < 500$`,
      `^(now|replayed) +${time} +api +critical -> ok$`,
      `^(now|replayed) +${time} +api +critical -> ok$`,
      '^$',
      '^note: api: body.version was not recorded in 4 of 4 samples \\(no rule read it then\\): replayed as unknown$',
      '^$',
    ];
    expect(lines).toHaveLength(expected.length);
    for (const [i, line] of lines.entries()) expect(line).toMatch(new RegExp(expected[i]));
    latency = 100;
  });
});

describe('push targets on --serve', () => {
  it('curl pings a push target; a wrong token is a 404 with a JSON reason', async () => {
    const token = 'cron-job-token-0123456789';
    const config = file(
      'push.yaml',
      `groupWait: 0s
targets:
  backup:
    push: { token: "\${BACKUP_TOKEN}", period: 1h }
`,
    );
    const watch = startWatch(['--config', config, '--serve', '127.0.0.1:0'], { BACKUP_TOKEN: token });
    try {
      const status = await watch.firstLine();
      const origin = new URL(status).origin;
      const curl = promisify(execFile);
      const ok = await curl('curl', ['-s', '-w', '\n%{http_code}', '-X', 'POST', `${origin}/push/${token}`]);
      expect(ok.stdout.split('\n')).toEqual(['{"ok":true,"target":"backup","level":"ok"}', '200']);
      const wrong = await curl('curl', [
        '-s',
        '-w',
        '\n%{http_code}',
        '-X',
        'POST',
        `${origin}/push/not-${token}`,
      ]);
      expect(wrong.stdout.split('\n')).toEqual([
        '{"error":"not_found","message":"no push target has this token"}',
        '404',
      ]);
      await watch.waitForLog(
        (l) => l.msg === 'backup: unknown -> ok' || l.msg === 'backup is ok',
        'the ping to be judged',
      );
      const document = (await (await fetch(status)).json()) as {
        targets: { backup: Record<string, unknown> };
      };
      expect(document.targets.backup).toMatchObject({
        status: 'ok',
        url: 'push:backup',
        lastPing: expect.any(String),
      });
      // The token is a secret: it appears in no log line.
      expect(JSON.stringify(watch.logs())).not.toContain(token);
    } finally {
      expect(await watch.stop()).toBe(0);
    }
  });
});
