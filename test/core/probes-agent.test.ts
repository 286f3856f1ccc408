/**
 * The agent's lifecycle and probes through the real CLI (`npm run build` first): SIGTERM with a
 * drain delay, a request in flight, a second signal; /info, health groups and the watchdog's doors.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFile, run, serve } from '../cli/spawn.js';
import { until } from '../support/wait.js';
import { get } from './helpers.js';
import { expectDrainWithRequestInFlight } from './probes-support.js';

/** A command check that says when it runs and finishes only when the test releases it. */
function heldCommand() {
  const dir = mkdtempSync(join(tmpdir(), 'statuskit-held-'));
  const running = join(dir, 'running');
  const release = join(dir, 'release');
  const script = [
    "const fs = require('node:fs');",
    `fs.writeFileSync(${JSON.stringify(running)}, '1');`,
    `const timer = setInterval(() => { if (fs.existsSync(${JSON.stringify(release)})) clearInterval(timer); }, 20);`,
  ].join(' ');
  return {
    yaml: `{ check: command, command: ${JSON.stringify(process.execPath)}, args: [-e, ${JSON.stringify(script)}], timeout: 30s }`,
    running: () => existsSync(running),
    release: () => writeFileSync(release, '1'),
  };
}

describe('statuskit serve: lifecycle', () => {
  it('on SIGTERM turns readiness 503 first, refuses connections after the drain delay, and lets the request in flight finish', async () => {
    const held = heldCommand();
    const file = configFile(`
server: { drainDelay: 1s, shutdownGrace: 30s }
vitals: false
live: false
dashboard: false
components:
  slow: ${held.yaml}
`);
    const agent = await serve(['-c', file]);
    expect(await get(`${agent.base}/health/started`).then((r) => r.status)).toBe(200);
    const inflight = get(`${agent.base}/status`);
    await until(held.running, 'the check of the request in flight to run');
    const exited = new Promise<number | null>((resolve) => agent.child.once('close', resolve));
    agent.child.kill('SIGTERM');
    // Once the agent has the signal (before, a readiness probe would still run the held check).
    await agent.waitForLog(/"msg":"shutting down"/);
    // Issue 18, item 11: the request gets its real answer, not 503 with its check `aborted`.
    await expectDrainWithRequestInFlight(agent.base, inflight, held.release, () =>
      expect(agent.child.exitCode).toBeNull(),
    );
    // It exits by itself once the request is answered (a second signal now could land mid-exit).
    expect(await exited).toBe(0);
    expect(agent.stderr()).toMatch(/"msg":"shutting down","signal":"SIGTERM"/);
  });

  it('a second signal skips what is left of the drain delay', async () => {
    const file = configFile('server: { drainDelay: 10m }\nvitals: false\nlive: false\ndashboard: false\n');
    const agent = await serve(['-c', file]);
    agent.child.kill('SIGTERM');
    await until(async () => (await get(`${agent.base}/health/ready`)).status === 503, 'readiness 503');
    const exited = new Promise<number | null>((resolve) => agent.child.once('close', resolve));
    agent.child.kill('SIGINT');
    // No third signal from the test: one landing while the process exits would kill it.
    expect(await exited).toBe(0);
    expect(agent.stderr()).toMatch(/"msg":"shutting down now","signal":"SIGINT"/);
  });
});

