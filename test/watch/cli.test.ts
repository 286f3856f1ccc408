/**
 * `statuskit watch` end to end: the real CLI process against real status servers started here (a
 * statuskit service whose level the test flips, a Spring-style UP/DOWN health+json API answering 503,
 * a Digest-protected statuskit), a real webhook receiver, real hook commands and a real history file.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccess, digestAuth } from '../../src/access/index.js';
import { wsCommand } from '../../src/client/ws-command.js';
import { createStatus, type Level, type RunningServer } from '../../src/index.js';
import { createLiveFeed } from '../../src/live/index.js';
import { assertBuilt, configFile, type LogLine, run, startWatch } from './spawn-watch.js';

let flipLevel: Level = 'ok';
/** Answers served before falling back to `flipLevel`, one per poll. */
const flipQueue: Level[] = [];
let flipCalls = 0;
let flipServer: RunningServer;
let flipUrl: string;
let seedUp = true;
/** Seed 004's `app_state`: "" while the application runs. */
let appState = '';
let seed: Server;
let seedBase: string;
let pbxServer: RunningServer;
let pbxUrl: string;
let receiver: Server;
let receiverBase: string;
const webhooks: unknown[] = [];

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  assertBuilt();
  const flip = createStatus();
  flip.check('db', () => {
    flipCalls++;
    return flipQueue.shift() ?? flipLevel;
  });
  flipServer = await flip.listen({ port: 0 });
  flipUrl = `${flipServer.url}/status`;
  // The same status over seed 003's WebSocket door: a ws:// target answers the `status` command.
  createLiveFeed({ status: flip }).attach(flipServer.server);

  // A seed-format API (Spring Boot Actuator style): UP / DOWN in application/health+json, 503 when down.
  seed = createServer((req, res) => {
    const bodies: Record<string, [number, unknown]> = {
      '/health': seedUp
        ? [200, { status: 'UP' }]
        : [503, { status: 'DOWN', components: { db: { status: 'DOWN' } } }],
      '/degraded': [200, { success: true, data: { status: 'degraded' } }],
      '/odd': [200, { status: 'sideways' }],
      '/itgrix': [200, { app: { master: { general: { app_state: appState } } } }],
      // Seed 000: no overall word; the console connection has words of its own.
      '/webitel': [200, { version: '1', wConsole: { status: 'Connected' }, crashCount: '0' }],
    };
    const [code, body] = bodies[req.url ?? ''] ?? [404, { error: 'not found' }];
    res.writeHead(code, { 'content-type': 'application/health+json' }).end(JSON.stringify(body));
  });
  seedBase = await listen(seed);

  const pbx = createStatus({
    access: createAccess({
      anonymous: 'refuse',
      throttle: false,
      authenticators: [digestAuth({ users: [{ username: 'admin', password: 'pa:ss word', tier: 'admin' }] })],
    }),
  });
  pbx.check('app', () => 'ok');
  pbxServer = await pbx.listen({ port: 0 });
  pbxUrl = `${pbxServer.url}/status`;

  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      webhooks.push(JSON.parse(text));
      res.writeHead(204).end();
    });
  });
  receiverBase = await listen(receiver);
});

afterAll(async () => {
  await Promise.all([flipServer.close(), pbxServer.close()]);
  for (const server of [seed, receiver]) {
    server.closeAllConnections();
    server.close();
  }
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'statuskit-watch-cli-'));

/** Waits for a condition of the test's own servers (not a timing assertion: it only bounds the wait). */
async function until(condition: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  const url = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  return Number(new URL(url).port);
}

interface SampleRow {
  time: number;
  level: string;
}

function samplesOf(file: string): SampleRow[] {
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT time, level FROM samples ORDER BY time, rowid').all() as SampleRow[];
  } finally {
    db.close();
  }
}

/** A shell pipeline, as an operator would type it. */
function sh(command: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command], (_error, stdout, stderr) => resolve({ stdout, stderr }));
  });
}

