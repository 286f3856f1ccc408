import type { RequestListener } from 'node:http';
import { BodyError } from '../http/body.js';
import { json } from '../http/handler.js';
import type { StatusRequest, StatusResponse } from '../http/types.js';
import type { Level } from '../model/levels.js';
import type { StatusKit } from '../status.js';
import { parseMountPath } from '../tree/paths.js';
import { type Duration, optionalDuration } from '../util/duration.js';
import { type AdminOptions, authorizeAdmin, windowInputOf } from './admin.js';
import { CronError } from './cron.js';
import { type NoticeFormat, noticeFor, seedNotice } from './notice.js';
import { type MaintenanceState, type Occurrence, stateAt } from './schedule.js';
import { loadState, saveState } from './state-file.js';
import {
  type MaintenanceWindow,
  type RecurringInput,
  type RecurringWindow,
  resolveRecurring,
  resolveWindow,
  WindowError,
  type WindowInput,
} from './window.js';
import { resolveTimeZone } from './zone.js';

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

interface Affected {
  whole: boolean;
  /** Component paths (dot-joined) in maintenance. */
  components: Set<string>;
  /** Their ancestors ('' is the root): these may show `maintenance` only through aggregation. */
  ancestors: Set<string>;
}

const NONE: Affected = { whole: false, components: new Set(), ancestors: new Set() };

/**
 * Maintenance windows for a status: affected components report `maintenance` (the whole service
 * when a window covers all of it, so readiness answers 503 and load balancers drain), the document
 * carries a notice, answers get `Retry-After`, and admins start and end windows at runtime.
 */
export class Maintenance {
  private readonly declared: MaintenanceWindow[];
  private readonly recurring: RecurringWindow[];
  private readonly runtime = new Map<string, MaintenanceWindow>();
  private readonly suppressed = new Set<string>();
  private readonly clock: () => number;
  private readonly announceMs: number;
  private readonly retryAfterMs: number | undefined;
  private readonly partialLevel: Level;
  private readonly noticePath: string | undefined;
  private readonly noticeFormat: NoticeFormat;
  private readonly admin: AdminOptions | undefined;
  private readonly adminPath: string | undefined;
  private readonly onError: (error: unknown) => void;
  private current: MaintenanceState = { active: [], upcoming: [], nextChange: -Infinity };
  private affected: Affected = NONE;
  private signature = '';
  private noticeText = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly useTimer: boolean;

  constructor(
    private readonly status: StatusKit,
    private readonly options: MaintenanceOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.useTimer = options.clock === undefined;
    this.onError = options.onError ?? (() => {});
    this.announceMs = optionalDuration(options.announce, 86_400_000, 'announce');
    this.retryAfterMs =
      options.retryAfter === undefined ? undefined : optionalDuration(options.retryAfter, 0);
    this.partialLevel = options.partialLevel ?? 'warning';
    const now = this.clock();
    this.declared = (options.windows ?? []).map((input) => resolveWindow(input, now));
    // Checked even without recurring windows: a typo should fail at start, not when one is added.
    const defaults = { timeZone: resolveTimeZone(options.timeZone ?? 'UTC', 'maintenance timeZone').name };
    this.recurring = (options.recurring ?? []).map((input) => resolveRecurring(input, defaults));
    assertUniqueIds([...this.declared, ...this.recurring]);
    const noticeOption = options.notice?.path;
    this.noticePath = noticeOption === false ? undefined : parseMountPath(noticeOption ?? 'notice').join('.');
    this.noticeFormat = options.notice?.format ?? seedNotice;
    this.admin = options.admin === false ? undefined : (options.admin ?? {});
    const statusPath = status.endpoint.config.paths.status || '/status';
    this.adminPath =
      this.admin && this.admin.path !== false ? (this.admin.path ?? `${statusPath}/maintenance`) : undefined;
    if (options.stateFile) this.restore(options.stateFile);

    status.setOverride((path, level) => this.override(path, level));
    status.use((request, next) => this.middleware(request, next));
    this.refresh();
  }

  /** The state now (recomputed when the clock passed a boundary). */
  get state(): MaintenanceState {
    this.tick();
    return this.current;
  }

  /** Starts a window at runtime (or schedules it, when `start` is in the future). */
  start(input: WindowInput): MaintenanceWindow {
    const window = resolveWindow(input, this.clock());
    if (
      this.runtime.has(window.id) ||
      this.declared.some((w) => w.id === window.id) ||
      this.recurring.some((w) => w.id === window.id)
    )
      throw new ConflictError(`a maintenance window with id "${window.id}" exists`);
    this.runtime.set(window.id, window);
    this.changed();
    return window;
  }

