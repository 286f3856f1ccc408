import type { RequestListener } from 'node:http';
import type { LevelOverride, StatusHost } from '../host.js';
import type { Level } from '../model/levels.js';
import { parseMountPath } from '../tree/paths.js';
import { type Duration, optionalDuration } from '../util/duration.js';
import type { AdminOptions } from './admin.js';
import { adminRoute } from './admin-route.js';
import { describeWindow, MaintenanceCalendar } from './calendar.js';
import { type NoticeFormat, noticeFor, seedNotice } from './notice.js';
import { NoticeLeaf } from './notice-leaf.js';
import { type Affected, affectedBy, maintenanceOverride, NOTHING_AFFECTED } from './override.js';
import { retryAfterMiddleware } from './retry-after.js';
import type { MaintenanceState } from './schedule.js';
import { loadState, saveState } from './state-file.js';
import {
  type MaintenanceWindow,
  type RecurringInput,
  resolveRecurring,
  resolveWindow,
  type WindowInput,
} from './window.js';
import { resolveTimeZone } from './zone.js';

export { ConflictError } from './calendar.js';

export interface MaintenanceOptions {
  /** One-off windows declared in code or config. */
  windows?: readonly WindowInput[];
  /** Recurring windows (cron, weekly, daily), each on the clock of its `timeZone`. */
  recurring?: readonly RecurringInput[];
  /** IANA time zone of recurring windows that name none (`Europe/Paris`). Default `UTC`. */
  timeZone?: string;
  /** Where the notice goes in the document (`false`: nowhere), and its shape. Default path `notice`. */
  notice?: { path?: string | false; format?: NoticeFormat };
  /** Upcoming windows appear in the notice this long before they start. Default 24 h. */
  announce?: Duration;
  /** The admin endpoint (`GET`/`POST`/`DELETE <status>/maintenance`); `false` turns it off. */
  admin?: AdminOptions | false;
  /** Windows started or ended at runtime are kept here and survive a restart. */
  stateFile?: string;
  /** Overall level while only some components are in maintenance. Default `warning` (degraded). */
  partialLevel?: Level;
  /** `Retry-After` on 503 answers when no window says when it ends. Default: none. */
  retryAfter?: Duration;
  /** Clock (ms since the epoch), injectable so scheduled windows can be tested without waiting. */
  clock?: () => number;
  /** Called with state-file errors. */
  onError?: (error: unknown) => void;
}

/**
 * Maintenance windows for a status: affected components report `maintenance` (the whole service
 * when a window covers all of it, so readiness answers 503 and load balancers drain), the document
 * carries a notice, and an admin endpoint starts and ends windows at runtime. This class wires the
 * parts to the status: the calendar (which windows exist), the level override, the notice leaf, the
 * admin route, the Retry-After middleware and the state file.
 */
