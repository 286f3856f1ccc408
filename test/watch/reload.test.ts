/**
 * `statuskit watch --config FILE` reloads on SIGHUP: the real CLI process, a real status API whose
 * answers the test sets per path, a config file rewritten between signals, the served document read
 * over HTTP and the history read with SQLite. The diff itself is checked as a pure function first.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget, type TargetLayer } from '../../src/watch/target.js';
import { diffSummary, diffTargets, startsFresh } from '../../src/watch/target-diff.js';
import { assertBuilt, type LogLine, type RunningWatch, run, startWatch } from './spawn-watch.js';

describe('the difference a reload makes', () => {
  const target = (name: string, url: string, layer: TargetLayer = {}) => resolveTarget(name, url, [layer]);

  it('sorts targets into added, removed, changed (naming the settings) and unchanged', () => {
    const running = [
      target('keep', 'http://a/status', { intervalMs: 1000 }),
      target('slow', 'http://b/status', { intervalMs: 1000 }),
      target('gone', 'http://c/status'),
      target('moved', 'http://d/status', { auth: { token: 'old-secret' } }),
    ];
    const next = [
      target('keep', 'http://a/status', { intervalMs: 1000 }),
      target('slow', 'http://b/status', { intervalMs: 2000, failAfter: 3 }),
      target('moved', 'http://e/status', { auth: { token: 'new-secret' } }),
      target('fresh', 'http://f/status'),
    ];
    const diff = diffTargets(running, next);
    expect(diff.added.map((t) => t.name)).toEqual(['fresh']);
    expect(diff.removed).toEqual(['gone']);
    expect(diff.unchanged).toEqual(['keep']);
    expect(diff.changed.map((c) => [c.target.name, c.settings])).toEqual([
      ['slow', ['interval', 'failAfter']],
      ['moved', ['url', 'auth']],
    ]);
    expect(diff.changed.map(startsFresh)).toEqual([false, true]);

    const summary = diffSummary(diff);
    expect(summary.message).toBe('reloaded: 1 added, 1 removed, 2 changed, 1 unchanged');
    expect(summary.fields).toEqual({
      added: ['fresh'],
      removed: ['gone'],
      changed: ['slow', 'moved'],
      unchanged: ['keep'],
      changes: { slow: ['interval', 'failAfter'], moved: ['url', 'auth'] },
    });
    // A changed credential is named, never shown.
    expect(JSON.stringify(summary)).not.toMatch(/secret/);
  });

  it('sees hooks, paths and thresholds as changes, and equal settings built anew as unchanged', () => {
    const a = target('api', 'http://a/status', {
      webhooks: [{ url: 'http://hook/1', headers: { x: '1' } }],
      onChange: ['notify', '--team', 'ops'],
      auth: { headers: ['X-Key: k'] },
    });
    const same = target('api', 'http://a/status', {
      webhooks: [{ url: 'http://hook/1', headers: { x: '1' } }],
      onChange: ['notify', '--team', 'ops'],
      auth: { headers: ['X-Key: k'] },
    });
    expect(diffTargets([a], [same]).unchanged).toEqual(['api']);
    const other = target('api', 'http://a/status', {
      webhooks: [{ url: 'http://hook/2', headers: { x: '1' } }],
      onChange: 'notify',
      auth: { headers: ['X-Key: k'] },
      path: 'data.state',
      recoverAfter: 2,
      timeoutMs: 100,
      insecure: true,
    });
    expect(diffTargets([a], [other]).changed[0].settings).toEqual([
      'insecure',
      'timeout',
      'path',
      'recoverAfter',
      'onChange',
      'webhook',
    ]);
  });

  it("sees a target's own words and HTTP-code judging as changes, equal words built anew as unchanged", () => {
    const a = target('api', 'http://a/status', { words: new Map([['stopped', 'critical']]) });
    const same = target('api', 'http://a/status', { words: new Map([['stopped', 'critical']]) });
    expect(diffTargets([a], [same]).unchanged).toEqual(['api']);
    const reworded = target('api', 'http://a/status', { words: new Map([['stopped', 'warning']]) });
    expect(diffTargets([a], [reworded]).changed[0].settings).toEqual(['words']);
    const byCode = target('api', 'http://a/status', { byHttpCode: true });
    expect(diffTargets([a], [byCode]).changed[0].settings).toEqual(['words', 'byHttpCode']);
  });
});

/** What each path of the test API answers, and how often it was asked. */
const words = new Map<string, 'UP' | 'DOWN'>();
const hits = new Map<string, number>();
/** Paths whose answers wait until `release(path)`: a first poll the test decides when to finish. */
const held = new Set<string>();
const waiting: Array<{ path: string; answer: () => void }> = [];

