/**
 * The status page's controller: its source, its options, the targets watched, and the cache of
 * what it renders. Rendered data is kept while the source's version is unchanged (a transition,
 * an incident written by anyone, a new hour) and for at most CACHE_MS, so the bars and uptimes
 * move with the clock even when nothing happens.
 */
import { createHash } from 'node:crypto';
import type { BarDays } from './config.js';
import { renderAtom, renderRss } from './feeds.js';
import { renderPage } from './html.js';
import { followTransition } from './incidents.js';
import { type ResolvedWindows, resolveWindows } from './maintenance.js';
import { buildPageData, type PageData, shownTargets } from './model.js';
import { type PageOptions, publicTarget } from './options.js';
import type { PageTransition, StatusPageSink, StatusPageSource } from './source.js';

export const CACHE_MS = 30_000;

export interface Rendered {
  body: string;
  etag: string;
}

export interface StatusPageDeps {
  source: StatusPageSource & Partial<StatusPageSink>;
  options: PageOptions;
  /** The watched targets, in order (the watcher's, which a reload may change). */
  targets: () => readonly string[];
  now?: () => number;
}

interface CacheEntry {
  key: string;
  at: number;
  data: PageData;
  rendered: Map<string, Rendered>;
}

export class StatusPage {
  readonly options: PageOptions;
  private readonly source: StatusPageDeps['source'];
  private readonly now: () => number;
  private readonly windows: ResolvedWindows;
  private cache: CacheEntry | undefined;
  private building: { key: string; entry: Promise<CacheEntry> } | undefined;
  /** How many times the data was built (tests check the cache with it). */
  builds = 0;

  constructor(private readonly deps: StatusPageDeps) {
    this.options = deps.options;
    this.source = deps.source;
    this.now = deps.now ?? Date.now;
    this.windows = resolveWindows(deps.options.windows, this.now());
  }

  /** Targets on the page: watched and not hidden. */
  shown(): string[] {
    return shownTargets(this.options, this.deps.targets());
  }

  /** A transition the page learnt of: incidents follow it (for a target on the page). */
  async follow(transition: PageTransition): Promise<void> {
    if (!this.options.autoIncidents || !this.shown().includes(transition.target)) return;
    await followTransition(this.source, transition, publicTarget(this.options, transition.target));
  }

  async data(): Promise<PageData> {
    return (await this.entry()).data;
  }

  /** The page data as JSON text, with its ETag. */
  json(): Promise<Rendered> {
    return this.render('json', (data) => JSON.stringify(data));
  }

  html(days: BarDays): Promise<Rendered> {
    return this.render(`html:${days}`, (data) =>
      renderPage(data, { path: this.options.path, days, refreshMs: this.options.refreshMs }),
    );
  }

  rss(pageUrl: string): Promise<Rendered> {
    return this.render(`rss:${pageUrl}`, (data) => renderRss(data, pageUrl));
  }

  atom(pageUrl: string): Promise<Rendered> {
    return this.render(`atom:${pageUrl}`, (data) => renderAtom(data, pageUrl));
  }

  /** Drops what was rendered (the next request builds anew). */
  invalidate(): void {
    this.cache = undefined;
  }

  private async render(kind: string, make: (data: PageData) => string): Promise<Rendered> {
    const entry = await this.entry();
    let rendered = entry.rendered.get(kind);
    if (!rendered) {
      const body = make(entry.data);
      rendered = { body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"` };
      // Feeds keyed by a Host header must not grow the cache without bound.
      if (entry.rendered.size < 64) entry.rendered.set(kind, rendered);
    }
    return rendered;
  }

  private async entry(): Promise<CacheEntry> {
    const now = this.now();
    const key = `${this.source.version()}|${this.deps.targets().join(',')}`;
    if (this.cache && this.cache.key === key && now - this.cache.at < CACHE_MS) return this.cache;
    // Requests arriving while the data is read wait for that one build rather than start their own.
    if (this.building?.key === key) return this.building.entry;
    const entry = this.build(key, now);
    this.building = { key, entry };
    try {
      this.cache = await entry;
      return this.cache;
    } catch (error) {
      // The source is away (a database restarting): the last page is better than none, and it is
      // tried again after CACHE_MS rather than at every request.
      if (!this.cache) throw error;
      this.cache.at = now;
      return this.cache;
    } finally {
      if (this.building?.entry === entry) this.building = undefined;
    }
  }

  private async build(key: string, now: number): Promise<CacheEntry> {
    this.builds += 1;
    const data = await buildPageData({
      source: this.source,
      options: this.options,
      targets: this.deps.targets(),
      windows: this.windows,
      now,
    });
    return { key, at: now, data, rendered: new Map() };
  }
}
