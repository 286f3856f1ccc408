/** Transition hooks for real: commands in /bin/sh and as argv, webhooks to a real HTTP server. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/client/log.js';
import { eventEnv, HookDispatcher, runCommand } from '../../src/watch/hooks.js';
import { resolveTarget } from '../../src/watch/target.js';
import { eventBody, type TransitionEvent } from '../../src/watch/transition-event.js';
import { postWebhook, webhookBody } from '../../src/watch/webhook.js';

const dir = mkdtempSync(join(tmpdir(), 'statuskit-watch-hooks-'));

const event = (overrides: Partial<TransitionEvent> = {}): TransitionEvent => ({
  target: 'api',
  url: 'http://127.0.0.1:9/status',
  from: 'ok',
  to: 'critical',
  message: 'boom',
  word: 'DOWN',
  httpCode: 503,
  durationMs: 7,
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
  ...overrides,
});

/** A webhook receiver whose answers the test scripts: one status code per request, then 200. */
let server: Server;
let base: string;
let answers: number[] = [];
const received: Array<{ path: string; headers: IncomingMessage['headers']; body: unknown }> = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text || 'null') });
      if (req.url === '/silent') return; // never answers
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const quick = { timeoutMs: 2000, retries: 3, backoffMs: 20 };

/** 'gone' once the process has exited (a zombie nobody reaped yet has exited too), else 'running'. */
async function runningState(pid: number): Promise<'gone' | 'running'> {
  for (let i = 0; i < 50; i++) {
    let state: string | undefined;
    try {
      state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    } catch {
      return 'gone';
    }
    if (state === 'Z') return 'gone';
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return 'running';
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('on-change commands', () => {
  it('get the transition in their environment only: remote text is never shell syntax', async () => {
    const out = join(dir, 'env.txt');
    const marker = join(dir, 'injected');
    const hostile = `$(touch ${marker}); touch ${marker}; \`touch ${marker}\``;
    const command = `printf '%s|%s|%s|%s|%s|%s' "$STATUSKIT_TARGET" "$STATUSKIT_URL" "$STATUSKIT_FROM" "$STATUSKIT_TO" "$STATUSKIT_MESSAGE" "$STATUSKIT_AT" > ${out}`;
    const outcome = await runCommand(command, eventEnv(event({ message: hostile })), 5000);
    expect(outcome).toMatchObject({ code: 0, timedOut: false });
    expect(readFileSync(out, 'utf8')).toBe(
      `api|http://127.0.0.1:9/status|ok|critical|${hostile}|2026-01-02T03:04:05.000Z`,
    );
    expect(existsSync(marker)).toBe(false);
  });

  it('run argv without a shell, and report a failure with its output', async () => {
    const outcome = await runCommand(
      [
        process.execPath,
        '-e',
        'console.error("no pager configured for", process.env.STATUSKIT_TO); process.exit(4)',
      ],
      eventEnv(event()),
      5000,
    );
    expect(outcome).toMatchObject({ code: 4, output: 'no pager configured for critical' });
    const missing = await runCommand(['/nonexistent/pager'], {}, 5000);
    expect(missing.error).toMatch(/ENOENT/);
  });

  it('are killed with everything they started when they overrun their timeout', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const outcome = await runCommand(`sleep 30 & echo $! > ${pidFile}; wait`, {}, 300);
    expect(outcome.timedOut).toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(await runningState(grandchild)).toBe('gone');
  });
});

describe('webhook formats', () => {
  it('chat formats carry one line for people; json carries the event', () => {
    expect(webhookBody(event(), 'slack')).toEqual({
      text: '🔴 api: ok → critical — boom (http://127.0.0.1:9/status)',
    });
    expect(webhookBody(event({ from: undefined, to: 'warning', message: undefined }), 'discord')).toEqual({
      content: '⚠️ api: is warning (http://127.0.0.1:9/status)',
      allowed_mentions: { parse: [] },
      flags: 4,
    });
    expect(webhookBody(event({ from: 'critical', to: 'ok', message: undefined }))).toEqual(
      eventBody(event({ from: 'critical', to: 'ok', message: undefined })),
    );
  });

  it('a dispatcher posts each webhook in its own format', async () => {
    received.length = 0;
    const target = resolveTarget('api', 'http://127.0.0.1:9/status', [
      {
        webhooks: [
          { url: `${base}/slack`, headers: {}, format: 'slack' },
          { url: `${base}/plain`, headers: {} },
        ],
      },
    ]);
    const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };
    const dispatcher = new HookDispatcher(quiet, quick);
    dispatcher.dispatch(target, event({ from: 'critical', to: 'ok', message: undefined }));
    expect(await dispatcher.drain(5000)).toBe(true);
    const byPath = Object.fromEntries(received.map((r) => [r.path, r.body]));
    expect(byPath['/slack']).toEqual({ text: '✅ api: critical → ok (http://127.0.0.1:9/status)' });
    expect(byPath['/plain']).toMatchObject({ event: 'transition', from: 'critical', to: 'ok' });
  });
});