function release(path: string): void {
  held.delete(path);
  for (const request of waiting.filter((w) => w.path === path)) {
    waiting.splice(waiting.indexOf(request), 1);
    request.answer();
  }
}
let api: Server;
let base: string;

beforeAll(async () => {
  assertBuilt();
  api = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const answer = () => {
      const word = words.get(path) ?? 'UP';
      res
        .writeHead(word === 'UP' ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: word }));
    };
    if (held.has(path)) waiting.push({ path, answer });
    else answer();
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(() => {
  api.closeAllConnections();
  api.close();
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'statuskit-watch-reload-'));
const hitsOf = (path: string) => hits.get(path) ?? 0;

/** Waits for a condition of the test's own servers or files; it only bounds the wait. */
async function until(condition: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends SIGHUP and resolves with the first log line after it that matches. */
async function hangUp(watch: RunningWatch, match: (line: LogLine) => boolean, what: string) {
  const before = watch.logs().length;
  const after = () => watch.logs().slice(before).find(match);
  process.kill(watch.child.pid!, 'SIGHUP');
  await until(() => after() !== undefined, what);
  return after()!;
}

async function served(url: string) {
  const response = await fetch(url);
  return { code: response.status, document: (await response.json()) as Record<string, any> };
}

interface SampleRow {
  target: string;
  time: number;
  interval_ms: number;
}

function samplesOf(file: string, target: string): SampleRow[] {
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare('SELECT target, time, interval_ms FROM samples WHERE target = ? ORDER BY time, rowid')
      .all(target) as SampleRow[];
  } finally {
    db.close();
  }
}

const count = (watch: RunningWatch, msg: string) => watch.logs().filter((line) => line.msg === msg).length;

