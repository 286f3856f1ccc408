/**
 * The windows a maintenance knows: declared (code/config), started at runtime (admin endpoint),
 * recurring (cron in a time zone), and occurrences ended early. Pure bookkeeping with the time
 * passed in: what is active when is `stateAt` (schedule.ts); persistence is the caller's.
 */
import { type MaintenanceState, type Occurrence, stateAt } from './schedule.js';
import type { PersistedState } from './state-file.js';
import { type MaintenanceWindow, type RecurringWindow, WindowError } from './window.js';

export class ConflictError extends Error {
  override name = 'ConflictError';
}

export class MaintenanceCalendar {
  private readonly runtime = new Map<string, MaintenanceWindow>();
  private readonly suppressed = new Set<string>();

  constructor(
    private readonly declared: readonly MaintenanceWindow[],
    private readonly recurring: readonly RecurringWindow[],
    private readonly announceMs: number,
  ) {
    assertUniqueIds([...declared, ...recurring]);
  }

  stateAt(now: number): MaintenanceState {
    return stateAt(
      now,
      [...this.declared, ...this.runtime.values()],
      this.recurring,
      this.suppressed,
      this.announceMs,
    );
  }

  /** Adds a window started at runtime; its id must be new. */
  add(window: MaintenanceWindow): void {
    if (
      this.runtime.has(window.id) ||
      this.declared.some((w) => w.id === window.id) ||
      this.recurring.some((w) => w.id === window.id)
    )
      throw new ConflictError(`a maintenance window with id "${window.id}" exists`);
    this.runtime.set(window.id, window);
  }

  /**
   * Ends a window by id (for a recurring window: its occurrence in progress), or, without an id,
   * every window in progress. Returns the ids ended.
   */
  end(id: string | undefined, state: MaintenanceState): string[] {
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
    return ended;
  }

  /** Every window: declared, runtime and recurring, with what is in progress and announced. */
  list(state: MaintenanceState): Record<string, unknown> {
    return {
      active: state.active.map(describeOccurrence),
      upcoming: state.upcoming.map(describeOccurrence),
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

  /** Forgets runtime windows that are over and suppressed occurrences that ended; true when anything went. */
  prune(now: number): boolean {
    let changed = false;
    for (const [id, window] of this.runtime) {
      if (window.end !== undefined && window.end <= now) {
        this.runtime.delete(id);
        changed = true;
      }
    }
    for (const key of this.suppressed) {
      const endsAt = this.suppressedUntil(key);
      if (endsAt !== undefined && endsAt <= now) {
        this.suppressed.delete(key);
        changed = true;
      }
    }
    return changed;
  }

  /** What a state file keeps. */
  persisted(): PersistedState {
    return { windows: [...this.runtime.values()], suppressed: [...this.suppressed] };
  }

  restore(saved: PersistedState): void {
    for (const window of saved.windows) this.runtime.set(window.id, window);
    for (const key of saved.suppressed) this.suppressed.add(key);
  }

  private suppressedUntil(key: string): number | undefined {
    const at = key.lastIndexOf('@');
    const recurring = at === -1 ? undefined : this.recurring.find((w) => w.id === key.slice(0, at));
    return recurring
      ? Date.parse(key.slice(at + 1)) + recurring.durationMs
      : this.declared.find((w) => w.id === key)?.end;
  }
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

export function describeWindow(w: MaintenanceWindow): Record<string, unknown> {
  return {
    id: w.id,
    message: w.message,
    start: iso(w.start),
    end: iso(w.end),
    estimated_completion: iso(w.estimatedCompletion),
    components: w.components,
  };
}

function describeOccurrence(o: Occurrence): Record<string, unknown> {
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
