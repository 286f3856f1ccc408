/**
 * The watchdog's answers, a pure function of the latest record and of how long the main loop has
 * not beaten. While the loop beats, the watchdog repeats what the main thread published; once it
 * has stalled past the threshold, liveness and readiness say so with the stall's length, and the
 * document is the last one published, marked stale with its age.
 */
import type { WatchdogRecord } from './record.js';

export interface WatchdogView {
  record: WatchdogRecord | undefined;
  /** When the record was last confirmed current by the main thread (epoch ms). */
  confirmedAt: number;
  /** How long the main loop has not beaten. */
  stallMs: number;
  thresholdMs: number;
  now: number;
}

export interface WatchdogAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const ALLOW = 'GET, HEAD';

export function watchdogAnswer(method: string, pathname: string, view: WatchdogView): WatchdogAnswer {
  const answer = route(method, pathname, view);
  return method === 'HEAD' ? { ...answer, body: '' } : answer;
}

/** A request target the watchdog cannot route (the same rule as the status's own doors). */
export function badTarget(reason: string): WatchdogAnswer {
  return error(400, 'bad_request', reason);
}

/** `main loop blocked for 3.2 s`, or undefined while it beats. */
export function blockedReason(view: WatchdogView): string | undefined {
  if (view.stallMs < view.thresholdMs) return undefined;
  return `main loop blocked for ${(view.stallMs / 1000).toFixed(1)} s`;
}

function route(method: string, pathname: string, view: WatchdogView): WatchdogAnswer {
  const { record } = view;
  if (method !== 'GET' && method !== 'HEAD') {
    const answer = error(405, 'method_not_allowed', `method ${method.slice(0, 20)} is not allowed here`);
    answer.headers.allow = ALLOW;
    return answer;
  }
  if (!record) return error(503, 'unavailable', 'the watchdog has no record from the main thread yet');
  const { paths } = record;
  const blocked = blockedReason(view);
  if (pathname === paths.live) return live(record, blocked);
  if (pathname === paths.ready)
    return blocked
      ? jsonAnswer(503, { status: record.words.critical, reason: blocked })
      : published(record, 'ready');
  if (pathname === paths.started) return published(record, 'started');
  if (pathname === paths.status) return documentAnswer(record, view, blocked);
  const served = [paths.live, paths.ready, paths.started, paths.status].filter(Boolean).join(', ');
  return error(404, 'not_found', `the watchdog serves ${served}`);
}

/** Liveness does not fail while the service starts: a slow synchronous start is not a dead process. */
function live(record: WatchdogRecord, blocked: string | undefined): WatchdogAnswer {
  if (!blocked) return published(record, 'live');
  if (record.lifecycle === 'starting')
    return jsonAnswer(200, { status: record.words.ok, reason: `starting; ${blocked}` });
  return jsonAnswer(503, { status: record.words.critical, reason: blocked });
}

function published(record: WatchdogRecord, kind: 'live' | 'ready' | 'started'): WatchdogAnswer {
  const { code, body } = record.probes[kind];
  return jsonAnswer(code, body);
}

function documentAnswer(record: WatchdogRecord, view: WatchdogView, blocked: string | undefined) {
  if (!record.document) return error(503, 'unavailable', record.noDocument ?? 'no document published');
  const ageMs = Math.max(0, Math.round(view.now - view.confirmedAt));
  const { code, body } = record.document;
  const headers = { age: String(Math.floor(ageMs / 1000)) };
  if (!blocked) return jsonAnswer(code, body, headers);
  const stale = { ageMs, since: new Date(view.confirmedAt).toISOString(), reason: blocked };
  return jsonAnswer(503, { ...body, stale }, headers);
}

function error(status: number, code: string, message: string): WatchdogAnswer {
  return jsonAnswer(status, { error: code, message });
}

function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): WatchdogAnswer {
  const text = JSON.stringify(body);
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    },
    body: text,
  };
}