describe('webhooks', () => {
  it('POST the transition as JSON with the configured headers', async () => {
    received.length = 0;
    const outcome = await postWebhook(
      { url: `${base}/hook`, headers: { 'x-token': 't-1' } },
      eventBody(event()),
      quick,
    );
    expect(outcome).toEqual({ ok: true, attempts: 1, status: 200 });
    expect(received[0].headers['content-type']).toBe('application/json');
    expect(received[0].headers['x-token']).toBe('t-1');
    expect(received[0].body).toEqual({
      event: 'transition',
      target: 'api',
      url: 'http://127.0.0.1:9/status',
      from: 'ok',
      to: 'critical',
      message: 'boom',
      word: 'DOWN',
      httpCode: 503,
      durationMs: 7,
      at: '2026-01-02T03:04:05.000Z',
    });
  });

  it('retry 5xx and 429 with backoff, but not other refusals', async () => {
    answers = [500, 429, 502];
    expect(await postWebhook({ url: `${base}/retry`, headers: {} }, {}, quick)).toEqual({
      ok: true,
      attempts: 4,
      status: 200,
    });
    answers = [400];
    expect(await postWebhook({ url: `${base}/refused`, headers: {} }, {}, quick)).toEqual({
      ok: false,
      attempts: 1,
      status: 400,
    });
  });

  it('give up on an unreachable or silent receiver after the retries', async () => {
    const refused = await postWebhook(
      { url: `http://127.0.0.1:${await closedPort()}/hook`, headers: {} },
      {},
      quick,
    );
    expect(refused).toEqual({ ok: false, attempts: 4, error: 'ECONNREFUSED' });
    const silent = await postWebhook(
      { url: `${base}/silent`, headers: {} },
      {},
      { timeoutMs: 150, retries: 0, backoffMs: 10 },
    );
    expect(silent).toEqual({ ok: false, attempts: 1, error: 'timed out after 150 ms' });
  });

  it('stop retrying at once when told to stop', async () => {
    answers = [503, 503, 503, 503];
    const stop = new AbortController();
    const pending = postWebhook(
      { url: `${base}/stop`, headers: {} },
      {},
      { ...quick, backoffMs: 60_000 },
      stop.signal,
    );
    setTimeout(() => stop.abort(), 100);
    expect(await pending).toEqual({ ok: false, attempts: 1, status: 503 });
    answers = [];
  });
});

describe('hook dispatcher', () => {
  const lines: string[] = [];
  const log: Logger = {
    info: (msg) => lines.push(`info ${msg}`),
    warn: (msg) => lines.push(`warn ${msg}`),
    error: (msg) => lines.push(`error ${msg}`),
  };

  it("delivers one target's transitions in order even when an earlier hook is slower", async () => {
    const out = join(dir, 'order.txt');
    // The first transition's command is the slow one: order must still hold.
    const command = `[ "$STATUSKIT_TO" = critical ] && sleep 0.3; echo "$STATUSKIT_FROM>$STATUSKIT_TO" >> ${out}`;
    const target = resolveTarget('api', 'http://127.0.0.1:9/', [{ onChange: command }]);
    const dispatcher = new HookDispatcher(log, quick);
    dispatcher.dispatch(target, event({ from: 'ok', to: 'critical' }));
    dispatcher.dispatch(target, event({ from: 'critical', to: 'ok' }));
    expect(dispatcher.pending).toBe(2);
    expect(await dispatcher.drain(5000)).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe('ok>critical\ncritical>ok\n');
    expect(lines.filter((line) => line === 'info on-change command done')).toHaveLength(2);
  });

  it('drains within its bound and says when hooks were still running', async () => {
    const target = resolveTarget('slow', 'http://127.0.0.1:9/', [{ onChange: 'sleep 5' }]);
    const dispatcher = new HookDispatcher(log, { ...quick, timeoutMs: 600 });
    dispatcher.dispatch(target, event());
    expect(await dispatcher.drain(100)).toBe(false);
    // The command's own timeout still ends it.
    expect(await dispatcher.drain(5000)).toBe(true);
    expect(lines).toContain('warn on-change command failed: timed out after 600 ms');
  });
});
