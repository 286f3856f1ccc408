/** The watch config file and how it merges with the command line into targets. */
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/config/errors.js';
import { parseWatchConfig, type WatchConfig } from '../../src/watch/config.js';
import { PlanError, parseListenAddress, planWatch, splitNamedUrl } from '../../src/watch/plan.js';
import { nameFromUrl } from '../../src/watch/target.js';

const valid = (text: string, env: NodeJS.ProcessEnv = {}): WatchConfig => {
  const result = parseWatchConfig(text, env);
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.config;
};

const problemsOf = (text: string, env: NodeJS.ProcessEnv = {}) => {
  const result = parseWatchConfig(text, env);
  if (result.ok) throw new Error('expected the config to be invalid');
  return result.problems.map(formatProblem);
};

const FILE = `
interval: 20s
timeout: 2s
failAfter: 2
history: /var/lib/statuskit/watch.db
retain: 7d
serve: { port: 8078 }
onChange: ./notify.sh
webhook: https://hooks.example.com/a
targets:
  api:
    url: https://api.example.com/v1/status
    path: data.status
    interval: 5s
    auth: { apiKey: "\${API_KEY}", headers: { X-Key: k2 } }
    webhook: ["https://hooks.example.com/b", { url: "https://hooks.example.com/c", headers: { X-Token: t } }]
  pbx:
    url: http://pbx:8077/status
    auth: { user: admin, password: "\${PBX_PASSWORD}", digest: true }
    recoverAfter: 3
    onChange: [/usr/local/bin/page, --urgent]
`;

describe('watch config', () => {
  it('reads targets and defaults, secrets from the environment', () => {
    const config = valid(FILE, { API_KEY: 'key-123', PBX_PASSWORD: 'pa:ss' });
    expect(config).toMatchObject({ interval: 20_000, timeout: 2000, retain: 7 * 86_400_000 });
    expect(config.targets.api.auth).toEqual({ apiKey: 'key-123', headers: { 'X-Key': 'k2' } });
    expect(config.targets.pbx.auth?.password).toBe('pa:ss');
  });

  it('lists every problem with its path', () => {
    const problems = problemsOf(
      `
interval: fast
targets:
  "bad.name": { url: "http://x/status" }
  api:
    url: ftp://example.com/status
    colour: red
    failAfter: 0
    auth: { digest: true, token: "\${MISSING}" }
    path: "a..b"
  web:
    url: http://example.com/
    webhook: { url: nope }
`,
      {},
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'targets.api.auth.token: environment variable MISSING is not set',
        'interval: expected a duration like "2s", got "fast"',
        'targets.api.url: expected an http://, https://, ws:// or wss:// URL, got "ftp://example.com/status"',
        'targets.api.colour: unknown option',
        'targets.api.failAfter: expected a value >= 1, got 0',
        'targets.api.auth.user: required with password or digest',
        expect.stringMatching(/^targets\.api\.path: expected a path like data\.status/),
        'targets.web.webhook.url: expected an http:// or https:// URL, got "nope"',
        'targets["bad.name"]: a target name may hold only letters, digits, "_" and "-" (it becomes a component key)',
      ]),
    );
  });

  it('takes a chat format per webhook, and names one it does not know', () => {
    const yaml = (format: string) => `
targets:
  api:
    url: http://example.com/status
    webhook: [{ url: "https://hooks.slack.com/services/T/B/x", format: ${format} }, "https://example.com/hook"]
`;
    const good = parseWatchConfig(yaml('slack'), {});
    if (!good.ok) throw new Error(JSON.stringify(good.problems));
    // The problem is named where it is, not as "expected a URL, or an object, or a list".
    expect(problemsOf(yaml('teams'), {})).toEqual([
      'targets.api.webhook[0].format: expected one of "json", "slack", "discord", got "teams"',
    ]);
  });

  it('needs targets, and reports YAML syntax errors by line', () => {
    expect(problemsOf('interval: 5s\n')).toEqual(['targets: required (record)']);
    expect(problemsOf('targets:\n  api: [\n')[0]).toMatch(/^line \d+: /);
  });
});

