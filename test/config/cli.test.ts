/**
 * Validation through the real CLI process (bin/statuskit.js over dist/; `npm test` builds first):
 * durations without a unit on every duration flag and in both config files, inverted thresholds in
 * `config check` and `serve`, and a poisoned maintenance state file at start.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFile, run, serve } from '../cli/spawn.js';

/** A status endpoint that counts its requests: a refused flag must not have polled it. */
let server: Server;
let url: string;
let requests = 0;
beforeAll(async () => {
  server = createServer((_request, response) => {
    requests++;
    response.setHeader('content-type', 'application/json');
    response.end('{"status":"UP"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('a duration without a unit is refused, never read as milliseconds (issue 18, item 1)', () => {
  it.each([
    [['watch', '<url>', '--interval', '5'], '--interval: "5" has no unit; did you mean 5s?', 2],
    [['watch', '<url>', '--once', '--timeout', '3'], '--timeout: "3" has no unit; did you mean 3s?', 3],
    [
      ['watch', '<url>', '--once', '--hook-timeout', '1500'],
      '--hook-timeout: "1500" has no unit; did you mean 1500ms?',
      3,
    ],
    [
      ['watch', '<url>', '--once', '--history', 'h.db', '--retain', '7'],
      '--retain: "7" has no unit; did you mean 7s?',
      3,
    ],
    [
      ['watch', 'history', '--history', 'h.db', '--since', '60'],
      '--since: "60" has no unit; did you mean 60s?',
      2,
    ],
    [['get', '<url>', '--timeout', '10'], '--timeout: "10" has no unit; did you mean 10s?', 2],
    [['check', '<url>', '-t', '2.5'], '--timeout: "2.5" has no unit; did you mean 2.5s?', 3],
  ])('statuskit %j', async (args, message, code) => {
    const before = requests;
    const result = await run(args.map((arg) => (arg === '<url>' ? url : arg)));
    // `check` speaks the plugin protocol (a line on stdout, UNKNOWN), as does `watch --once`'s code.
    expect(args[0] === 'check' ? result.stdout : result.stderr).toContain(`${message}\n`);
    expect(result.code).toBe(code);
    expect(requests).toBe(before);
  });

  it('takes the same flags with a unit', async () => {
    const before = requests;
    const watched = await run(['watch', url, '--once', '--interval', '5s', '--timeout', '2s']);
    expect(watched.code).toBe(0);
    expect((await run(['get', url, '--timeout', '1500ms'])).code).toBe(0);
    expect(requests).toBe(before + 2);
  });

  it('in the watch config file, as in the agent config file, naming the path', async () => {
    const file = configFile(
      `interval: 5\ntargets:\n  api: { url: "${url}", timeout: "2000" }\n`,
      'watch.yaml',
    );
    const watched = await run(['watch', '--config', file]);
    expect(watched.code).toBe(2);
    expect(watched.stderr).toContain('interval: \\"5\\" has no unit; did you mean 5s?');
    expect(watched.stderr).toContain('targets.api.timeout: \\"2000\\" has no unit; did you mean 2000ms?');
    const agent = configFile('deadline: 10\ncomponents: { t: { check: tcp, port: 1, warnMs: 300 } }\n');
    const checked = await run(['config', 'check', agent]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toBe(`${agent}: 1 problem\n  deadline: "10" has no unit; did you mean 10s?\n`);
  });
});

describe('inverted thresholds (issue 18, item 6)', () => {
  const inverted = `
vitals:
  memory: { warnPercent: 95, critPercent: 90 }
components:
  db: { check: dsk, critFreePercent: 20, timeout: fast }
`;
  const problems = [
    'vitals.memory.critPercent: expected a value >= warnPercent (95), got 90',
    'components.db.check: expected one of',
    'got "dsk"; did you mean "disk"?',
    'components.db.timeout: expected a duration like "2s", got "fast"',
  ];

  it('config check finds them and names the path, with the other problems of a mistyped component', async () => {
    const file = configFile(inverted);
    const result = await run(['config', 'check', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${file}: 3 problems\n`));
    for (const problem of problems) expect(result.stderr).toContain(problem);
  });

  it('serve exits 2 with the same problems, and no stack trace', async () => {
    const file = configFile(inverted);
    const result = await run(['serve', '--config', file, '--port', '0', '--log', 'json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const line = JSON.parse(result.stderr.trim().split('\n').pop()!);
    expect(line).toMatchObject({ level: 'error', msg: `invalid configuration in ${file}` });
    expect(line.problems).toHaveLength(3);
    for (const problem of problems) expect(line.problems.join('\n')).toContain(problem);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('the thresholds written in order serve', async () => {
    const file = configFile('vitals: { memory: { warnPercent: 90, critPercent: 99 } }\n');
    expect((await run(['config', 'check', file])).code).toBe(0);
    const agent = await serve(['--config', file]);
    try {
      const response = await fetch(`${agent.base}/status`);
      expect((await response.json()).checks.memory.status).toBeDefined();
    } finally {
      await agent.stop();
    }
  });
});

describe('a poisoned maintenance state file (issue 15, item 2)', () => {
  it('serve starts, warns naming the entry it skipped, keeps the good one, and answers', async () => {
    const file = configFile('');
    const stateFile = join(dirname(file), 'maintenance.json');
    writeFileSync(file, `maintenance:\n  stateFile: ${JSON.stringify(stateFile)}\n`);
    writeFileSync(
      stateFile,
      JSON.stringify({
        version: 1,
        windows: [
          { id: 'boom', message: 'x', start: 0, end: 8640000000000001, components: 'all' },
          { id: 'db', message: 'Database upgrade', start: Date.now(), components: ['checks.disk'] },
        ],
        suppressed: [],
      }),
    );
    const agent = await serve(['--config', file, '--log', 'json'], {});
    try {
      const warning = JSON.parse(await agent.waitForLog(/skipped window/));
      expect(warning.level).toBe('warn');
      expect(warning.msg).toMatch(
        /maintenance state file .*maintenance\.json: skipped window "boom" \(#0\): `end`/,
      );
      const response = await fetch(`${agent.base}/status`);
      expect(response.status).toBe(200);
      const document = await response.json();
      expect(document.checks.disk.status).toBe('maintenance');
    } finally {
      await agent.stop();
    }
  });
});
