/**
 * `watch --serve`: the watcher's own status document, served by statuskit's core. Each target is a
 * component under `targets` with its debounced level, so a watcher is itself a status API that
 * `statuskit check`, a dashboard or another watcher can read.
 */
import type { CheckOutcome } from '../model/result.js';
import { createStatus, type RunningServer, type StatusKit } from '../status.js';
import type { TargetView, Watcher } from './watcher.js';

export interface WatchServer {
  status: StatusKit;
  server: RunningServer;
  close(): Promise<void>;
}

export async function serveWatcher(
  watcher: Watcher,
  listen: { host: string; port: number },
): Promise<WatchServer> {
  const status = createStatus({ shutdownGrace: 2000 });
  for (const view of watcher.views) {
    const { name } = view.target;
    // Reading memory: no timeout or cache to speak of, so every request sees the latest poll.
    status.check(`targets.${name}`, () => componentOf(watcher.view(name) ?? view));
  }
  const server = await status.listen({ host: listen.host, port: listen.port });
  return { status, server, close: () => status.close() };
}

export function componentOf(view: TargetView): CheckOutcome {
  const { target, state, last } = view;
  if (!last || !state.level) {
    return { level: 'unknown', message: 'not polled yet', fields: { url: target.displayUrl } };
  }
  const fields: Record<string, unknown> = {
    url: target.displayUrl,
    word: last.word ?? null,
    httpStatus: last.httpCode ?? null,
    lastCheck: new Date(last.time).toISOString(),
    durationMs: last.durationMs,
    since: state.since === undefined ? null : new Date(state.since).toISOString(),
  };
  if (state.pending !== undefined) {
    fields.pending = state.pending;
    fields.pendingCount = state.streak;
  }
  return { level: state.level, fields, ...(last.message === undefined ? {} : { message: last.message }) };
}
