/**
 * The watcher's own maintenance windows (`maintenance:` in the config): one-off or recurring in a
 * time zone, resolved and scheduled by src/maintenance (the same windows a status serves), with
 * the targets they cover as the windows' components. A pure question of the time: which window,
 * if any, covers a target at `now`.
 */
import { type Occurrence, stateAt } from '../maintenance/schedule.js';
import {
  type MaintenanceWindow,
  type RecurringInput,
  type RecurringWindow,
  resolveRecurring,
  resolveWindow,
  type WindowInput,
} from '../maintenance/window.js';

/** A window as the config writes it (config-fields.ts validates it). */
export interface WindowConfig {
  id?: string;
  message?: string;
  start?: string | number;
  end?: string | number;
  cron?: string;
  weekly?: { day: string; at: string };
  daily?: { at: string };
  timeZone?: string;
  duration?: string;
  /** Target names, or `all` (default). */
  targets?: 'all' | string[];
}

export function isRecurring(window: WindowConfig): boolean {
  return window.cron !== undefined || window.weekly !== undefined || window.daily !== undefined;
}

/** The window as src/maintenance resolves it (its own checks, its own messages). */
export function windowInput(window: WindowConfig): { recurring: RecurringInput } | { once: WindowInput } {
  const { targets: _targets, ...rest } = window;
  if (isRecurring(window)) return { recurring: rest as RecurringInput };
  return { once: rest as WindowInput };
}

export interface WatchWindows {
  /** The window in progress that covers the target, if any. */
  activeFor(target: string, now: number): Occurrence | undefined;
  /** Equal configurations compare equal (a reload keeps them). */
  readonly configured: readonly WindowConfig[];
}

/** Windows resolved once (a one-off window without a start starts at `now`). */
export interface ResolvedWindows {
  once: MaintenanceWindow[];
  recurring: RecurringWindow[];
}

export function resolveWindows(configured: readonly WindowConfig[], now: number): ResolvedWindows {
  const once: MaintenanceWindow[] = [];
  const recurring: RecurringWindow[] = [];
  for (const window of configured) {
    const input = windowInput(window);
    const components = window.targets ?? 'all';
    if ('recurring' in input) recurring.push(resolveRecurring({ ...input.recurring, components }));
    else once.push(resolveWindow({ ...input.once, components }, now));
  }
  return { once, recurring };
}

export const NO_WINDOWS: WatchWindows = { activeFor: () => undefined, configured: [] };

export function watchWindows(configured: readonly WindowConfig[] = [], now = Date.now()): WatchWindows {
  if (configured.length === 0) return NO_WINDOWS;
  const { once, recurring } = resolveWindows(configured, now);
  return {
    configured,
    activeFor(target, at) {
      const { active } = stateAt(at, once, recurring, new Set(), 0);
      return active.find(
        (occurrence) => occurrence.components === 'all' || occurrence.components.includes(target),
      );
    },
  };
}
