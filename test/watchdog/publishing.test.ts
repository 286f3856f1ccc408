import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyAuth, createAccess, createStatus, type StatusKit, Watchdog } from '../../src/index.js';
import { get } from '../core/helpers.js';
import { until } from '../support/wait.js';

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function started(status: StatusKit): StatusKit {
  cleanups.push(() => status.close({ immediate: true }));
  return status;
}

/** Waits until the watchdog's answer at `path` satisfies `test`; returns it. */
async function watchdogSays(
  url: string,
  path: string,
  test: (answer: Awaited<ReturnType<typeof get>>) => boolean,
) {
  let last: Awaited<ReturnType<typeof get>> | undefined;
  const changed = async () => {
    last = await get(`${url}${path}`);
    return test(last);
  };
  await until(changed, `the watchdog's ${path} to change`);
  return last!;
}

describe('what the status publishes to its watchdog', () => {
  it('says at once that the app holds readiness back, that the status drains, and that it stopped', async () => {
    const status = started(createStatus({ watchdog: true, drainDelay: '5s' }));
    status.check('database', () => 'ok');
    const { url } = await status.watchdog!.listening;
    await watchdogSays(url, '/health/ready', (answer) => answer.status === 200);
    status.setReadiness(false, 'warming caches');
    const held = await watchdogSays(url, '/health/ready', (answer) => answer.status === 503);
    expect(held.json()).toEqual({ status: 'critical', reason: 'warming caches' });
    status.setReadiness(true);
    await watchdogSays(url, '/health/ready', (answer) => answer.status === 200);
    const closing = status.close();
    const draining = await watchdogSays(url, '/health/ready', (answer) => answer.status === 503);
    expect(draining.json()).toEqual({ status: 'critical', reason: 'shutting down' });
    expect((await get(`${url}/health/live`)).status).toBe(200);
    await status.close({ immediate: true });
    await closing;
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });

  it('publishes the document an anonymous caller gets: the summary, or none when anonymous callers are refused', async () => {
    const access = (anonymous: 'summary' | 'refuse') =>
      createAccess({
        authenticators: [apiKeyAuth({ keys: [{ key: 'secret-key', tier: 'admin' }] })],
        anonymous,
      });
    const summary = started(createStatus({ watchdog: true, access: access('summary') }));
    summary.value('version', '2.0.0', { summary: true });
    summary.check('database', () => 'ok');
    const { url } = await summary.watchdog!.listening;
    const document = await watchdogSays(url, '/status', (answer) => answer.status === 200);
    expect(document.json()).toEqual({ status: 'ok', version: '2.0.0', durationMs: expect.any(Number) });

    const refused = started(createStatus({ watchdog: true, access: access('refuse') }));
    refused.check('database', () => 'ok');
    const other = (await refused.watchdog!.listening).url;
    const none = await watchdogSays(other, '/status', (answer) => /credentials/.test(answer.text));
    expect([none.status, none.json()]).toEqual([
      503,
      { error: 'unavailable', message: 'the document needs credentials, which the watchdog does not check' },
    ]);
    // The probes need no credentials, there as on the main port.
    expect((await watchdogSays(other, '/health/ready', (answer) => answer.status === 200)).json()).toEqual({
      status: 'ok',
    });
  });

  it('keeps serving the probes when the document does not fit its room', async () => {
    const status = started(createStatus({ watchdog: { maxRecordBytes: 2048 } }));
    status.value('blob', 'x'.repeat(5000));
    status.check('database', () => 'ok');
    const { url } = await status.watchdog!.listening;
    const document = await watchdogSays(url, '/status', (answer) => /fit/.test(answer.text));
    expect(document.json()).toEqual({
      error: 'unavailable',
      message: "the document does not fit the watchdog's 2048 bytes (maxRecordBytes)",
    });
    expect((await get(`${url}/health/live`)).status).toBe(200);
  });

  it('fails to start on a port in use with a clear error, reported to onError, never as an unhandled rejection', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => taken.close(resolve)));
    const port = (taken.address() as { port: number }).port;
    const errors: unknown[] = [];
    const status = started(createStatus({ watchdog: { port }, onError: (error) => errors.push(error) }));
    await expect(status.watchdog!.listening).rejects.toThrow(/^watchdog: cannot listen: listen EADDRINUSE/);
    await until(() => errors.length === 1, 'the error report');
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
  });

  it('outlives the statuses attached to it: the latest attached is published, closing one leaves it running', async () => {
    const watchdog = new Watchdog();
    cleanups.push(() => watchdog.close());
    const { url } = await watchdog.listening;
    const first = createStatus({ watchdog, vocabulary: 'okKo' });
    first.value('config', 'first');
    await watchdogSays(url, '/status', (answer) => answer.text.includes('"first"'));
    const second = started(createStatus({ watchdog, vocabulary: 'upDown' }));
    second.value('config', 'second');
    await watchdogSays(url, '/status', (answer) => answer.text.includes('"second"'));
    await first.close();
    expect((await get(`${url}/status`)).json()).toMatchObject({ status: 'UP', config: 'second' });
    expect(() => new Watchdog({ threshold: '100ms', heartbeat: '100ms' })).toThrow(
      'watchdog: threshold must be longer than heartbeat, and heartbeat above 0',
    );
  });
});
