import { describe, expect, it } from 'vitest';
import { type WatchdogView, watchdogAnswer } from '../../src/watchdog/answers.js';
import type { WatchdogRecord } from '../../src/watchdog/record.js';

const record: WatchdogRecord = {
  lifecycle: 'ready',
  words: { ok: 'UP', critical: 'DOWN' },
  paths: { live: '/health/live', ready: '/health/ready', started: '/health/started', status: '/status' },
  probes: {
    live: { code: 200, body: { status: 'UP' } },
    ready: { code: 503, body: { status: 'DOWN' } },
    started: { code: 200, body: { status: 'UP' } },
  },
  document: { code: 200, body: { status: 'UP', version: '1.0.0' } },
};

const NOW = Date.parse('2025-06-01T12:00:10.000Z');
const view = (over: Partial<WatchdogView> = {}): WatchdogView => ({
  record,
  confirmedAt: NOW - 2500,
  stallMs: 40,
  thresholdMs: 1000,
  now: NOW,
  ...over,
});
const body = (answer: { body: string }) => JSON.parse(answer.body);

describe('watchdog answers', () => {
  it('repeat what the main thread published while its loop beats', () => {
    expect(body(watchdogAnswer('GET', '/health/live', view()))).toEqual({ status: 'UP' });
    const ready = watchdogAnswer('GET', '/health/ready', view());
    expect([ready.status, body(ready)]).toEqual([503, { status: 'DOWN' }]);
    const document = watchdogAnswer('GET', '/status', view());
    expect([document.status, document.headers.age, body(document)]).toEqual([
      200,
      '2',
      { status: 'UP', version: '1.0.0' },
    ]);
  });

  it('say the main loop is blocked, and for how long, once the stall passes the threshold', () => {
    const blocked = view({ stallMs: 3249 });
    const live = watchdogAnswer('GET', '/health/live', blocked);
    expect([live.status, body(live)]).toEqual([
      503,
      { status: 'DOWN', reason: 'main loop blocked for 3.2 s' },
    ]);
    expect(body(watchdogAnswer('GET', '/health/ready', blocked)).reason).toBe('main loop blocked for 3.2 s');
    const document = watchdogAnswer('GET', '/status', blocked);
    expect([document.status, body(document)]).toEqual([
      503,
      {
        status: 'UP',
        version: '1.0.0',
        stale: { ageMs: 2500, since: '2025-06-01T12:00:07.500Z', reason: 'main loop blocked for 3.2 s' },
      },
    ]);
    // Exactly at the threshold counts as blocked; just below does not.
    expect(watchdogAnswer('GET', '/health/live', view({ stallMs: 1000 })).status).toBe(503);
    expect(watchdogAnswer('GET', '/health/live', view({ stallMs: 999 })).status).toBe(200);
  });

  it('keep liveness up while the service starts, even through a blocked start', () => {
    const starting = { ...record, lifecycle: 'starting' as const };
    const live = watchdogAnswer('GET', '/health/live', view({ record: starting, stallMs: 5000 }));
    expect([live.status, body(live)]).toEqual([
      200,
      { status: 'UP', reason: 'starting; main loop blocked for 5.0 s' },
    ]);
  });

  it('answer HEAD without a body, refuse other methods, and name what they serve', () => {
    const head = watchdogAnswer('HEAD', '/status', view());
    expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', '33']);
    const post = watchdogAnswer('POST', '/status', view());
    expect([post.status, post.headers.allow, body(post).error]).toEqual([
      405,
      'GET, HEAD',
      'method_not_allowed',
    ]);
    const other = watchdogAnswer('GET', '/metrics', view());
    expect([other.status, body(other).message]).toEqual([
      404,
      'the watchdog serves /health/live, /health/ready, /health/started, /status',
    ]);
  });

  it('answer 503 with the reason when there is no record or no document', () => {
    const none = watchdogAnswer('GET', '/health/live', view({ record: undefined }));
    expect([none.status, body(none).message]).toEqual([
      503,
      'the watchdog has no record from the main thread yet',
    ]);
    const refused = { ...record, document: undefined, noDocument: 'the document needs credentials' };
    const document = watchdogAnswer('GET', '/status', view({ record: refused }));
    expect([document.status, body(document)]).toEqual([
      503,
      { error: 'unavailable', message: 'the document needs credentials' },
    ]);
    const off = { ...record, paths: { ...record.paths, status: false as const } };
    expect(watchdogAnswer('GET', '/status', view({ record: off })).status).toBe(404);
  });
});
