import type { MaintenanceWindow, RecurringWindow } from './window.js';

/** One concrete window: a one-off window, or one occurrence of a recurring one. */
export interface Occurrence extends Omit<MaintenanceWindow, 'announceMs'> {
  /** The window's id; for recurring windows `<id>@<start ISO>` (what ending one occurrence suppresses). */
  key: string;
  recurring: boolean;
}

export interface MaintenanceState {
  /** Windows in progress, whole-service ones first. */
  active: Occurrence[];
  /** Windows starting within their announcement period, soonest first. */
  upcoming: Occurrence[];
  /** When this state may next change by the clock alone (Infinity: never). */
  nextChange: number;
}

/**
 * What is in maintenance at `now`: a pure function of the windows, the occurrences ended early
 * (`suppressed`) and the time, so scheduled windows can be tested with any clock.
 */
export function stateAt(
  now: number,
  windows: readonly MaintenanceWindow[],
  recurring: readonly RecurringWindow[],
  suppressed: ReadonlySet<string>,
  defaultAnnounceMs: number,
): MaintenanceState {
  const active: Occurrence[] = [];
  const upcoming: Occurrence[] = [];
  let nextChange = Infinity;
  const later = (t: number | undefined) => {
    if (t !== undefined && t > now && t < nextChange) nextChange = t;
  };

  const place = (occurrence: Occurrence, announceMs: number) => {
    if (suppressed.has(occurrence.key)) return;
    const { start, end } = occurrence;
    if (end !== undefined && end <= now) return;
    if (start <= now) {
      active.push(occurrence);
      later(end);
    } else {
      if (start - announceMs <= now) upcoming.push(occurrence);
      later(start - announceMs);
      later(start);
    }
  };

  for (const window of windows) {
    place({ ...window, key: window.id, recurring: false }, window.announceMs ?? defaultAnnounceMs);
  }
  for (const window of recurring) {
    const announceMs = window.announceMs ?? defaultAnnounceMs;
    const current = currentStart(window, now);
    if (current !== undefined) place(occurrenceOf(window, current), announceMs);
    const next = window.schedule.next(now);
    if (next !== undefined) place(occurrenceOf(window, next), announceMs);
  }
  active.sort((a, b) => Number(b.components === 'all') - Number(a.components === 'all') || a.start - b.start);
  upcoming.sort((a, b) => a.start - b.start);
  return { active, upcoming, nextChange };
}

/** The latest start of an occurrence still running at `now`, if any. */
function currentStart(window: RecurringWindow, now: number): number | undefined {
  let start = window.schedule.next(now - window.durationMs);
  if (start === undefined || start > now) return undefined;
  for (;;) {
    const following = window.schedule.next(start);
    if (following === undefined || following > now) return start;
    start = following;
  }
}

function occurrenceOf(window: RecurringWindow, start: number): Occurrence {
  const end = start + window.durationMs;
  return {
    key: `${window.id}@${new Date(start).toISOString()}`,
    id: window.id,
    message: window.message,
    start,
    end,
    estimatedCompletion: end,
    components: window.components,
    recurring: true,
  };
}