describe('statuskit watch --config: SIGHUP', () => {
  it('applies the difference: unchanged targets keep their state, removed ones stop, new ones join', async () => {
    words.set('/r1/old', 'DOWN');
    const dir = tempDir();
    const history = join(dir, 'watch.db');
    const file = join(dir, 'watch.yaml');
    const config = (targets: string) =>
      `interval: 100ms\ntimeout: 2s\nhistory: ${history}\ntargets:\n${targets}`;
    writeFileSync(
      file,
      config(`  keep: { url: "${base}/r1/keep" }
  slow: { url: "${base}/r1/slow" }
  gone: { url: "${base}/r1/gone" }
  moved: { url: "${base}/r1/old" }
`),
    );
    // A command-line setting for every target: a reload that forgot it would change them all.
    const watch = startWatch(['--config', file, '--serve', '0', '--recover-after', '2']);
    const statusUrl = await watch.firstLine();
    for (const line of ['keep is ok', 'slow is ok', 'gone is ok', 'moved is critical']) {
      await watch.waitForLog((l) => l.msg === line, line);
    }
    const before = await served(statusUrl);
    expect(before.code).toBe(503);
    expect(Object.keys(before.document.targets).sort()).toEqual(['gone', 'keep', 'moved', 'slow']);

    writeFileSync(
      file,
      config(`  keep: { url: "${base}/r1/keep" }
  slow: { url: "${base}/r1/slow", interval: 150ms }
  moved: { url: "${base}/r1/new" }
  fresh: { url: "${base}/r1/fresh" }
`),
    );
    // The first polls of the new and the moved target wait until the test has read the document.
    held.add('/r1/fresh');
    held.add('/r1/new');
    const summary = await hangUp(watch, (l) => l.msg.startsWith('reloaded:'), 'the reload summary');
    expect(summary).toMatchObject({
      level: 'info',
      msg: 'reloaded: 1 added, 1 removed, 2 changed, 1 unchanged',
      file,
      added: ['fresh'],
      removed: ['gone'],
      changed: ['slow', 'moved'],
      unchanged: ['keep'],
      changes: { slow: ['interval'], moved: ['url'] },
    });
    const goneHits = hitsOf('/r1/gone');

    // Before their first polls: the removed target is gone, the moved one no longer shows its old
    // URL's outage, the new one is not there yet (never "not polled yet", which would be unknown).
    await until(() => waiting.length === 2, 'the first polls of fresh and moved to arrive');
    const right = await served(statusUrl);
    expect(right.code).toBe(200);
    expect(right.document.status).toBe('ok');
    expect(Object.keys(right.document.targets).sort()).toEqual(['keep', 'slow']);
    release('/r1/fresh');
    release('/r1/new');

    await watch.waitForLog((l) => l.msg === 'fresh is ok', 'the first poll of the new target');
    await watch.waitForLog((l) => l.msg === 'moved is ok', 'the first poll of the moved target');
    const keepHits = hitsOf('/r1/keep');
    await until(() => hitsOf('/r1/keep') >= keepHits + 5, 'five more polls of keep');
    await until(
      () => samplesOf(history, 'slow').some((s) => s.interval_ms === 150),
      'a poll of slow at its new interval',
    );

    const after = await served(statusUrl);
    expect(after.code).toBe(200);
    expect(Object.keys(after.document.targets).sort()).toEqual(['fresh', 'keep', 'moved', 'slow']);
    expect(after.document.targets.moved).toMatchObject({ status: 'ok', url: `${base}/r1/new` });
    // Unchanged and changed-on-the-same-URL targets keep their state: same `since`, no second
    // first observation. The moved target started fresh: a first observation, not a recovery.
    expect(after.document.targets.keep.since).toBe(before.document.targets.keep.since);
    expect(after.document.targets.slow.since).toBe(before.document.targets.slow.since);
    expect(count(watch, 'keep is ok')).toBe(1);
    expect(count(watch, 'slow is ok')).toBe(1);
    expect(count(watch, 'moved is critical')).toBe(1);
    expect(watch.logs().some((l) => l.target === 'moved' && l.from !== undefined)).toBe(false);

    // The removed target stopped: at most the request in flight at the reload, no sample after it.
    expect(hitsOf('/r1/gone')).toBeLessThanOrEqual(goneHits + 1);
    const reloadedAt = Date.parse(String(summary.time));
    expect(samplesOf(history, 'gone').every((s) => s.time <= reloadedAt)).toBe(true);
    // The new interval took over from the old one, for good.
    const intervals = samplesOf(history, 'slow').map((s) => s.interval_ms);
    expect(intervals.join(' ')).toMatch(/^(100 )+150( 150)*$/);

    expect(await watch.stop('SIGTERM')).toBe(0);
    words.delete('/r1/old');
  });

  it('keeps the running configuration when the file is invalid, and warns about restart-only changes', async () => {
    const dir = tempDir();
    const history = join(dir, 'watch.db');
    const otherHistory = join(dir, 'other.db');
    const file = join(dir, 'watch.yaml');
    const valid = (extra = '') =>
      `interval: 100ms\nhistory: ${history}\nserve: 0\n${extra}targets:\n  a: { url: "${base}/r2/a" }\n`;
    writeFileSync(file, valid());
    const watch = startWatch(['--config', file]);
    const statusUrl = await watch.firstLine();
    await watch.waitForLog((l) => l.msg === 'a is ok', 'the first poll');

    writeFileSync(
      file,
      `interval: soon
targets:
  a: { url: "ftp://example.com/" }
  "b.c": { url: "${base}/r2/b" }
`,
    );
    const failed = await hangUp(watch, (l) => l.msg.startsWith('reload failed'), 'the failed reload');
    expect(failed).toMatchObject({
      level: 'error',
      msg: 'reload failed: keeping the running configuration',
      file,
    });
    expect(failed.problems).toEqual([
      'interval: expected a duration like "2s", got "soon"',
      'targets.a.url: expected an http://, https://, ws:// or wss:// URL, got "ftp://example.com/"',
      'targets["b.c"]: a target name may hold only letters, digits, "_" and "-" (it becomes a component key)',
    ]);
    // A valid file that plans nothing is refused the same way.
    writeFileSync(file, 'targets: {}\n');
    const empty = await hangUp(watch, (l) => l.msg.startsWith('reload failed'), 'the empty reload');
    expect(empty.problems).toEqual(['nothing to watch: give URLs, or --config FILE with targets']);

    const hitsBefore = hitsOf('/r2/a');
    await until(() => hitsOf('/r2/a') >= hitsBefore + 3, 'three more polls of the running target');
    const still = await served(statusUrl);
    expect(Object.keys(still.document.targets)).toEqual(['a']);
    expect(watch.logs().some((l) => l.msg.startsWith('reloaded:'))).toBe(false);

    // The history file and the listening address stay until a restart; the rest applies.
    writeFileSync(
      file,
      valid(`retain: 1ms\n`).replace(history, otherHistory).replace('serve: 0', 'serve: 9'),
    );
    const summary = await hangUp(watch, (l) => l.msg.startsWith('reloaded:'), 'the reload');
    expect(summary.msg).toBe('reloaded: 0 added, 0 removed, 0 changed, 1 unchanged');
    const warnings = watch.logs().filter((l) => l.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: 'history changes take effect on restart',
        running: history,
        configured: otherHistory,
      }),
      expect.objectContaining({
        msg: 'serve host and port changes take effect on restart',
        running: '127.0.0.1:0',
        configured: '127.0.0.1:9',
      }),
    ]);
    // The new retention is in force: a 1 ms retention prunes at the next chance (a second after the last).
    await watch.waitForLog((l) => l.msg === 'history pruned', 'a prune under the new retention');
    expect((await served(statusUrl)).document.targets.a.status).toBe('ok');
    expect(existsSync(otherHistory)).toBe(false);
    expect(await watch.stop('SIGTERM')).toBe(0);
  });

  it('applies new hooks and hook timeout to the next transitions; a removed target finishes its hook', async () => {
    words.set('/r3/flip', 'DOWN');
    words.set('/r3/leaving', 'DOWN');
    const dir = tempDir();
    const file = join(dir, 'watch.yaml');
    const out = join(dir, 'hooks.txt');
    const go = join(dir, 'go');
    const started = join(dir, 'started');
    const leaving = `  leaving:
    url: "${base}/r3/leaving"
    onChange: 'touch ${started}; while [ ! -f ${go} ]; do sleep 0.02; done; echo "leaving-$STATUSKIT_TO" >> ${out}'
`;
    writeFileSync(
      file,
      `interval: 100ms
groupWait: 0s
targets:
  flip:
    url: "${base}/r3/flip"
    onChange: 'echo "old-$STATUSKIT_TO" >> ${out}'
${leaving}`,
    );
    const watch = startWatch(['--config', file]);
    await watch.waitForLog((l) => l.msg === 'flip is critical', 'the first poll of flip');
    await until(() => existsSync(started), 'the hook of leaving to run');
    await until(() => existsSync(out) && readFileSync(out, 'utf8').includes('old-critical'), 'the old hook');

    writeFileSync(
      file,
      `interval: 100ms
groupWait: 0s
hookTimeout: 300ms
targets:
  flip:
    url: "${base}/r3/flip"
    onChange: 'echo "new-$STATUSKIT_TO" >> ${out}; sleep 5'
`,
    );
    const summary = await hangUp(watch, (l) => l.msg.startsWith('reloaded:'), 'the reload');
    expect(summary).toMatchObject({
      removed: ['leaving'],
      changed: ['flip'],
      changes: { flip: ['onChange'] },
    });
    // The removed target's hook, started before the reload, runs to its end under its own timeout.
    writeFileSync(go, '');
    await watch.waitForLog(
      (l) => l.msg === 'on-change command done' && l.target === 'leaving',
      'the hook of the removed target',
    );

    words.set('/r3/flip', 'UP');
    // Same URL: the state was kept, so this is a recovery, not a first observation.
    await watch.waitForLog((l) => l.msg === 'flip: critical -> ok', 'the recovery');
    const timedOut = await watch.waitForLog(
      (l) => l.msg.startsWith('on-change command failed'),
      'the new hook, killed at the new timeout',
    );
    expect(timedOut).toMatchObject({
      msg: 'on-change command failed: timed out after 300 ms',
      target: 'flip',
    });
    expect(readFileSync(out, 'utf8')).toBe('old-critical\nleaving-critical\nnew-ok\n');
    expect(count(watch, 'flip is critical')).toBe(1);
    expect(await watch.stop('SIGTERM')).toBe(0);
    words.delete('/r3/flip');
    words.delete('/r3/leaving');
  });

  it('a history restores a target by name and URL: a target whose URL changed starts fresh', async () => {
    words.set('/r5/down', 'DOWN');
    const history = join(tempDir(), 'watch.db');
    const once = async (url: string) =>
      (await run(['watch', '--once', '--log', 'json', '--history', history, `api=${base}${url}`])).stderr;
    expect(await once('/r5/down')).toContain('"msg":"api is critical"');
    // Same name and URL: the stored state carries on (a recovery).
    words.set('/r5/down', 'UP');
    expect(await once('/r5/down')).toContain('"msg":"api: critical -> ok"');
    words.set('/r5/down', 'DOWN');
    expect(await once('/r5/down')).toContain('"msg":"api: ok -> critical"');
    // Another URL under the same name: another service, first observed now.
    const moved = await once('/r5/up');
    expect(moved).toContain('"msg":"api is ok"');
    expect(moved).not.toContain('->');
    words.delete('/r5/down');
  });

  it('without --config there is nothing to reload; a wildcard --serve prints a URL one can open', async () => {
    const watch = startWatch([`solo=${base}/r4/solo`, '--interval', '100ms', '--serve', '0.0.0.0:0']);
    const statusUrl = await watch.firstLine();
    expect(statusUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/status$/);
    await watch.waitForLog((l) => l.msg === 'solo is ok', 'the first poll');
    const line = await hangUp(watch, (l) => l.msg.startsWith('SIGHUP'), 'the SIGHUP answer');
    expect(line).toMatchObject({
      level: 'warn',
      msg: 'SIGHUP: nothing to reload (the targets come from the command line; reloading needs --config FILE)',
    });
    const hitsBefore = hitsOf('/r4/solo');
    await until(() => hitsOf('/r4/solo') >= hitsBefore + 2, 'polls after the signal');
    expect((await served(statusUrl)).document.targets.solo.status).toBe('ok');
    expect(await watch.stop('SIGTERM')).toBe(0);
  });
});