  /**
   * Ends a window by id (for a recurring window: its occurrence in progress), or, without an id,
   * every window in progress. Returns the ids ended.
   */
  end(id?: string): string[] {
    const state = this.refresh();
    const ended: string[] = [];
    const stop = (occurrence: Occurrence) => {
      if (this.runtime.delete(occurrence.id)) ended.push(occurrence.id);
      else {
        this.suppressed.add(occurrence.key);
        ended.push(occurrence.key);
      }
    };
    if (id === undefined) state.active.forEach(stop);
    else if (this.runtime.delete(id)) ended.push(id);
    else {
      const found = [...state.active, ...state.upcoming].find((o) => o.id === id || o.key === id);
      if (found) stop(found);
    }
    if (ended.length > 0) this.changed();
    return ended;
  }

  /** Every window: declared, runtime and recurring, with what is in progress and announced. */
  list(): Record<string, unknown> {
    const state = this.refresh();
    return {
      active: state.active.map(describe),
      upcoming: state.upcoming.map(describe),
      windows: [...this.declared, ...this.runtime.values()].map((w) => ({
        ...describeWindow(w),
        source: this.runtime.has(w.id) ? 'runtime' : 'declared',
      })),
      recurring: this.recurring.map((w) => ({
        id: w.id,
        message: w.message,
        cron: w.schedule.text,
        time_zone: w.schedule.timeZone,
        duration_ms: w.durationMs,
        components: w.components,
      })),
    };
  }

  /** Whether a component (dot path) is in maintenance now; without a path, whether the whole service is. */
  isActive(componentPath?: string): boolean {
    this.tick();
    if (componentPath === undefined) return this.affected.whole;
    return this.affected.whole || this.override(componentPath.split('.'), undefined) === 'maintenance';
  }

  /**
   * Kept for existing callers: `status.nodeListener()` itself now hands JSON bodies of
   * `POST <status>/maintenance` to the admin endpoint (every adapter supplies `readBody`).
   */
  nodeListener(fallback?: RequestListener): RequestListener {
    return this.status.nodeListener(fallback);
  }

  /** Recomputes the state now; updates levels, notice and readiness when it changed. */
  refresh(): MaintenanceState {
    const now = this.clock();
    this.prune(now);
    const state = stateAt(
      now,
      [...this.declared, ...this.runtime.values()],
      this.recurring,
      this.suppressed,
      this.announceMs,
    );
    this.current = state;
    const signature = [
      ...state.active.map((o) => `a:${o.key}`),
      ...state.upcoming.map((o) => `u:${o.key}`),
    ].join('|');
    if (signature !== this.signature) {
      this.signature = signature;
      this.affected = affectedBy(state.active);
      this.placeNotice(state);
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

  private tick(): void {
    if (this.clock() >= this.current.nextChange) this.refresh();
  }

  private override(path: readonly string[], level: Level | undefined): Level | undefined {
    const affected = this.affected;
    if (affected === NONE) return undefined;
    if (affected.whole) return 'maintenance';
    let key = '';
    for (let i = 0; i < path.length; i++) {
      key = i === 0 ? path[0] : `${key}.${path[i]}`;
      if (affected.components.has(key)) return 'maintenance';
    }
    // An ancestor of a component in maintenance is degraded, not in maintenance itself.
    if (level === 'maintenance' && affected.ancestors.has(path.join('.'))) return this.partialLevel;
    return undefined;
  }

  private async middleware(
    request: StatusRequest,
    next: (request: StatusRequest) => Promise<StatusResponse | undefined>,
  ): Promise<StatusResponse | undefined> {
    this.tick();
    const pathname = pathOf(request.url);
    if (this.isAdminPath(pathname)) return this.handleAdmin(request, pathname);
    const response = await next(request);
    if (!response || this.current.active.length === 0) return response;
    if (
      response.status !== this.status.endpoint.config.httpCodes.maintenance ||
      response.headers['retry-after']
    )
      return response;
    const seconds = this.retryAfterSeconds();
    return seconds === undefined
      ? response
      : { ...response, headers: { ...response.headers, 'retry-after': String(seconds) } };
  }

  private retryAfterSeconds(): number | undefined {
    const now = this.clock();
    const main = this.current.active[0];
    const until = main.estimatedCompletion ?? main.end;
    if (until !== undefined && until > now) return Math.max(1, Math.ceil((until - now) / 1000));
    return this.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(this.retryAfterMs / 1000));
  }

  private isAdminPath(pathname: string): boolean {
    const base = this.adminPath;
    return base !== undefined && (pathname === base || pathname.startsWith(`${base}/`));
  }

  private async handleAdmin(request: StatusRequest, pathname: string): Promise<StatusResponse> {
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
      const response = this.error(405, 'method_not_allowed', `method ${method} is not allowed here`);
      response.headers.allow = 'GET, POST, DELETE';
      return response;
    }
    const refused = await authorizeAdmin(request, this.status.endpoint.config.access, this.admin!);
    if (refused)
      return 'code' in refused ? this.error(refused.status, refused.code, refused.message) : refused;
    const id = decodeURIComponent(pathname.slice(this.adminPath!.length + 1)) || undefined;
    try {
      if (method === 'GET') return json(200, this.list(), false);
      if (method === 'POST') {
        if (id) return this.error(404, 'not_found', 'POST to the maintenance endpoint itself');
        return json(
          201,
          {
            started: describeWindow(this.start(windowInputOf(request, await request.readBody?.()))),
            notice: this.noticeNow(),
          },
          false,
        );
      }
      const which = id ?? new URLSearchParams(request.url.split('?')[1] ?? '').get('id') ?? undefined;
      const ended = this.end(which);
      if (which !== undefined && ended.length === 0)
        return this.error(404, 'not_found', `no maintenance window "${which}" in progress or announced`);
      return json(200, { ended }, false);
    } catch (error) {
      if (error instanceof ConflictError) return this.error(409, 'conflict', error.message);
      if (error instanceof BodyError) return this.error(error.status, 'bad_request', error.message);
      if (error instanceof WindowError || error instanceof CronError || error instanceof RangeError)
        return this.error(400, 'bad_request', error.message);
      throw error;
    }
  }

