/**
 * The page on `watch --serve`. Beside a SQLite history (or in memory without one) its tables are
 * opened in the history file, caught up with what it holds, then fed by the watcher's polls. Beside
 * a PostgreSQL history (a fleet) it reads what the fleet's store writes, and follows the fleet's
 * transitions from the database, whichever member polled. A thin adapter between the watcher and
 * the page's pure parts.
 */
import type { Route } from '../http/handler.js';
import type { HistoryStore } from '../watch/history-store.js';
import type { PgHistoryStore } from '../watch/postgres/store.js';
import type { TargetView, Watcher } from '../watch/watcher.js';
import type { WindowConfig } from '../watch/windows.js';
import type { StatusPageConfig } from './config.js';
import { resolvePageOptions } from './options.js';
import { StatusPage } from './page.js';
import { PgPageSource } from './pg-source.js';
import { statusPageRoute } from './routes.js';
import type { PageTransition, StatusPageSource } from './source.js';
import { type PageSample, SqlitePageSource } from './sqlite-source.js';

/** Transitions older than this, found in a history at start, open no incident (they are history). */
const CATCH_UP_INCIDENTS_MS = 14 * 86_400_000;

export interface StatusPageMountOptions {
  config: StatusPageConfig;
  /** The watch history file; without one the page keeps its data in memory. */
  history?: string;
  /** The history store itself: a PostgreSQL one is read directly (the file is not opened). */
  store?: HistoryStore;
  windows?: readonly WindowConfig[];
}

export interface MountedStatusPage {
  page: StatusPage;
  source: StatusPageSource;
  route: Route;
  /** The last error taking a sample in or following a transition, if any (the page goes on). */
  lastError?: string;
  close(): void;
}

export async function mountStatusPage(
  watcher: Watcher,
  options: StatusPageMountOptions,
): Promise<MountedStatusPage> {
  if (options.store?.kind === 'postgres')
    return mountOnPostgres(watcher, options, options.store as PgHistoryStore);
  return mountOnSqlite(watcher, options);
}

function pageOf(watcher: Watcher, options: StatusPageMountOptions, source: StatusPageSource) {
  return new StatusPage({
    source,
    options: resolvePageOptions(options.config, options.windows ?? []),
    targets: () => watcher.views.map((view) => view.target.name),
  });
}

async function mountOnPostgres(
  watcher: Watcher,
  options: StatusPageMountOptions,
  store: PgHistoryStore,
): Promise<MountedStatusPage> {
  const source = new PgPageSource(store);
  const page = pageOf(watcher, options, source);
  const mounted: MountedStatusPage = {
    page,
    source,
    route: statusPageRoute(page, source),
    close: () => source.close(),
  };
  // Every member follows every transition of the fleet; the database keeps each incident single.
  const follow = async (transition: PageTransition) => {
    try {
      await page.follow(transition);
    } catch (error) {
      mounted.lastError = (error as Error).message;
    }
  };
  await source.start(follow, Date.now() - CATCH_UP_INCIDENTS_MS);
  return mounted;
}

function mountOnSqlite(watcher: Watcher, options: StatusPageMountOptions): MountedStatusPage {
  const source = SqlitePageSource.open(options.history ?? ':memory:');
  const page = pageOf(watcher, options, source);
  // One after the other, in order: a recovery must see the incident its outage opened.
  let following = Promise.resolve();
  const follow = (transition: PageTransition) => {
    following = following
      .then(() => page.follow(transition))
      .catch((error: Error) => {
        mounted.lastError = error.message;
      });
  };
  const now = Date.now();
  for (const transition of source.catchUp(now)) {
    if (transition.time >= now - CATCH_UP_INCIDENTS_MS) follow(transition);
  }
  const unsubscribe = watcher.subscribe({
    sampled: (view) => {
      const sample = pageSample(view);
      if (!sample) return;
      try {
        const transition = source.ingest(sample, { level: view.state.level, since: view.state.since });
        if (transition) follow(transition);
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
    ...(last.values?.announced ? { announced: last.values.announced } : {}),
  };
}
