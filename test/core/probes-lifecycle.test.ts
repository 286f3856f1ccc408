import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveFeed, createStatus, type StatusKit } from '../../src/index.js';
import { gate, until } from '../support/wait.js';
import { get } from './helpers.js';
import { expectDrainWithRequestInFlight } from './probes-support.js';

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** A check that holds until the test releases it (and says when it started). */
function heldCheck() {
  const running = gate();
  const release = gate();
  const check = async () => {
    running.open();
    await release.promise;
    return 'ok' as const;
  };
  return { check, running: running.promise, release: () => release.open() };
}

describe('graceful shutdown with a drain delay', () => {
  it('turns readiness 503 while still accepting, then refuses connections; the request in flight finishes with its real answer', async () => {
    const slow = heldCheck();
    const status = createStatus({ drainDelay: '1s' });
    status.check('slow', slow.check);
    status.mount('lifecycle', status.lifecycle);
    const { url } = await status.listen({ port: 0 });
    const inflight = get(`${url}/status`);
    await slow.running;
    const closing = status.close();
    expect(status.lifecycle.state).toBe('draining');
    // The listener closes after the delay while the check still runs: the request waits through it.
    await expectDrainWithRequestInFlight(url, inflight, slow.release);
    await closing;
    expect(status.lifecycle.state).toBe('stopped');
  });

  it('lets requests in flight through a framework finish before the checks stop (the app passes its server)', async () => {
    const slow = heldCheck();
    const status = createStatus();
    status.check('slow', slow.check);
    const app = express();
    app.use(status.express());
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const inflight = get(`${url}/status`);
    await slow.running;
    const closing = status.close({ servers: [server] });
    // No drain delay: the app's server stops accepting at once, while its request in flight waits.
    await expect(fetch(`${url}/health/ready`)).rejects.toThrow();
    slow.release();
    const answer = await inflight;
    // Not `aborted`: the check was allowed to finish (issue 18, item 11).
    expect([answer.status, (answer.json() as any).slow]).toEqual([
      200,
      expect.objectContaining({ status: 'ok' }),
    ]);
    await closing;
    expect(server.listening).toBe(false);
  });

  it('aborts only what still runs once the grace period is over, and answers it', async () => {
    let signalled: unknown;
    const status = createStatus({ shutdownGrace: '200ms' });
    const started = gate();
    status.check(
      'stuck',
      ({ signal }) =>
        new Promise((_, reject) => {
          started.open();
          signal.addEventListener('abort', () => {
            signalled = signal.reason;
            reject(signal.reason);
          });
        }),
      { timeout: '1m' },
    );
    const { url } = await status.listen({ port: 0 });
    const inflight = get(`${url}/status`);
    await started.promise;
    await status.close();
    const answer = await inflight;
    expect(answer.status).toBe(503);
    expect((answer.json() as any).stuck).toMatchObject({ status: 'critical', reason: 'aborted' });
    expect((signalled as Error).name).toBe('AbortError');
  });

  it('a second close({ immediate: true }) skips what is left of the drain delay', async () => {
    const status = createStatus({ drainDelay: '10m' });
    const { url } = await status.listen({ port: 0 });
    const closing = status.close();
    expect((await get(`${url}/health/ready`, { headers: { connection: 'close' } })).status).toBe(503);
    expect(status.close({ immediate: true })).toBe(closing);
    await closing;
    expect(status.lifecycle.state).toBe('stopped');
    await expect(fetch(`${url}/health/ready`)).rejects.toThrow();
  });

  it('shows the lifecycle in the document and the live feed', async () => {
    const status = createStatus({ drainDelay: '10m' });
    status.mount('lifecycle', status.lifecycle);
    const feed = createLiveFeed({ status, intervals: { status: '100ms' } });
    const server = await status.listen({ port: 0, listener: feed.nodeListener(status.nodeListener()) });
    cleanups.push(() => feed.close());
    const states: string[] = [];
    const stream = request(`${server.url}/status/stream?topics=status`);
    stream.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
        for (const match of text.matchAll(/"lifecycle":\{"state":"(\w+)"/g)) states.push(match[1]);
        text = text.slice(text.lastIndexOf('\n'));
      });
    });
    stream.on('error', () => {});
    stream.end();
    cleanups.push(() => stream.destroy());
    await until(() => states.includes('ready'), 'the live feed to show ready');
    const closing = status.close();
    await until(() => states.includes('draining'), 'the live feed to show draining');
    expect((await get(`${server.url}/status`, { headers: { connection: 'close' } })).json()).toMatchObject({
      lifecycle: { state: 'draining' },
    });
    stream.destroy();
    await status.close({ immediate: true });
    await closing;
  });

  it('closing one listen() server drains it alone: readiness 503, the status keeps its checks', async () => {
    const status: StatusKit = createStatus();
    cleanups.push(() => status.close());
    let runs = 0;
    status.check('db', () => {
      runs++;
      return 'ok';
    });
    const first = await status.listen({ port: 0 });
    const second = await status.listen({ port: 0 });
    await second.close();
    expect(status.lifecycle.state).toBe('draining');
    const ready = await get(`${first.url}/health/ready`);
    expect([ready.status, ready.json()]).toEqual([503, { status: 'critical', reason: 'shutting down' }]);
    expect((await get(`${first.url}/status`)).status).toBe(200);
    expect(runs).toBeGreaterThan(0);
  });
});
