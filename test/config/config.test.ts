import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_DEFAULT } from '../../src/cli/agent.js';
import { buildAgent, configJsonSchema, formatProblem, parseConfig } from '../../src/config/index.js';

const problemsOf = (text: string, env: NodeJS.ProcessEnv = {}) => {
  const result = parseConfig(text, env);
  if (result.ok) throw new Error('expected the config to be invalid');
  return result.problems.map(formatProblem);
};

describe('config validation', () => {
  it('accepts statuskit.example.yaml, and every component in it builds', async () => {
    const text = readFileSync(new URL('../../statuskit.example.yaml', import.meta.url), 'utf8');
    const result = parseConfig(text, {});
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.config.components?.['database.port']).toMatchObject({
      check: 'tcp',
      port: 5432,
      timeout: 2000,
    });
    const agent = await buildAgent(result.config);
    expect(agent.doors.map((door) => door.path)).toEqual([
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
    await agent.close();
  });

  it('lists every problem at once, each with its path, the expectation and what was written', () => {
    const problems = problemsOf(`
server: { port: eighty }
vocabulary: klingon
components:
  db: { check: tcp, port: 5432, timeout: fast, colour: blue }
  api: { check: htp, url: http://x }
  web: { check: http, url: not-a-url, warnMs: soon }
  disk: { check: disk, warnFreePercent: 150 }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'server.port: expected a number, got "eighty"',
        'components.db.timeout: expected a duration like "2s", got "fast"',
        'components.db.colour: unknown option',
        expect.stringMatching(
          /^components\.api\.check: expected one of .*"http".*"tcp".*got "htp"; did you mean "http"\?$/,
        ),
        'components.web.url: expected a URL, got "not-a-url"',
        'components.web.warnMs: expected a duration like "2s", got "soon"',
        'components.disk.warnFreePercent: expected a value <= 100, got 150',
        expect.stringMatching(/^vocabulary: expected one of "canonical".*or an object, got "klingon"$/),
      ]),
    );
    expect(problems).toHaveLength(8);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf('server:\n  port: 1\n   host: x\n');
    expect(problems[0]).toMatch(/^line \d+: /);
  });

  it('takes secrets from the environment, and names a missing variable', () => {
    const text = `
server:
  port: \${PORT}
auth: { apiKeys: { keys: [{ key: '\${API_KEY}' }, { key: '\${OTHER:-fallback}' }] } }
`;
    const result = parseConfig(text, { PORT: '9000', API_KEY: 's3cret' });
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.config.server?.port).toBe(9000);
    expect(result.config.auth?.apiKeys?.keys.map((k) => k.key)).toEqual(['s3cret', 'fallback']);
    expect(problemsOf(text, { PORT: '1' })).toEqual([
      'auth.apiKeys.keys[0].key: environment variable API_KEY is not set',
    ]);
  });

  it('turns durations into milliseconds', () => {
    const result = parseConfig(
      'deadline: 1m30s\ncomponents: { t: { check: tcp, port: 1, critMs: 250ms, warnMs: 100, interval: 5s } }',
    );
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.config.deadline).toBe(90_000);
    expect(result.config.components?.t).toMatchObject({ critMs: 250, warnMs: 100, interval: 5000 });
  });

  it('refuses a duration without a unit, except in options named *Ms (issue 18, item 1)', () => {
    expect(
      problemsOf(
        `
deadline: 5
server: { shutdownGrace: "1500" }
live: { intervals: { cpu: 2 } }
vitals: { interval: 1.5 }
components: { t: { check: tcp, port: 1, timeoutMs: 500, interval: 0, cache: '\${CACHE}' } }
`,
        { CACHE: '30' },
      ),
    ).toEqual([
      'server.shutdownGrace: "1500" has no unit; did you mean 1500ms?',
      'deadline: "5" has no unit; did you mean 5s?',
      'vitals.interval: "1.5" has no unit; did you mean 1.5s?',
      'components.t.cache: "30" has no unit; did you mean 30s?',
      'live.intervals.cpu: "2" has no unit; did you mean 2s?',
    ]);
  });

  it('refuses thresholds out of order at validation, with the path, defaults included (issue 18, item 6)', () => {
    expect(
      problemsOf(`
vitals:
  memory: { warnPercent: 95, critPercent: 90 }
  disk: { critFreePercent: 20 }
  eventLoop: { warnP99: 2s }
  cpu: { warnPercent: 99 }
components:
  m: { check: memory, warnPercent: 97 }
  p: { check: pressure, resource: io, warn: 30, crit: 25 }
  h: { check: http, url: "http://x", warnMs: 500, critMs: 100ms }
  t: { check: tls, host: example.com, critDays: 30 }
  q: { check: rabbitmq, queues: [a, { name: b, warn: 10, crit: 5 }] }
`),
    ).toEqual([
      'vitals.disk.critFreePercent: expected a value <= warnFreePercent (10, its default), got 20',
      'vitals.memory.critPercent: expected a value >= warnPercent (95), got 90',
      'vitals.eventLoop.warnP99: expected a value <= critP99 (1000, its default), got 2000',
      'vitals.cpu.warnPercent: expected a value <= critPercent (98, its default), got 99',
      'components.m.warnPercent: expected a value <= critPercent (95, its default), got 97',
      'components.p.crit: expected a value >= warn (30), got 25',
      'components.h.critMs: expected a value >= warnMs (500), got 100',
      'components.t.critDays: expected a value <= warnDays (14, its default), got 30',
      'components.q.queues[1].crit: expected a value >= queues[1].warn (10), got 5',
    ]);
  });

  it("a typo in a check kind hides none of the component's other problems", () => {
    expect(
      problemsOf('components: { d: { check: dsk, warnFreePercent: 150, timeout: fast, colour: x } }'),
    ).toEqual([
      expect.stringMatching(/^components\.d\.check: expected one of .* got "dsk"; did you mean "disk"\?$/),
      'components.d.warnFreePercent: expected a value <= 100, got 150',
      'components.d.timeout: expected a duration like "2s", got "fast"',
      'components.d.colour: unknown option',
    ]);
    // Meant to be a memory check, with inverted thresholds and a misspelt key beside them.
    expect(
      problemsOf('components: { m: { check: memroy, warnPercent: 95, critPercent: 90, colour: x } }'),
    ).toEqual([
      expect.stringMatching(/got "memroy"; did you mean "memory"\?$/),
      'components.m.colour: unknown option',
      'components.m.critPercent: expected a value >= warnPercent (95), got 90',
    ]);
    // Too far from any kind to guess: the runner options every kind shares are still checked.
    expect(problemsOf('components: { z: { check: zzzzzz, url: x, timeout: 5 } }')).toEqual([
      expect.stringMatching(/^components\.z\.check: expected one of .* got "zzzzzz"$/),
      'components.z.timeout: "5" has no unit; did you mean 5s?',
    ]);
  });

  it('checks maintenance windows as the maintenance would at start', () => {
    expect(
      problemsOf(`
maintenance:
  windows:
    - { id: a, end: 8640000000000001 }
    - { id: a, start: "2099-01-02T00:00:00Z", end: "2099-01-01T00:00:00Z" }
    - { id: c, end: [1] }
  recurring:
    - { id: a, cron: "61 * * * *", duration: 1h }
    - { daily: { at: "25:00" }, duration: 30s }
  notice: { path: "a..b" }
`),
    ).toEqual([
      'maintenance.windows[0].end: expected ISO 8601 ("2025-01-12T03:00:00Z") or epoch milliseconds, between 1970 and 9999, got 8640000000000001',
      'maintenance.windows[1]: `end` must be after `start`',
      'maintenance.windows[2].end: expected a string, or a number, got a list',
      'maintenance.recurring[0]: cron "61 * * * *": bad minute "61" (0-59)',
      'maintenance.recurring[1]: a recurring window lasts at least 1 minute',
      'maintenance.notice.path: mount path "a..b" has an empty segment',
    ]);
    expect(
      problemsOf(
        'maintenance: { windows: [{ id: a }], recurring: [{ id: a, daily: { at: "02:00" }, duration: 1h }] }',
      ),
    ).toEqual(['maintenance.recurring[0].id: two maintenance windows share the id "a"']);
  });

  it('declares a pressure-stall check: served with the host PSI it reads, or refused with paths', async () => {
    expect(problemsOf('components: { p: { check: pressure, resource: disk, window: avg5 } }')).toEqual([
      'components.p.resource: expected one of "cpu", "memory", "io", got "disk"',
      'components.p.window: expected one of "avg10", "avg60", "avg300", got "avg5"',
    ]);
    expect(problemsOf('components: { m: { check: pressure, resource: memory, warn: 101 } }')).toEqual([
      'components.m.warn: expected a value <= 100, got 101',
    ]);
    const good = parseConfig(
      'components: { memoryPressure: { check: pressure, resource: memory, crit: 50 } }',
    );
    if (!good.ok) throw new Error(good.problems.map(formatProblem).join('\n'));
    const agent = await buildAgent(good.config);
    try {
      const response = await agent.status.fetch()(new Request('http://x/status'));
      const document = (await response!.json()) as any;
      // This machine has /proc/pressure: the check reads it and the host view shows it.
      expect(document.memoryPressure.status).toBe('ok');
      expect(document.memoryPressure.message).toMatch(/memory/);
      expect(typeof document.host.pressure.memory.some.avg10).toBe('number');
    } finally {
      await agent.close();
    }
  });

  it("the agent's embedded default equals an empty file", () => {
    const result = parseConfig('', {});
    expect(result).toEqual({ ok: true, config: EMBEDDED_DEFAULT });
  });

  it('has a JSON Schema naming every top-level option and check kind', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['server', 'identity', 'components', 'auth', 'rateLimits', 'live', 'dashboard']),
    );
    expect(JSON.stringify(schema)).toContain('"const":"postgres"');
  });
});