describe('statuskit serve: info, groups and the watchdog', () => {
  it('prints and serves /health/started, each group, /info from package.json and the environment, and the watchdog port', async () => {
    const file = configFile(`
watchdog: { port: 0 }
groups: { disks: { include: [checks.disk] } }
live: false
dashboard: false
`);
    const agent = await serve(['-c', file], { GIT_COMMIT: '0123abc', BUILD_TIME: '2025-06-01T10:00:00Z' });
    try {
      const main = agent.urls.filter((url) => url.startsWith(agent.base)).map((url) => new URL(url).pathname);
      expect(main).toEqual([
        '/status',
        '/health/live',
        '/health/ready',
        '/health/started',
        '/health/disks',
        '/metrics',
        '/info',
      ]);
      const watchdog = agent.urls.filter((url) => !url.startsWith(agent.base));
      const watchdogBase = new URL(watchdog[0]).origin;
      expect(watchdog).toEqual(
        ['/health/live', '/health/ready', '/health/started', '/status'].map((p) => watchdogBase + p),
      );

      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
      expect((await get(`${agent.base}/info`)).json()).toMatchObject({
        name: 'statuskit',
        version: pkg.version,
        build: { commit: '0123abc', time: '2025-06-01T10:00:00.000Z' },
        node: process.version,
      });
      expect((await get(`${agent.base}/health/disks`)).json()).toEqual({
        status: 'ok',
        components: { 'checks.disk': 'ok' },
      });
      const document = (await get(`${agent.base}/status`)).json() as Record<string, any>;
      expect(document.lifecycle.state).toBe('ready');
      expect(document.watchdog).toMatchObject({ blocks: 0, url: watchdogBase });
      expect((await get(`${agent.base}/metrics`)).text).toMatch(/^watchdog_blocks_total 0$/m);

      expect((await get(`${watchdogBase}/health/live`)).json()).toEqual({ status: 'ok' });
      await until(async () => (await get(`${watchdogBase}/status`)).status === 200, 'the watchdog document');
      expect((await get(`${watchdogBase}/status`)).json()).toMatchObject({ lifecycle: { state: 'ready' } });
      expect(await agent.stop()).toBe(0);
    } finally {
      await agent.stop();
    }
  });

  it('keeps its watchdog and its started state across a reload, and publishes the new status', async () => {
    const config = (name: string) => `
identity: { name: ${name} }
probes: { startup: { include: [checks.disk] } }
watchdog: { port: 0 }
live: false
dashboard: false
`;
    const file = configFile(config('first'));
    const agent = await serve(['-c', file]);
    try {
      const watchdogBase = new URL(agent.urls.find((url) => !url.startsWith(agent.base))!).origin;
      await until(async () => (await get(`${agent.base}/health/started`)).status === 200, 'the start');
      await until(
        async () => (await get(`${watchdogBase}/status`)).text.includes('"first"'),
        'the first status',
      );
      writeFileSync(file, config('second'));
      agent.child.kill('SIGHUP');
      await agent.waitForLog(/configuration reloaded/);
      expect((await get(`${agent.base}/health/started`)).status).toBe(200);
      expect((await get(`${agent.base}/status`)).json()).toMatchObject({
        name: 'second',
        lifecycle: { state: 'ready' },
      });
      await until(
        async () => (await get(`${watchdogBase}/status`)).text.includes('"second"'),
        'the reloaded status',
      );
      writeFileSync(
        file,
        `${config('second')}\nserver: { drainDelay: 1s }\n`.replace('port: 0', 'port: 0, threshold: 2s'),
      );
      agent.child.kill('SIGHUP');
      await agent.waitForLog(/watchdog changes take effect on restart/);
      expect(await agent.stop()).toBe(0);
    } finally {
      await agent.stop();
    }
  });

  it('config check names every problem of the new sections', async () => {
    const file = configFile(`
groups: { "pay ments": { include: [database] }, started: {} }
probes: { startup: { include: [] } }
`);
    const result = await run(['config', 'check', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).toContain('probes.startup.include');
    const other = configFile(`
groups: { "pay ments": { include: [database] }, started: {} }
watchdog: { threshold: 5, colour: red }
`);
    const problems = await run(['config', 'check', other]);
    const text = problems.stderr + problems.stdout;
    expect(text).toContain('watchdog.threshold: "5" has no unit; did you mean 5s?');
    expect(text).toContain('watchdog.colour: unknown option');
    const groups = configFile('groups: { "pay ments": { include: [database] }, started: {} }\n');
    const named = await run(['config', 'check', groups]);
    expect(named.stderr + named.stdout).toContain(
      'groups["pay ments"]: a group name is letters, digits, "-" and "_" (it is a path segment)',
    );
    expect(named.stderr + named.stdout).toContain(
      "groups.started: /health/started is already the started probe's path",
    );
    const serving = await run(['serve', '-c', groups, '--port', '0']);
    expect(serving.code).toBe(2);
  });
});
