/**
 * `watch --serve`: the watcher's own status document, served by statuskit's core. Each target is a
 * component under `targets` with its debounced level, so a watcher is itself a status API that
 * `statuskit check`, a dashboard or another watcher can read. The same server carries the live feed
 * (`/api/health/ws`, `/status/stream`) and the dashboard page at `/`.
 *
 * The components follow the watcher's targets across reloads: a removed target (or one whose URL
 * changed, which starts fresh) leaves the document at once; a target added by a reload joins it with
 * its first poll, so a reload never shows an "unknown, not polled yet" that would sour the overall
 * status. At start every target is shown at once, polled or not.
 */

import type { MetricsRenderer, Route } from '../http/handler.js';
import { renderPrometheusForAccept } from '../metrics/prometheus.js';
import { MetricsRegistry } from '../metrics/registry.js';
import type { CheckOutcome } from '../model/result.js';
import { createStatus, type RunningServer, type StatusKit } from '../status.js';
import type { StatusPageMountOptions } from '../statuspage/mount.js';
import { browsable } from '../util/browsable.js';
import { pushRoute } from './push.js';
import { startsFresh } from './target-diff.js';
import type { TargetView, Watcher } from './watcher.js';

export interface WatchServer {
  status: StatusKit;
  server: RunningServer;
  /** Every URL served, the status document first (`watch --serve` prints them). */
  urls(): string[];
  close(): Promise<void>;
}

/** Where the watcher serves what, set here so the URL list cannot drift from what is served. */
const DOORS = [
  { scheme: 'http', path: '/status' },
  { scheme: 'http', path: '/health/live' },
  { scheme: 'http', path: '/health/ready' },
  { scheme: 'http', path: '/metrics' },
  { scheme: 'http', path: '/status/stream' },
  { scheme: 'ws', path: '/api/health/ws' },
  { scheme: 'http', path: '/' },
] as const;
const [STATUS, LIVE, READY, METRICS, SSE, WS, DASHBOARD] = DOORS.map((door) => door.path);

/** What a fleet member adds (fleet/runtime.ts): gauges on /metrics, routes, components. */
export interface ServeAdditions {
  gauges?: Record<string, () => number>;
  routes?: Route[];
  components?: Record<string, () => CheckOutcome>;
  /** The public status page (src/statuspage), when the config has a `statusPage:` section. */
  statusPage?: StatusPageMountOptions;
}

export async function serveWatcher(
  watcher: Watcher,
  listen: { host: string; port: number },
  additions: ServeAdditions = {},
): Promise<WatchServer> {
  const shown = new Set<string>();
  const status = createStatus({
    shutdownGrace: 2000,
    metrics: targetMetrics(watcher, shown, additions.gauges),
    paths: { status: STATUS, live: LIVE, ready: READY, metrics: METRICS },
  });
  const show = (name: string) => {
    if (shown.has(name)) return;
    shown.add(name);
    // Reading memory: no timeout or cache to speak of, so every request sees the latest poll.
    status.check(`targets.${name}`, () => {
      const view = watcher.view(name);
      return view ? componentOf(view) : { level: 'unknown', message: 'no longer watched' };
    });
  };
  const hide = (name: string) => {
    if (shown.delete(name)) status.remove(`targets.${name}`);
  };
  for (const view of watcher.views) show(view.target.name);
  for (const [name, component] of Object.entries(additions.components ?? {})) status.check(name, component);
  // The dashboard and its live feed, on the same server: a status page of the watched targets, with
  // the feed's history of each target's level (a bar per target), response time and transitions.
  const [{ createLiveFeed }, { createDashboard }] = await Promise.all([
    import('../live/index.js'),
    import('../dashboard/index.js'),
  ]);
  const feed = createLiveFeed({ status, onError: () => {}, wsPath: WS, ssePath: SSE });
  // Push targets' pings: before the dashboard, which answers every path under `/`.
  status.addRoute(pushRoute(watcher.board, (name) => watcher.pollNow(name)));
  // The public page, before the dashboard too: it shows no URL, credential nor error text.
  const page =
    additions.statusPage &&
    (await (await import('../statuspage/mount.js')).mountStatusPage(watcher, additions.statusPage));
  if (page) status.addRoute(page.route);
  for (const route of additions.routes ?? []) status.addRoute(route);
  status.addRoute(
    createDashboard({
      status,
      title: 'statuskit watch',
      prefix: DASHBOARD,
      feedPath: WS,
      ssePath: SSE,
      charts: ['checks'],
    }),
  );
  const server = await status.listen({
    host: listen.host,
    port: listen.port,
    listener: feed.nodeListener(status.nodeListener()),
  });
  feed.attach(server.server);
  const unsubscribe = watcher.subscribe({
    sampled: (view) => show(view.target.name),
    reconfigured: (diff) => {
      for (const name of diff.removed) hide(name);
      for (const change of diff.changed) if (startsFresh(change)) hide(change.target.name);
    },
  });
  // A wildcard bind is not an address to open: show loopback instead.
  const origin = (scheme: string) => `${scheme}://${browsable(server.host)}:${server.port}`;
  return {
    status,
    server,
    urls: () => [
      ...DOORS.map((door) => `${origin(door.scheme)}${door.path}`),
      ...(page ? [`${origin('http')}${page.page.options.path}`] : []),
    ],
    close: async () => {
      unsubscribe();
      await feed.close();
      await status.close();
      page?.close();
    },
  };
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
  const values = last.values;
  // Each failed rule with what was seen and what was expected; why the target is in maintenance.
  if (values?.failed) fields.rules = values.failed;
  if (values?.maintenance) fields.maintenance = values.maintenance;
  if (values?.ping) fields.lastPing = new Date(values.ping.at).toISOString();
  if (target.dependsOn.length > 0) fields.dependsOn = target.dependsOn;
  return {
    level: state.level,
    fields,
    // The poll's round trip is what this component measured: its history charts it as the
    // target's response time (and health+json reports it as the observed value).
    observedValue: last.durationMs,
    observedUnit: 'ms',
    ...(last.message === undefined ? {} : { message: last.message }),
  };
}

/**
 * `/metrics` for Prometheus, like a blackbox exporter's: each shown target's reported level as
 * `statuskit_check_status{check="targets.<name>"}` and its last poll's duration as
 * `statuskit_check_duration_seconds` (the document's own check timings would be those of reading
 * memory), the watcher's scheduling lag (`statuskit_watch_schedule_lag_seconds`, a summary over
 * the last minute, its `_count` the polls), the fleet's gauges when it is a member, and the process metrics.
 */
function targetMetrics(
  watcher: Watcher,
  shown: ReadonlySet<string>,
  gauges: Record<string, () => number> = {},
): MetricsRenderer {
  const registry = new MetricsRegistry();
  // Every watcher's own pace, fleet member or not: how late its polls started (`_count`: how many).
  registry.register('statuskit_watch_schedule_lag', watcher.lag.histogram);
  for (const [name, read] of Object.entries(gauges)) registry.gauge(name, read);
  return {
    render(accept) {
      const checks = watcher.views
        .filter((view) => shown.has(view.target.name) && view.state.level !== undefined)
        .map((view) => ({
          path: `targets.${view.target.name}`,
          level: view.state.level!,
          critical: true,
          durationMs: view.last?.durationMs ?? 0,
        }));
      return renderPrometheusForAccept(registry, accept, { checks });
    },
  };
}