export class Maintenance {
  private readonly calendar: MaintenanceCalendar;
  private readonly clock: () => number;
  private readonly useTimer: boolean;
  private readonly onError: (error: unknown) => void;
  private readonly notice: NoticeLeaf | undefined;
  private readonly noticeFormat: NoticeFormat;
  private readonly removals: Array<() => void> = [];
  private readonly override: LevelOverride;
  private current: MaintenanceState = { active: [], upcoming: [], nextChange: -Infinity };
  private affected: Affected = NOTHING_AFFECTED;
  private signature = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly status: StatusHost,
    private readonly options: MaintenanceOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.useTimer = options.clock === undefined;
    this.onError = options.onError ?? (() => {});
    const now = this.clock();
    // Checked even without recurring windows: a typo should fail at start, not when one is added.
    const defaults = { timeZone: resolveTimeZone(options.timeZone ?? 'UTC', 'maintenance timeZone').name };
    this.calendar = new MaintenanceCalendar(
      (options.windows ?? []).map((input) => resolveWindow(input, now)),
      (options.recurring ?? []).map((input) => resolveRecurring(input, defaults)),
      optionalDuration(options.announce, 86_400_000, 'announce'),
    );
    this.override = maintenanceOverride(() => this.affected, options.partialLevel ?? 'warning');
    this.noticeFormat = options.notice?.format ?? seedNotice;
    const noticePath = options.notice?.path;
    this.notice =
      noticePath === false
        ? undefined
        : new NoticeLeaf(status, parseMountPath(noticePath ?? 'notice').join('.'), this.noticeFormat);
    if (options.stateFile) this.calendar.restore(loadState(options.stateFile, this.onError));
    this.attach(options);
    this.refresh();
  }

  private attach(options: MaintenanceOptions): void {
    this.removals.push(this.status.addOverride(this.override));
    const retryAfterMs =
      options.retryAfter === undefined ? undefined : optionalDuration(options.retryAfter, 0);
    this.removals.push(
      this.status.use(
        retryAfterMiddleware(
          () => this.state,
          () => this.status.httpCodes.maintenance,
          retryAfterMs,
          this.clock,
        ),
      ),
    );
    const admin = options.admin === false ? undefined : (options.admin ?? {});
    if (admin && admin.path !== false) {
      const path = admin.path ?? `${this.status.paths.status || '/status'}/maintenance`;
      const target = {
        start: (input: WindowInput) => ({
          started: describeWindow(this.start(input)),
          notice: this.noticeNow(),
        }),
        end: (id?: string) => this.end(id),
        list: () => this.list(),
      };
      this.removals.push(this.status.addRoute(adminRoute(target, this.status, path, admin)));
    }
  }

  /** The state now (recomputed when the clock passed a boundary). */
  get state(): MaintenanceState {
    if (this.clock() >= this.current.nextChange) this.refresh();
    return this.current;
  }

  /** Starts a window at runtime (or schedules it, when `start` is in the future). */
  start(input: WindowInput): MaintenanceWindow {
    const window = resolveWindow(input, this.clock());
    this.calendar.add(window);
    this.changed();
    return window;
  }

  /**
   * Ends a window by id (for a recurring window: its occurrence in progress), or, without an id,
   * every window in progress. Returns the ids ended.
   */
  end(id?: string): string[] {
    const ended = this.calendar.end(id, this.refresh());
    if (ended.length > 0) this.changed();
    return ended;
  }

  /** Every window: declared, runtime and recurring, with what is in progress and announced. */
  list(): Record<string, unknown> {
    return this.calendar.list(this.refresh());
  }

  /** Whether a component (dot path) is in maintenance now; without a path, whether the whole service is. */
  isActive(componentPath?: string): boolean {
    void this.state;
    if (componentPath === undefined) return this.affected.whole;
    return this.override(componentPath.split('.'), undefined) === 'maintenance';
  }

  /** Kept for existing callers: `status.nodeListener()` itself serves the admin endpoint. */
  nodeListener(fallback?: RequestListener): RequestListener {
    return (this.status as StatusHost & { nodeListener(f?: RequestListener): RequestListener }).nodeListener(
      fallback,
    );
  }

  /** Recomputes the state now; updates levels, notice and readiness when it changed. */
  refresh(): MaintenanceState {
    const now = this.clock();
    if (this.calendar.prune(now)) this.persist();
    const state = this.calendar.stateAt(now);
    this.current = state;
    const signature = [
      ...state.active.map((o) => `a:${o.key}`),
      ...state.upcoming.map((o) => `u:${o.key}`),
    ].join('|');
    if (signature !== this.signature) {
      this.signature = signature;
      this.affected = affectedBy(state.active);
      this.notice?.update(state);
      this.status.invalidate();
    }
    this.schedule(state, now);
    return state;
  }

  /** Stops the timer (the status keeps its last state). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Takes everything this maintenance added off the status (for tests and reconfiguration). */
  detach(): void {
    this.close();
    for (const remove of this.removals.splice(0)) remove();
  }

  private noticeNow(): Record<string, unknown> | null {
    return noticeFor(this.refresh(), this.noticeFormat) ?? null;
  }

  private schedule(state: MaintenanceState, now: number): void {
    if (!this.useTimer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!Number.isFinite(state.nextChange)) return;
    // Long delays overflow setTimeout: wake up within a day and look again.
    const delay = Math.min(Math.max(0, state.nextChange - now), 86_400_000);
    this.timer = setTimeout(() => this.refresh(), delay + 5);
    this.timer.unref();
  }

  private changed(): void {
    this.persist();
    this.refresh();
  }

  private persist(): void {
    if (!this.options.stateFile) return;
    try {
      saveState(this.options.stateFile, this.calendar.persisted());
    } catch (error) {
      this.onError(error);
    }
  }
}

export function createMaintenance(status: StatusHost, options?: MaintenanceOptions): Maintenance {
  return new Maintenance(status, options);
}
