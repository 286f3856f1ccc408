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
      '/metrics',
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
        expect.stringMatching(/^components\.api\.check: expected one of .*"http".*"tcp".*got "htp"$/),
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
      'deadline: 1m30s\ncomponents: { t: { check: tcp, port: 1, critMs: 250ms, interval: 5s } }',
    );
    if (!result.ok) throw new Error('invalid');
    expect(result.config.deadline).toBe(90_000);
    expect(result.config.components?.t).toMatchObject({ critMs: 250, interval: 5000 });
  });

  it('refuses options a check rejects at build time, naming the component', async () => {
    const result = parseConfig('components: { m: { check: memory, warnPercent: 95, critPercent: 90 } }');
    if (!result.ok) throw new Error('invalid');
    await expect(buildAgent(result.config)).rejects.toThrow(
      /^components\.m: warnPercent \(95\) must be <= critPercent/,
    );
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