  private noticeNow(): Record<string, unknown> | null {
    return noticeFor(this.refresh(), this.noticeFormat) ?? null;
  }

  private error(status: number, code: string, message: string): StatusResponse {
    return this.status.endpoint.error({ status, code, message });
  }

  private placeNotice(state: MaintenanceState): void {
    if (!this.noticePath) return;
    const notice = noticeFor(state, this.noticeFormat);
    const text = notice ? JSON.stringify(notice) : '';
    if (text === this.noticeText) return;
    if (this.noticeText !== '') this.status.remove(this.noticePath);
    this.noticeText = text;
    // A value node in the tree: cached with the document, and kept for callers who see only the summary.
    if (notice) this.status.value(this.noticePath, notice, { summary: true });
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

  /** Forgets runtime windows that are over and suppressed occurrences that ended. */
  private prune(now: number): void {
    let changed = false;
    for (const [id, window] of this.runtime) {
      if (window.end !== undefined && window.end <= now) {
        this.runtime.delete(id);
        changed = true;
      }
    }
    for (const key of this.suppressed) {
      const at = key.lastIndexOf('@');
      const recurring = at === -1 ? undefined : this.recurring.find((w) => w.id === key.slice(0, at));
      const endsAt = recurring
        ? Date.parse(key.slice(at + 1)) + recurring.durationMs
        : this.declared.find((w) => w.id === key)?.end;
      if (endsAt !== undefined && endsAt <= now) {
        this.suppressed.delete(key);
        changed = true;
      }
    }
    if (changed) this.persist();
  }

  private changed(): void {
    this.persist();
    this.refresh();
  }

  private persist(): void {
    if (!this.options.stateFile) return;
    try {
      saveState(this.options.stateFile, {
        windows: [...this.runtime.values()],
        suppressed: [...this.suppressed],
      });
    } catch (error) {
      this.onError(error);
    }
  }

  private restore(path: string): void {
    const saved = loadState(path, this.onError);
    for (const window of saved.windows) this.runtime.set(window.id, window);
    for (const key of saved.suppressed) this.suppressed.add(key);
  }
}

export class ConflictError extends Error {
  override name = 'ConflictError';
}

export function createMaintenance(status: StatusKit, options?: MaintenanceOptions): Maintenance {
  return new Maintenance(status, options);
}

function affectedBy(active: readonly Occurrence[]): Affected {
  if (active.length === 0) return NONE;
  const affected: Affected = { whole: false, components: new Set(), ancestors: new Set(['']) };
  for (const occurrence of active) {
    if (occurrence.components === 'all') return { ...affected, whole: true };
    for (const component of occurrence.components) {
      affected.components.add(component);
      const segments = component.split('.');
      for (let i = 1; i < segments.length; i++) affected.ancestors.add(segments.slice(0, i).join('.'));
    }
  }
  return affected;
}

function assertUniqueIds(windows: readonly { id: string }[]): void {
  const seen = new Set<string>();
  for (const { id } of windows) {
    if (seen.has(id)) throw new WindowError(`two maintenance windows share the id "${id}"`);
    seen.add(id);
  }
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function describeWindow(w: MaintenanceWindow): Record<string, unknown> {
  return {
    id: w.id,
    message: w.message,
    start: iso(w.start),
    end: iso(w.end),
    estimated_completion: iso(w.estimatedCompletion),
    components: w.components,
  };
}

function describe(o: Occurrence): Record<string, unknown> {
  return {
    id: o.id,
    key: o.key,
    message: o.message,
    start: iso(o.start),
    end: iso(o.end),
    estimated_completion: iso(o.estimatedCompletion),
    components: o.components,
    recurring: o.recurring,
  };
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