const isTransition = (line: LogLine) => typeof line.from === 'string' && typeof line.to === 'string';

describe('statuskit watch', () => {
  it('debounces transitions, runs --on-change with the transition in env, posts the webhook, keeps history', async () => {
    flipLevel = 'ok';
    webhooks.length = 0;
    const dir = tempDir();
    const history = join(dir, 'watch.db');
    const hookFile = join(dir, 'hook.txt');
    const watch = startWatch([
      `flip=${flipUrl}`,
      '--interval',
      '100ms',
      '--fail-after',
      '2',
      '--recover-after',
      '2',
      '--history',
      history,
      '--on-change',
      `printf '%s|%s|%s|%s|%s\\n' "$STATUSKIT_TARGET" "$STATUSKIT_URL" "$STATUSKIT_FROM" "$STATUSKIT_TO" "$STATUSKIT_AT" >> ${hookFile}`,
      '--webhook',
      `${receiverBase}/hook`,
      // Each transition on its own, at once (notifications are gathered for 10 s by default).
      '--group-wait',
      '0s',
    ]);
    await watch.waitForLog((l) => l.msg === 'flip is ok', 'the first observation');
    // One critical answer between good ones: below --fail-after 2, it must not become a transition.
    const calls = flipCalls;
    flipQueue.push('critical');
    await until(() => flipCalls >= calls + 4, 'the blip and three good polls after it');
    flipLevel = 'critical';
    await watch.waitForLog((l) => l.msg === 'flip: ok -> critical', 'the failure');
    flipLevel = 'ok';
    await watch.waitForLog((l) => l.msg === 'flip: critical -> ok', 'the recovery');
    await until(() => webhooks.length >= 2, 'both webhooks');
    await until(
      () => existsSync(hookFile) && readFileSync(hookFile, 'utf8').split('\n').length >= 3,
      'both hooks',
    );
    expect(await watch.stop('SIGTERM')).toBe(0);

    const transitions = watch.logs().filter(isTransition);
    expect(transitions.map((l) => `${l.from}>${l.to}`)).toEqual(['ok>critical', 'critical>ok']);
    expect(transitions[0]).toMatchObject({
      level: 'warn',
      target: 'flip',
      url: flipUrl,
      word: 'critical',
      httpCode: 503,
    });
    expect(transitions[1]).toMatchObject({ level: 'info', word: 'ok', httpCode: 200 });

    const hookLines = readFileSync(hookFile, 'utf8').trim().split('\n');
    expect(hookLines).toHaveLength(2);
    expect(hookLines[0]).toMatch(
      new RegExp(`^flip\\|${flipUrl}\\|ok\\|critical\\|\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`),
    );
    expect(hookLines[1]).toMatch(/^flip\|.*\|critical\|ok\|/);
    expect(webhooks).toEqual([
      expect.objectContaining({
        event: 'transition',
        target: 'flip',
        url: flipUrl,
        from: 'ok',
        to: 'critical',
        httpCode: 503,
      }),
      expect.objectContaining({ target: 'flip', from: 'critical', to: 'ok', word: 'ok', httpCode: 200 }),
    ]);

    const json = await run(['watch', 'history', '--history', history, '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.transitions.map((t: { from: string | null; to: string }) => `${t.from}>${t.to}`)).toEqual([
      'null>ok',
      'ok>critical',
      'critical>ok',
    ]);
    // Hysteresis, read from the recorded samples: the blip stands alone, and each transition is made
    // by the second sample of its streak.
    const samples = samplesOf(history);
    expect(samples.map((sample) => sample.level).join(' ')).toMatch(/^ok( ok)* critical ok ok ok/);
    const streakOfTwo = (level: string, from: number) =>
      samples.findIndex((sample, i) => i > from && sample.level === level && samples[i - 1].level === level);
    const failure = streakOfTwo('critical', 0);
    const recovery = streakOfTwo('ok', failure);
    expect(samples[failure - 2].level).toBe('ok');
    expect(samples[recovery - 2].level).toBe('critical');
    const at = (i: number) => new Date(samples[i].time).toISOString();
    expect(report.transitions.slice(1).map((t: { time: string }) => t.time)).toEqual([
      at(failure),
      at(recovery),
    ]);

    const { availability } = report.targets[0];
    expect(report.targets[0]).toMatchObject({ name: 'flip', level: 'ok' });
    expect(availability.ratio).toBeGreaterThan(0);
    expect(availability.ratio).toBeLessThan(1);
    expect(availability.ratio).toBeCloseTo(availability.okMs / availability.observedMs, 10);
    expect(availability.byLevel.critical).toBeGreaterThan(0);

    const text = await run(['watch', 'history', '--history', history, '--target', 'flip', '--since', '1h']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/TARGET\s+AVAILABILITY/);
    // The last sample speaks for up to three intervals after it, so the figure may have moved since.
    expect(text.stdout).toMatch(/flip\s+\d+\.\d\d %\s+\S+\s+\S+\s+\S+\s+ok\s/);
    expect(text.stdout).toMatch(/\(start\)\s+ok/);
    expect(text.stdout).toMatch(/ok\s+critical\s+critical\s+503/);
    // Reading leaves no WAL files behind.
    expect(existsSync(`${history}-wal`)).toBe(false);
  });

  it('stops on SIGTERM after the hook in flight has finished, and closes the history', async () => {
    flipLevel = 'ok';
    const dir = tempDir();
    const history = join(dir, 'watch.db');
    const hookFile = join(dir, 'slow-hook.txt');
    const watch = startWatch([
      `flip=${flipUrl}`,
      '--interval',
      '100ms',
      '--history',
      history,
      '--on-change',
      `sleep 0.5; echo "finished $STATUSKIT_TO" >> ${hookFile}`,
    ]);
    await watch.waitForLog((l) => l.msg === 'flip is ok', 'the first observation');
    flipLevel = 'critical';
    await watch.waitForLog((l) => l.msg === 'flip: ok -> critical', 'the failure');
    expect(await watch.stop('SIGTERM')).toBe(0);
    flipLevel = 'ok';
    expect(readFileSync(hookFile, 'utf8')).toBe('finished critical\n');
    expect(watch.logs().map((l) => l.msg)).toEqual(
      expect.arrayContaining(['shutting down', 'on-change command done']),
    );
    expect(watch.logs().some((l) => l.level === 'error')).toBe(false);
    // A cleanly closed SQLite database in WAL mode checkpoints and removes its -wal file.
    expect(existsSync(`${history}-wal`)).toBe(false);
    expect(samplesOf(history).length).toBeGreaterThan(1);
  });

  it('serves the targets as a status document that statuskit check reads; config names the targets', async () => {
    flipLevel = 'ok';
    seedUp = false;
    const config = configFile(
      `interval: 100ms
timeout: 2s
targets:
  flip: { url: "${flipUrl}" }
  seed: { url: "${seedBase}/health" }
  pbx:
    url: "${pbxUrl}"
    auth: { user: admin, password: "\${PBX_PASSWORD}", digest: true }
`,
      'watch.yaml',
    );
    const watch = startWatch(['--config', config, '--serve', '0'], { PBX_PASSWORD: 'pa:ss word' });
    const statusUrl = await watch.firstLine();
    expect(statusUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/status$/);
    for (const name of ['flip', 'seed', 'pbx']) {
      await watch.waitForLog((l) => l.msg.startsWith(`${name} is `), `the first poll of ${name}`);
    }
    const response = await fetch(statusUrl);
    const document = (await response.json()) as Record<string, any>;
    expect(response.status).toBe(503);
    expect(document.status).toBe('critical');
    expect(document.targets.flip).toMatchObject({ status: 'ok', word: 'ok', httpStatus: 200, url: flipUrl });
    expect(document.targets.seed).toMatchObject({ status: 'critical', word: 'DOWN', httpStatus: 503 });
    expect(document.targets.pbx).toMatchObject({ status: 'ok', httpStatus: 200 });
    for (const component of Object.values(document.targets) as Array<Record<string, unknown>>) {
      expect(Date.parse(String(component.lastCheck))).not.toBeNaN();
      expect(Date.parse(String(component.since))).not.toBeNaN();
      expect(typeof component.durationMs).toBe('number');
    }

    // Prometheus can scrape the watcher like a blackbox exporter: level and poll time per target.
    const metrics = await sh(`curl -s "${statusUrl.replace(/\/status$/, '/metrics')}"`);
    expect(metrics.stdout).toMatch(/^statuskit_check_status\{check="targets\.flip",critical="true"\} 0$/m);
    expect(metrics.stdout).toMatch(/^statuskit_check_status\{check="targets\.seed",critical="true"\} 4$/m);
    expect(metrics.stdout).toMatch(/^statuskit_check_duration_seconds\{check="targets\.pbx"\} [0-9.]+$/m);
    const lint = await sh(`curl -s "${statusUrl.replace(/\/status$/, '/metrics')}" | promtool check metrics`);
    expect(lint.stdout + lint.stderr).toBe('');

    const overall = await run(['check', statusUrl]);
    expect(overall.code).toBe(2);
    expect(overall.stdout).toMatch(/^STATUSKIT CRITICAL - status = critical/);
    const one = await run(['check', statusUrl, '--path', 'targets.flip.status']);
    expect(one.code).toBe(0);
    expect(await watch.stop('SIGINT')).toBe(0);
    seedUp = true;
  });

  it('--serve prints every URL it serves, the status document first, and each one answers', async () => {
    flipLevel = 'ok';
    const watch = startWatch([`flip=${flipUrl}`, '--interval', '100ms', '--serve', '127.0.0.1:0']);
    try {
      const urls = await watch.lines(7);
      const origin = new URL(urls[0]).origin;
      const doors = '/status /health/live /health/ready /metrics /status/stream /api/health/ws /'.split(' ');
      const expected = doors.map(
        (path) => `${path === '/api/health/ws' ? origin.replace('http', 'ws') : origin}${path}`,
      );
      expect(urls).toEqual(expected);
      await watch.waitForLog((l) => l.msg === 'flip is ok', 'the first poll');
      const answer = async (url: string) => {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        const type = response.headers.get('content-type') ?? '';
        await response.body?.cancel();
        return `${response.status} ${type.split(';')[0]}`;
      };
      expect(await answer(urls[0])).toBe('200 application/json');
      expect(await answer(urls[1])).toMatch(/^200 /);
      expect(await answer(urls[2])).toMatch(/^200 /);
      expect(await answer(urls[3])).toBe('200 text/plain');
      expect(await answer(urls[4])).toBe('200 text/event-stream');
      expect(await answer(urls[6])).toBe('200 text/html');
      // The WebSocket door answers seed 003's `status` command with the document.
      const document = JSON.parse(await wsCommand({ url: urls[5], command: 'status', timeoutMs: 5000 }));
      expect(document.targets.flip.status).toBe('ok');
    } finally {
      expect(await watch.stop('SIGTERM')).toBe(0);
    }
  });

  it('a refused connection is CRITICAL for watch --once and for check alike; an unusable answer UNKNOWN', async () => {
    const refused = `http://127.0.0.1:${await closedPort()}/status`;
    const once = await run(['watch', '--once', '--json', `gone=${refused}`]);
    const check = await run(['check', refused]);
    expect([once.code, check.code]).toEqual([2, 2]);
    expect(JSON.parse(once.stdout)[0]).toMatchObject({
      level: 'critical',
      message: expect.stringMatching(/^ECONNREFUSED/),
    });
    expect(check.stdout).toMatch(/^STATUSKIT CRITICAL - .*ECONNREFUSED/);
    // A Digest target that offers no Digest challenge says nothing about the service: unknown.
    const plain = `${seedBase}/health`;
    const noChallenge = createServer((_req, res) =>
      res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end(),
    );
    const noChallengeUrl = await listen(noChallenge);
    try {
      const onceDigest = await run(['watch', '--once', '--json', '-u', 'a:b', '--digest', noChallengeUrl]);
      const checkDigest = await run(['check', noChallengeUrl, '-u', 'a:b', '--digest']);
      expect([onceDigest.code, checkDigest.code]).toEqual([3, 3]);
      expect(JSON.parse(onceDigest.stdout)[0]).toMatchObject({
        level: 'unknown',
        message: 'the server did not offer a Digest challenge',
      });
      expect(checkDigest.stdout).toMatch(
        /^STATUSKIT UNKNOWN - .*the server did not offer a Digest challenge/,
      );
    } finally {
      noChallenge.close();
    }
    expect((await run(['watch', '--once', plain])).code).toBe(0);
  });

  it('a target found down by the first poll alerts; one found ok does not', async () => {
    flipLevel = 'ok';
    const hookFile = join(tempDir(), 'hook.txt');
    const port = await closedPort();
    const result = await run([
      'watch',
      '--once',
      `gone=http://127.0.0.1:${port}/status`,
      `flip=${flipUrl}`,
      '--on-change',
      `echo "$STATUSKIT_TARGET:$STATUSKIT_FROM>$STATUSKIT_TO" >> ${hookFile}`,
    ]);
    expect(result.code).toBe(2);
    expect(readFileSync(hookFile, 'utf8')).toBe('gone:>critical\n');
  });

  it('--once prints a table and exits like a Nagios plugin by the worst level', async () => {
    flipLevel = 'ok';
    const port = await closedPort();
    const cases: Array<[string[], number, RegExp]> = [
      [[flipUrl], 0, /ok\s+ok\s+200/],
      [[`${flipUrl.replace(/^http/, 'ws').replace(/\/status$/, '/api/health/ws')}`], 0, /ok\s+ok\s+200/],
      [[`${seedBase}/degraded`], 1, /warning\s+degraded\s+200/],
      [[`${seedBase}/odd`], 3, /unknown\s+sideways\s+200\s+\S+\s+unknown status word "sideways"/],
      [[flipUrl, `${seedBase}/odd`], 3, /unknown/],
      [
        [flipUrl, `gone=http://127.0.0.1:${port}/status`, `${seedBase}/odd`],
        2,
        /gone\s+critical\s+\S+\s+ECONNREFUSED/,
      ],
    ];
    seedUp = false;
    cases.push([[`${seedBase}/health`], 2, /critical\s+DOWN\s+503/]);
    for (const [urls, code, table] of cases) {
      const result = await run(['watch', '--once', ...urls]);
      expect({ urls, code: result.code }).toEqual({ urls, code });
      expect(result.stdout).toMatch(/^TARGET\s+LEVEL\s+WORD\s+HTTP\s+TIME\s+MESSAGE\n/);
      expect(result.stdout).toMatch(table);
    }
    seedUp = true;

    const json = await run(['watch', '--once', '--json', `api=${seedBase}/health`]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ target: 'api', level: 'ok', word: 'UP', httpCode: 200, message: null }),
    ]);
    // Bad input is UNKNOWN for a Nagios caller, never CRITICAL.
    const bad = await run(['watch', '--once', '--interval', 'soon', flipUrl]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/--interval: expected a duration like "2s", got "soon"/);
  });

  it('--once with a history carries state between runs (cron): transitions, hooks and retention', async () => {
    flipLevel = 'ok';
    webhooks.length = 0;
    const dir = tempDir();
    const history = join(dir, 'cron.db');
    const hookFile = join(dir, 'cron-hook.txt');
    const once = (extra: string[] = []) =>
      run([
        'watch',
        '--once',
        '--log',
        'json',
        '--history',
        history,
        `flip=${flipUrl}`,
        '--on-change',
        `echo "$STATUSKIT_FROM>$STATUSKIT_TO" >> ${hookFile}`,
        '--webhook',
        `${receiverBase}/cron`,
        ...extra,
      ]);
    expect((await once()).code).toBe(0);
    flipLevel = 'critical';
    const failing = await once();
    expect(failing.code).toBe(2);
    expect(failing.stderr).toContain('"msg":"flip: ok -> critical"');
    // The hooks of a one-shot run finish before it exits.
    expect(readFileSync(hookFile, 'utf8')).toBe('ok>critical\n');
    expect(webhooks).toEqual([expect.objectContaining({ target: 'flip', from: 'ok', to: 'critical' })]);
    // With --fail-after, the streak is kept in the file from one run to the next.
    flipLevel = 'ok';
    expect((await once(['--recover-after', '2'])).stderr).not.toContain('critical -> ok');
    const recovered = await once(['--recover-after', '2']);
    expect(recovered.stderr).toContain('"msg":"flip: critical -> ok"');
    expect(readFileSync(hookFile, 'utf8')).toBe('ok>critical\ncritical>ok\n');

    expect(samplesOf(history)).toHaveLength(4);
    const pruned = await once(['--retain', '1ms']);
    expect(pruned.stderr).toMatch(/"msg":"history pruned","samples":4,"transitions":3/);
    expect(samplesOf(history)).toHaveLength(1);
    flipLevel = 'ok';
  });

  it("--word reads a target's own words (exact, then ignoring case), the empty one included", async () => {
    const words = ['--word', '=ok', '--word', 'stopped=critical', '--word', 'Restarting=warning'];
    const once = (extra: string[] = words) =>
      run([
        'watch',
        '--once',
        '--path',
        'app.master.general.app_state',
        ...extra,
        `itgrix=${seedBase}/itgrix`,
      ]);
    const expectations: Array<[string, number, RegExp]> = [
      ['', 0, /itgrix\s+ok\s+200/],
      ['stopped', 2, /itgrix\s+critical\s+stopped\s+200/],
      ['restarting', 1, /itgrix\s+warning\s+restarting\s+200/],
    ];
    try {
      for (const [state, code, table] of expectations) {
        appState = state;
        const result = await once();
        expect({ state, code: result.code }).toEqual({ state, code });
        expect(result.stdout).toMatch(table);
      }
      // Without the words, no vocabulary knows them.
      expect((await once([])).stdout).toMatch(
        /itgrix\s+unknown\s+restarting\s+200\s+\S+\s+unknown status word/,
      );
    } finally {
      appState = '';
    }
    const bad = await run(['watch', '--once', '--word', 'stopped=down', `${seedBase}/itgrix`]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(
      /--word: expected WORD=LEVEL with LEVEL one of ok, unknown, warning, maintenance, critical, got "stopped=down"/,
    );
  });

  it('--by-http-code judges by the code alone; words and byHttpCode work from a config file too', async () => {
    seedUp = false;
    try {
      const result = await run([
        'watch',
        '--once',
        '--json',
        '--by-http-code',
        `webitel=${seedBase}/webitel`,
        `down=${seedBase}/health`,
        `missing=${seedBase}/nothing-here`,
      ]);
      expect(result.code).toBe(2);
      const byName = Object.fromEntries(
        (JSON.parse(result.stdout) as Array<{ target: string }>).map((row) => [row.target, row]),
      );
      expect(byName.webitel).toMatchObject({ level: 'ok', word: null, httpCode: 200, message: null });
      // The DOWN in the body is not read; the code says critical.
      expect(byName.down).toMatchObject({
        level: 'critical',
        word: null,
        httpCode: 503,
        message: 'HTTP 503',
      });
      expect(byName.missing).toMatchObject({
        level: 'critical',
        httpCode: 404,
        message: 'HTTP 404: not found',
      });
      // The same document read for a word has none: unknown.
      expect((await run(['watch', '--once', `webitel=${seedBase}/webitel`])).code).toBe(3);
    } finally {
      seedUp = true;
    }

    const config = configFile(
      `words: { Connected: ok, Disconnected: critical }
targets:
  webitel: { url: "${seedBase}/webitel", byHttpCode: true }
  console: { url: "${seedBase}/webitel", path: wConsole.status }
  itgrix:
    url: "${seedBase}/itgrix"
    path: app.master.general.app_state
    words: { "": ok, stopped: critical }
`,
      'words.yaml',
    );
    const fromFile = await run(['watch', '--once', '--config', config]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toMatch(/webitel\s+ok\s+200/);
    expect(fromFile.stdout).toMatch(/console\s+ok\s+Connected\s+200/);
    expect(fromFile.stdout).toMatch(/itgrix\s+ok\s+200/);
    // The command line's words come before the file's defaults (a target's own words come first).
    const flipped = await run(['watch', '--once', '--config', config, '--word', 'connected=maintenance']);
    expect(flipped.code).toBe(1);
    expect(flipped.stdout).toMatch(/console\s+maintenance\s+Connected\s+200/);
    expect(flipped.stdout).toMatch(/itgrix\s+ok\s+200/);

    const both = await run(['watch', '--once', '--by-http-code', '--path', 'status', `${seedBase}/webitel`]);
    expect(both.code).toBe(3);
    expect(both.stderr).toMatch(/--by-http-code reads no status word: --path and --word do not apply/);
  });

  it('answers a Digest challenge, and a wrong password is critical with the reason', async () => {
    const good = await run(['watch', '--once', '-u', 'admin:pa:ss word', '--digest', `pbx=${pbxUrl}`]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/pbx\s+ok\s+ok\s+200/);
    const wrong = await run(['watch', '--once', '-u', 'admin:nope', '--digest', `pbx=${pbxUrl}`]);
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toMatch(/pbx\s+critical\s+401\s+\S+\s+HTTP 401/);
    expect(wrong.stdout).not.toContain('nope');
  });

  it('refuses a bad config with every problem and its path', async () => {
    const config = configFile(
      `interval: soon
targets:
  "a.b": { url: "http://127.0.0.1:9/status" }
  api:
    url: ftp://example.com/
    failAfter: 0
    auth: { token: "\${WATCH_TEST_UNSET}" }
`,
      'bad.yaml',
    );
    const result = await run(['watch', '--log', 'json', '--config', config]);
    expect(result.code).toBe(2);
    const line = JSON.parse(result.stderr.trim().split('\n')[0]);
    expect(line).toMatchObject({ level: 'error', msg: `invalid configuration in ${config}` });
    expect(line.problems).toEqual(
      expect.arrayContaining([
        'interval: expected a duration like "2s", got "soon"',
        'targets.api.url: expected an http://, https://, ws:// or wss:// URL, got "ftp://example.com/"',
        'targets.api.failAfter: expected a value >= 1, got 0',
        'targets.api.auth.token: environment variable WATCH_TEST_UNSET is not set',
        expect.stringMatching(/^targets\["a\.b"\]: a target name may hold only/),
      ]),
    );
    expect((await run(['watch', '--once', '--config', config])).code).toBe(3);
  });

  it('explains usage and history problems', async () => {
    const none = await run(['watch']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nothing to watch/);
    const missing = await run(['watch', 'history']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--history FILE is required/);
    const wrongOption = await run(['watch', 'history', '--history', 'x.db', '--interval', '1s']);
    expect(wrongOption.code).toBe(2);
    expect(wrongOption.stderr).toMatch(/--interval does not apply to "watch history"/);
    const absent = await run(['watch', 'history', '--history', join(tempDir(), 'absent.db')]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toMatch(/^statuskit watch history: cannot open history .*absent\.db/);

    const history = join(tempDir(), 'h.db');
    expect((await run(['watch', '--once', '--history', history, `api=${seedBase}/health`])).code).toBe(0);
    const unknown = await run(['watch', 'history', '--history', history, '--target', 'web']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no target "web" .*\(targets: api\)/);

    const help = await run(['watch', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: statuskit watch URL\.\.\./);
    expect((await run(['--help'])).stdout).toMatch(/watch URL\.\.\.\s+poll status APIs/);
  });
});