describe('status words and HTTP-code judging in the file', () => {
  const WORDS = `
words: { Connected: ok, Disconnected: critical }
targets:
  itgrix:
    url: http://pbx:8077/status
    path: app.master.general.app_state
    words: { "": ok, stopped: critical, restarting: warning }
  console:
    url: http://webitel/api/v2/status
    path: wConsole.status
  webitel:
    url: http://webitel/api/v2/status
    byHttpCode: true
`;

  it("takes a target's own words whole, else the command line's, else the file's", () => {
    const config = valid(WORDS);
    const plan = planWatch({ urls: [], layer: {} }, config);
    const [itgrix, consoleTarget, webitel] = plan.targets;
    expect([...itgrix.words]).toEqual([
      ['', 'ok'],
      ['stopped', 'critical'],
      ['restarting', 'warning'],
    ]);
    expect([...consoleTarget.words]).toEqual([
      ['Connected', 'ok'],
      ['Disconnected', 'critical'],
    ]);
    expect([itgrix.byHttpCode, consoleTarget.byHttpCode, webitel.byHttpCode]).toEqual([false, false, true]);
    const cli = planWatch({ urls: [], layer: { words: new Map([['Up', 'ok']]) } }, config);
    expect([...cli.targets[0].words]).toEqual([...itgrix.words]);
    expect([...cli.targets[1].words]).toEqual([['Up', 'ok']]);
    const bare = planWatch({ urls: ['http://a/'], layer: {} });
    expect(bare.targets[0]).toMatchObject({ words: new Map(), byHttpCode: false });
  });

  it('names a level that is not one, and a path or words next to byHttpCode', () => {
    expect(
      problemsOf(`
words: { Connected: fine }
targets:
  a:
    url: http://a/
    words: { "": up }
  b:
    url: http://b/
    byHttpCode: true
    path: status
    words: { x: ok }
  c: { url: "http://c/", byHttpCode: "yes" }
`),
    ).toEqual(
      expect.arrayContaining([
        'words.Connected: expected one of "ok", "unknown", "warning", "maintenance", "critical", got "fine"',
        'targets.a.words[""]: expected one of "ok", "unknown", "warning", "maintenance", "critical", got "up"',
        'targets.b.path: not read with byHttpCode: true (the HTTP code alone judges the target)',
        'targets.b.words: not read with byHttpCode: true (the HTTP code alone judges the target)',
        'targets.c.byHttpCode: expected a boolean, got "yes"',
      ]),
    );
    // Across layers it is no mistake: the file's default path is for the targets that read a word.
    expect(valid('path: app.state\ntargets:\n  a: { url: "http://a/", byHttpCode: true }\n')).toBeTruthy();
  });
});

