import { writeFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFile, run, serve } from './spawn.js';

/** GET over one keep-alive socket; returns the body and the client port, to prove the socket was kept. */
function get(
  url: string,
  agent?: Agent,
): Promise<{ status: number; body: string; localPort: number; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          body,
          localPort: req.socket!.localPort!,
          type: res.headers['content-type'],
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads an SSE stream until its first event, then hangs up. */
function firstSseEvent(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
        if (/\ndata: .*\n\n/.test(text)) {
          req.destroy();
          resolve(text);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

let upstream: Server;
let upstreamPort: number;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/down') res.statusCode = 500;
    res.end(JSON.stringify({ db: { status: req.url === '/degraded' ? 'DOWN' : 'UP' } }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as AddressInfo).port;
});

afterAll(() => {
  upstream.closeAllConnections();
  upstream.close();
});

describe('statuskit serve', () => {
  it('serves this host with the embedded default and prints every door', async () => {
    const agent = await serve();
    try {
      for (const url of agent.urls) expect(url).toMatch(/^(http|ws):\/\/127\.0\.0\.1:\d+\//);
      const paths = agent.urls.map((url) => new URL(url).pathname);
      expect(paths).toEqual([
        '/status',
        '/health/live',
        '/health/ready',
        '/health/started',
        '/metrics',
        '/info',
        '/status/stream',
        '/api/health/ws',
        '/',
      ]);
      const document = JSON.parse((await get(`${agent.base}/status`)).body);
      expect(document.status).toBe('ok');
      expect(document.host.cpus.cores.length).toBeGreaterThan(0);
      expect(document.host.memory).toHaveProperty('swapTotal');
      expect(Array.isArray(document.host.disks)).toBe(true);
      expect(document.host.network).toHaveProperty('interfaces');
      expect(document.host.system.loadAverage).toHaveLength(3);
      expect(document.process.pid).toBe(agent.child.pid);
      expect(Object.keys(document.checks)).toEqual(['disk', 'memory', 'eventLoop']);
      expect((await get(`${agent.base}/health/live`)).status).toBe(200);
      expect((await get(`${agent.base}/health/ready`)).status).toBe(200);
      const metrics = await get(`${agent.base}/metrics`);
      expect(metrics.body).toContain('statuskit_check_status{check="checks.disk"');
      expect(metrics.body).toContain('host_memory_used_bytes');
      // This machine's kernel has PSI: its 60 s averages are series too.
      expect(metrics.body).toMatch(/^host_pressure_memory_full_avg60_percent \d/m);
      expect(metrics.body).toMatch(/^host_pressure_cpu_some_avg60_percent \d/m);
      const page = await get(`${agent.base}/`);
      expect(page.type).toContain('text/html');
      const sysinfo = await run([
        'get',
        agent.urls.find((url) => url.startsWith('ws:'))!,
        '--command',
        'sysinfo',
      ]);
      expect(sysinfo.code).toBe(0);
      expect(JSON.parse(sysinfo.stdout)).toHaveProperty('mem.swap_total');
      expect(await firstSseEvent(`${agent.base}/status/stream`)).toMatch(/^event: status$/m);
      // The metrics topic carries the event loop and PSI for the dashboard's charts.
      const metricsEvent = await firstSseEvent(`${agent.base}/status/stream?topics=metrics`);
      const data = JSON.parse(/^data: (.*)$/m.exec(metricsEvent)![1]);
      expect(typeof data.eventLoop.p99).toBe('number');
      expect(typeof data.pressure.memory.some.avg10).toBe('number');
      expect(await agent.stop()).toBe(0);
    } finally {
      await agent.stop();
    }
  });

  it('takes host and port from the environment, and logs JSON lines when not on a TTY', async () => {
    const agent = await serve([], { STATUSKIT_HOST: '127.0.0.1', STATUSKIT_PORT: '0' });
    try {
      const line = await agent.waitForLog(/listening/);
      expect(JSON.parse(line)).toMatchObject({
        level: 'info',
        msg: 'statuskit agent listening',
        host: '127.0.0.1',
      });
    } finally {
      await agent.stop();
    }
  });

  it('runs every kind of built-in check from a config', async () => {
    const file = configFile(`
identity: { name: shop, version: 1.0.0 }
vitals: false
components:
  web.ok: { check: http, url: "http://127.0.0.1:${upstreamPort}/", expectStatus: 200, expect: { path: db.status, equals: UP }, critMs: 5s }
  web.degraded: { check: http, url: "http://127.0.0.1:${upstreamPort}/degraded", expect: { path: db.status, equals: UP }, critical: false }
  web.down: { check: http, url: "http://127.0.0.1:${upstreamPort}/down", timeout: 2s }
  port.open: { check: tcp, host: 127.0.0.1, port: ${upstreamPort} }
  port.closed: { check: tcp, host: 127.0.0.1, port: 1, timeoutMs: 1s }
  script.ok: { check: command, command: ${JSON.stringify(process.execPath)}, args: [-e, "console.log('fine')"] }
  script.warn: { check: command, command: ${JSON.stringify(process.execPath)}, args: [-e, "process.exit(1)"] }
  script.slow: { check: command, command: ${JSON.stringify(process.execPath)}, args: [-e, "setTimeout(() => {}, 10000)"], timeout: 300ms }
  host.disk: { check: disk, mounts: [/], warnFreePercent: 0, critFreePercent: 0 }
  host.memory: { check: memory, warnPercent: 100, critPercent: 100 }
  host.memoryTight: { check: memory, warnPercent: 0, critPercent: 100 }
  host.cpu: { check: cpu, warnPercent: 100, critPercent: 100 }
  host.loop: { check: eventLoop, warnP99: 10s, critP99: 20s }
`);
    const agent = await serve(['--config', file]);
    try {
      const response = await get(`${agent.base}/status`);
      const doc = JSON.parse(response.body);
      expect(doc).toMatchObject({ status: 'critical', name: 'shop', version: '1.0.0' });
      expect(response.status).toBe(503);
      const levels = (group: Record<string, { status: string }>) =>
        Object.fromEntries(Object.entries(group).map(([key, value]) => [key, value.status]));
      expect(levels(doc.web)).toEqual({ ok: 'ok', degraded: 'critical', down: 'critical' });
      expect(levels(doc.port)).toEqual({ open: 'ok', closed: 'critical' });
      expect(levels(doc.script)).toEqual({ ok: 'ok', warn: 'warning', slow: 'critical' });
      expect(doc.script.slow.reason).toBe('timeout');
      expect(levels(doc.host)).toEqual({
        disk: 'ok',
        memory: 'ok',
        memoryTight: 'warning',
        cpu: 'ok',
        loop: 'ok',
      });
      expect(doc.host).not.toHaveProperty('cpus');
    } finally {
      await agent.stop();
    }
  });

  it('protects the doors with the configured auth, secrets from the environment', async () => {
    const file = configFile(`
vitals: false
auth:
  anonymous: refuse
  apiKeys: { keys: [{ key: '\${AGENT_KEY}' }] }
  digest: { users: [{ username: ops, password: '\${OPS_PASSWORD}', tier: admin }] }
  jwt: { secret: '\${JWT_SECRET}' }
`);
    const env = { AGENT_KEY: 'k-123', OPS_PASSWORD: 'pw', JWT_SECRET: 'x'.repeat(40) };
    const agent = await serve(['--config', file], env);
    try {
      const url = `${agent.base}/status`;
      expect((await run(['get', url])).code).toBe(1);
      expect(await run(['get', url, '--api-key', 'k-123'])).toMatchObject({ code: 0 });
      expect(await run(['check', url, '--user', 'ops:pw', '--digest'])).toMatchObject({ code: 0 });
      expect((await run(['check', url, '--user', 'ops:nope', '--digest'])).code).toBe(3);
      const ws = await run([
        'get',
        agent.urls.find((u) => u.startsWith('ws:'))!,
        '--api-key',
        'k-123',
        '--command',
        'status',
      ]);
      expect(ws.stderr).toBe('');
      expect(JSON.parse(ws.stdout)).toMatchObject({ status: 'ok' });
    } finally {
      await agent.stop();
    }
  });

  it('applies maintenance windows and rate limits from the config', async () => {
    const file = configFile(`
vitals: false
components: { port: { check: tcp, port: ${upstreamPort} } }
maintenance: { windows: [{ message: Upgrading, start: 2000-01-01T00:00:00Z }] }
rateLimits: { tiers: { anonymous: { limit: 3, window: 1m } } }
`);
    const agent = await serve(['--config', file]);
    try {
      const check = await run(['check', `${agent.base}/status`]);
      expect(check.stdout).toMatch(/^STATUSKIT WARNING - status = maintenance/);
      expect((await get(`${agent.base}/health/ready`)).status).toBe(503);
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push((await get(`${agent.base}/status`)).status);
      expect(answers.at(-1)).toBe(429);
    } finally {
      await agent.stop();
    }
  });

  it('refuses an invalid config, listing every problem, and does not listen', async () => {
    const file = configFile(
      'components:\n  db: { check: tcp, port: 5432, timeout: fast }\n  x: { check: nope }\nserver: { port: -1 }\n',
    );
    const result = await run(['serve', '--config', file, '--log', 'text']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`invalid configuration in ${file}`);
    expect(result.stderr).toContain('components.db.timeout: expected a duration like "2s", got "fast"');
    expect(result.stderr).toMatch(/components\.x\.check: expected one of .*, got "nope"/);
    expect(result.stderr).toContain('server.port: expected a value >= 0, got -1');
  });

  it('reloads on SIGHUP without dropping connections, and keeps the old config when the new one is invalid', async () => {
    const file = configFile('identity: { version: "1" }\nvitals: false\n');
    const agent = await serve(['--config', file]);
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(`${agent.base}/status`, keepAlive);
      expect(JSON.parse(first.body).version).toBe('1');

      writeFileSync(file, 'identity: { version: "2" }\nvitals: false\n');
      agent.child.kill('SIGHUP');
      await agent.waitForLog(/configuration reloaded/);
      const second = await get(`${agent.base}/status`, keepAlive);
      expect(JSON.parse(second.body).version).toBe('2');
      expect(second.localPort).toBe(first.localPort);

      writeFileSync(file, 'identity: { version: 3 }\nvitals: false\n');
      agent.child.kill('SIGHUP');
      const failure = JSON.parse(await agent.waitForLog(/reload failed/));
      expect(failure.problems).toEqual(['identity.version: expected a string, got 3']);
      const third = await get(`${agent.base}/status`, keepAlive);
      expect(JSON.parse(third.body).version).toBe('2');
      expect(third.localPort).toBe(first.localPort);
    } finally {
      keepAlive.destroy();
      await agent.stop();
    }
  });
});

describe('statuskit serve: reloading server settings', () => {
  it('warns at every reload while the configured host differs from the one in use', async () => {
    const file = configFile('server: { host: 127.0.0.1 }\nvitals: false\n');
    const agent = await serve(['--config', file]);
    try {
      writeFileSync(file, 'server: { host: 127.0.0.2 }\nvitals: false\n');
      const warnings = () =>
        agent
          .stderr()
          .split('\n')
          .filter((l) => l.includes('take effect on restart'));
      for (const reloads of [1, 2]) {
        agent.child.kill('SIGHUP');
        const deadline = Date.now() + 5000;
        while (warnings().length < reloads && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        expect(warnings()).toHaveLength(reloads);
      }
      expect(JSON.parse(warnings()[1])).toMatchObject({
        running: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        configured: expect.stringMatching(/^127\.0\.0\.2:\d+$/),
      });
    } finally {
      await agent.stop();
    }
  });
});

describe('statuskit config, --help, --version', () => {
  it('config check validates without serving', async () => {
    const good = await run([
      'config',
      'check',
      new URL('../../statuskit.example.yaml', import.meta.url).pathname,
    ]);
    expect(good).toMatchObject({ code: 0 });
    expect(good.stdout).toMatch(/valid \(16 components\)/);
    const bad = await run(['config', 'check', configFile('deadline: soon\nbogus: 1\n')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('2 problems');
    expect(bad.stderr).toContain('deadline: expected a duration like "2s", got "soon"');
    expect(bad.stderr).toContain('bogus: unknown option');
  });

  it('config schema prints a JSON Schema', async () => {
    const result = await run(['config', 'schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.properties.components).toBeDefined();
  });

  it('has help with examples for every command, and a version', async () => {
    for (const command of ['serve', 'get', 'check', 'config']) {
      const help = await run([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: statuskit ${command}`);
      expect(help.stdout).toContain('Examples:');
    }
    expect((await run(['--version'])).stdout).toMatch(/^statuskit \d+\.\d+\.\d+\n$/);
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});
