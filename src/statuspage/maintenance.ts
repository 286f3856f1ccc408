/**
 * Maintenance as the page shows it: the watcher's own windows (in progress, or starting within
 * the next week), the targets that say they are in maintenance now (seed 002's notice with its
 * estimated completion, statuskit's maintenance level) and those that announce one to come (seed
 * 002's `scheduled_maintenance` notice, which statuskit's maintenance serves too). Pure in the
 * windows, the states and the time.
 */
import { stateAt } from '../maintenance/schedule.js';
import type { AnnouncedMaintenance } from '../watch/assess.js';
import { type ResolvedWindows, resolveWindows } from '../watch/windows.js';

export { type ResolvedWindows, resolveWindows };

import type { CurrentState } from './source.js';

/** Windows starting this soon are announced as scheduled. */
export const ANNOUNCE_MS = 7 * 86_400_000;

export interface PageMaintenance {
  id: string;
  title: string;
  status: 'scheduled' | 'in_progress';
  start: number;
  end?: number;
  /** Target ids, or `all`. */
  targets: 'all' | string[];
  /** The watcher's window, or the target's own word. */
  by: 'window' | 'target';
}

export function pageMaintenance(
  windows: ResolvedWindows,
  states: ReadonlyMap<string, CurrentState>,
  shown: readonly string[],
  now: number,
): PageMaintenance[] {
  const visible = new Set(shown);
  const { active, upcoming } = stateAt(now, windows.once, windows.recurring, new Set(), ANNOUNCE_MS);
  const fromWindows = [...active, ...upcoming].flatMap((occurrence): PageMaintenance[] => {
    const targets =
      occurrence.components === 'all' ? 'all' : occurrence.components.filter((t) => visible.has(t));
    if (targets !== 'all' && targets.length === 0) return [];
    return [
      {
        id: occurrence.key,
        title: occurrence.message,
        status: occurrence.start <= now ? 'in_progress' : 'scheduled',
        start: occurrence.start,
        ...(occurrence.end === undefined ? {} : { end: occurrence.end }),
        targets,
        by: 'window',
      },
    ];
  });
  const fromTargets = shown.flatMap((id): PageMaintenance[] => {
    const state = states.get(id);
    if (!state) return [];
    const announced = state.announced;
    if (state.level === 'maintenance' && state.maintenanceBy !== 'window') {
      const end = announced?.phase === 'in_progress' ? announced.end : undefined;
      return [
        {
          id: `target:${id}`,
          title: 'Maintenance announced by the service',
          status: 'in_progress',
          start: state.since ?? state.lastTime ?? now,
          ...(end !== undefined && end > now ? { end } : {}),
          targets: [id],
          by: 'target',
        },
      ];
    }
    // A schedule the service announced, shown like the watcher's own within the announcement period.
    const start = announced?.phase === 'scheduled' ? announced.start : undefined;
    if (start === undefined || start <= now || start - ANNOUNCE_MS > now) return [];
    return [
      {
        id: `target:${id}:scheduled`,
        title: 'Maintenance scheduled by the service',
        status: 'scheduled',
        start,
        ...(announced?.end === undefined ? {} : { end: announced.end }),
        targets: [id],
        by: 'target',
      },
    ];
  });
  return [...fromWindows, ...fromTargets].sort((a, b) => a.start - b.start);
}

/** A stored announcement, when it reads as one (a history is data from outside: check it). */
export function announcedOf(stored: unknown): { announced?: AnnouncedMaintenance } {
  let value = stored;
  if (typeof stored === 'string') {
    try {
      value = JSON.parse(stored);
    } catch {
      return {};
    }
  }
  if (typeof value !== 'object' || value === null) return {};
  const { phase, start, end } = value as Record<string, unknown>;
  if (phase !== 'scheduled' && phase !== 'in_progress') return {};
  const time = (t: unknown) => (typeof t === 'number' && Number.isFinite(t) ? t : undefined);
  const announced: AnnouncedMaintenance = { phase };
  if (time(start) !== undefined) announced.start = time(start);
  if (time(end) !== undefined) announced.end = time(end);
  return { announced };
}
