/**
 * Maintenance as the page shows it: the watcher's own windows (in progress, or starting within
 * the next week) and the targets that say they are in maintenance now (seed 002's notice,
 * statuskit's maintenance level). Pure in the windows, the states and the time.
 */
import { stateAt } from '../maintenance/schedule.js';
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
    if (state?.level !== 'maintenance' || state.maintenanceBy === 'window') return [];
    return [
      {
        id: `target:${id}`,
        title: 'Maintenance announced by the service',
        status: 'in_progress',
        start: state.since ?? state.lastTime ?? now,
        targets: [id],
        by: 'target',
      },
    ];
  });
  return [...fromWindows, ...fromTargets].sort((a, b) => a.start - b.start);
}
