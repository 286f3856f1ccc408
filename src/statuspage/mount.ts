/**
 * The page on `watch --serve`: its tables opened in the watch history (or in memory without one),
 * caught up with what the history holds, then fed by the watcher's polls. A thin adapter between
 * the watcher and the page's pure parts.
 */
import type { Route } from '../http/handler.js';
import type { TargetView, Watcher } from '../watch/watcher.js';
import type { WindowConfig } from '../watch/windows.js';
import type { StatusPageConfig } from './config.js';
import { resolvePageOptions } from './options.js';
import { StatusPage } from './page.js';
import { statusPageRoute } from './routes.js';
import { type PageSample, SqlitePageSource } from './sqlite-source.js';

/** Transitions older than this, found in a history at start, open no incident (they are history). */
const CATCH_UP_INCIDENTS_MS = 14 * 86_400_000;

export interface StatusPageMountOptions {
  config: StatusPageConfig;
  /** The watch history file; without one the page keeps its data in memory. */
  history?: string;
  windows?: readonly WindowConfig[];
}

export interface MountedStatusPage {
  page: StatusPage;
  source: SqlitePageSource;
  route: Route;
  /** The last error taking a sample in, if any (the page goes on with the next one). */
  lastError?: string;
  close(): void;
}

export function mountStatusPage(watcher: Watcher, options: StatusPageMountOptions): MountedStatusPage {
  const source = SqlitePageSource.open(options.history ?? ':memory:');
  const page = new StatusPage({
    source,
    options: resolvePageOptions(options.config, options.windows ?? []),
    targets: () => watcher.views.map((view) => view.target.name),
  });
  const now = Date.now();
  for (const transition of source.catchUp(now)) {
    if (transition.time >= now - CATCH_UP_INCIDENTS_MS) page.follow(transition);
  }
  const unsubscribe = watcher.subscribe({
    sampled: (view) => {
      const sample = pageSample(view);
      if (!sample) return;
      try {
        const transition = source.ingest(sample, { level: view.state.level, since: view.state.since });
        if (transition) page.follow(transition);
      } catch (error) {
        // A failing page store (disk full, a locked file) must not cost the watcher its poll nor the
        // listeners after this one: the page misses this sample, the next one carries on.
        mounted.lastError = (error as Error).message;
      }
    },
  });
  const mounted: MountedStatusPage = {
    page,
    source,
    route: statusPageRoute(page, source),
    close: () => {
      unsubscribe();
      source.close();
    },
  };
  return mounted;
}

function pageSample(view: TargetView): PageSample | undefined {
  const { last } = view;
  if (!last) return undefined;
  const by = last.values?.maintenance?.by;
  return {
    time: last.time,
    target: last.target,
    level: last.level,
    durationMs: last.durationMs,
    intervalMs: last.intervalMs,
    ...(last.level === 'maintenance' && by ? { maintenanceBy: by } : {}),
  };
}