describe('planning what to watch', () => {
  const config = valid(FILE, { API_KEY: 'key-123', PBX_PASSWORD: 'pa:ss' });

  it("takes a target's own settings first, then the command line, then the file's defaults", () => {
    const plan = planWatch({ urls: [], layer: { timeoutMs: 900, recoverAfter: 5 } }, config);
    const [api, pbx] = plan.targets;
    expect(api).toMatchObject({
      name: 'api',
      intervalMs: 5000,
      timeoutMs: 900,
      statusPaths: ['data.status'],
    });
    expect(api.debounce).toEqual({ failAfter: 2, recoverAfter: 5 });
    expect(pbx.debounce).toEqual({ failAfter: 2, recoverAfter: 3 });
    expect(pbx.statusPaths).toEqual(['status', 'data.status']);
    expect(api.webhooks.map((w) => w.url)).toEqual([
      'https://hooks.example.com/b',
      'https://hooks.example.com/c',
    ]);
    expect(pbx.webhooks).toEqual([{ url: 'https://hooks.example.com/a', headers: {} }]);
    expect(pbx.onChange).toEqual(['/usr/local/bin/page', '--urgent']);
    expect(pbx.auth).toMatchObject({ user: 'admin:pa:ss', digest: true });
    expect(plan).toMatchObject({ history: '/var/lib/statuskit/watch.db', retainMs: 7 * 86_400_000 });
    expect(plan.serve).toEqual({ host: '127.0.0.1', port: 8078 });
  });

  it("never sends the command line's credentials to a file's targets, nor the file's to typed URLs", () => {
    const plan = planWatch(
      { urls: ['extra=http://127.0.0.1:9/status'], layer: { auth: { user: 'me:secret' } } },
      config,
    );
    expect(plan.targets.find((t) => t.name === 'api')?.auth.user).toBeUndefined();
    expect(plan.targets.find((t) => t.name === 'extra')?.auth.user).toBe('me:secret');
    const shared = valid('auth: { token: file-token }\ntargets:\n  a: { url: "http://a/" }\n');
    const mixed = planWatch({ urls: ['typed=http://b/'], layer: {} }, shared);
    expect(mixed.targets.map((t) => [t.name, t.auth.token])).toEqual([
      ['a', 'file-token'],
      ['typed', undefined],
    ]);
  });

  it('masks credentials in the URL it shows and in messages', () => {
    const plan = planWatch({ urls: ['http://bob:hunter22@127.0.0.1:9/status?token=abcdef'], layer: {} });
    const [target] = plan.targets;
    expect(target.displayUrl).not.toContain('hunter22');
    expect(target.displayUrl).not.toContain('abcdef');
    const withKey = planWatch({ urls: ['http://127.0.0.1:9/'], layer: { auth: { apiKey: 'sekrit-key' } } });
    expect(withKey.targets[0].redact('server said sekrit-key is wrong')).toBe('server said *** is wrong');
  });

  it('names URLs after host and path, uniquely; NAME=URL names them', () => {
    expect(nameFromUrl('http://127.0.0.1:8077/status')).toBe('127-0-0-1-8077-status');
    const plan = planWatch({ urls: ['http://a/status', 'http://a/status', 'db=http://b/health'], layer: {} });
    expect(plan.targets.map((t) => t.name)).toEqual(['a-status', 'a-status-2', 'db']);
    expect(splitNamedUrl('http://a/?x=1')).toEqual({ name: 'a', url: 'http://a/?x=1', named: false });
    expect(() => planWatch({ urls: ['db=http://a/', 'db=http://b/'], layer: {} })).toThrow(PlanError);
    expect(() => splitNamedUrl('ftp://a/')).toThrow(/not an http/);
    expect(() => splitNamedUrl('a.b=http://a/')).toThrow(/target name/);
    expect(() => planWatch({ urls: [], layer: {} })).toThrow(/nothing to watch/);
  });

  it('reads --serve as PORT or HOST:PORT', () => {
    expect(parseListenAddress('8078')).toEqual({ host: '127.0.0.1', port: 8078 });
    expect(parseListenAddress('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseListenAddress('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(() => parseListenAddress('99999')).toThrow(/PORT or HOST:PORT/);
  });
});

describe('rules, check and push targets, dependencies, windows in the file', () => {
  it('resolves them into targets', () => {
    const plan = planWatch(
      { urls: [], layer: {} },
      valid(`
serve: 8078
groupWait: 30s
maintenance:
  - { id: nightly, daily: { at: "02:00" }, timeZone: Europe/Paris, duration: 30m, targets: [db] }
rules: { fast: "time < 2s" }
targets:
  db: { check: redis, options: { host: db.internal, port: 6379, password: s3cret-pw } }
  api:
    url: https://api.example.com/status
    dependsOn: [db]
    targetMaintenance: false
    rules:
      errors: body.ratio < 0.05
      version: { notify: "changed(body.version)" }
  backup: { push: { token: "0123456789abcdef0123", period: 1d } }
`),
    );
    const [db, api, backup] = plan.targets;
    expect(db).toMatchObject({
      source: { kind: 'check', check: 'redis' },
      displayUrl: 'redis://db.internal:6379',
      dependsOn: [],
    });
    expect(db.ruleSpecs).toEqual([{ name: 'fast', when: 'time < 2s' }]);
    expect(db.redact('login failed with s3cret-pw')).toBe('login failed with ***');
    expect(api).toMatchObject({ dependsOn: ['db'], targetMaintenance: false, readsWord: false });
    expect(api.rules.rules.map((rule) => [rule.name, rule.kind, rule.severity])).toEqual([
      ['errors', 'condition', 'critical'],
      ['version', 'event', 'warning'],
    ]);
    // Grace: a tenth of the period.
    expect(backup.source).toEqual({
      kind: 'push',
      token: '0123456789abcdef0123',
      periodMs: 86_400_000,
      graceMs: 8_640_000,
    });
    expect(backup.displayUrl).toBe('push:backup');
    expect(plan.groupWaitMs).toBe(30_000);
    // 2026-12-03 02:10 in Paris is 01:10 UTC.
    expect(plan.windows.activeFor('db', Date.UTC(2026, 11, 3, 1, 10))?.id).toBe('nightly');
    expect(plan.windows.activeFor('api', Date.UTC(2026, 11, 3, 1, 10))).toBeUndefined();
    expect(plan.windows.activeFor('db', Date.UTC(2026, 11, 3, 1, 40))).toBeUndefined();
  });

  it('lists every problem at once, at its path', () => {
    expect(
      problemsOf(`
maintenance:
  - { id: bad, cron: "0 25 * * *", duration: 1h }
  - { id: once, start: "2026-12-01T00:00:00Z", targets: [nobody] }
targets:
  both: { url: "https://a.example/", check: tcp, options: { port: 1 } }
  none: { interval: 5s }
  db: { check: tcp, options: { host: x }, path: status }
  web: { url: "https://w.example/", options: { port: 1 }, dependsOn: [ghost, loop] }
  loop: { url: "https://l.example/", dependsOn: [loop2] }
  loop2: { url: "https://l2.example/", dependsOn: [loop] }
  short: { push: { token: abc, period: 1h } }
  kind: { check: nosuch }
`),
    ).toEqual([
      'targets.short.push.token: expected a length >= 16, got "abc"',
      'targets.kind.check: expected one of "postgres", "mysql", "redis", "rabbitmq", "nats", "mqtt", "http", "statuskit", "tcp", "dns", "tls", "command", got "nosuch"',
      'targets.both: expected exactly one of url, check (a check kind) or push',
      'targets.none: expected exactly one of url, check (a check kind) or push',
      'targets.db.path: not read by a check target',
      'targets.db.options: invalid options for the tcp check: port: Invalid input: expected number, received undefined',
      'targets.web.options: options are for check targets (check: KIND)',
      'targets.web.dependsOn[0]: no target "ghost" in this file',
      'targets.loop.dependsOn: a dependency cycle: loop -> loop2 -> loop',
      expect.stringMatching(/^maintenance\[0\]: /),
      'maintenance[1].targets[0]: no target "nobody" in this file',
      'maintenance[1]: a one-off window needs `end` (or `cron`, `weekly`, `daily` to repeat)',
    ]);
  });
});
