/**
 * How windows in progress change the tree's levels: components in a window report `maintenance`
 * (every node when a window covers the whole service), and their ancestors, which would inherit
 * `maintenance` through aggregation, report the partial level (degraded) instead.
 */
import type { Level } from '../model/levels.js';
import type { LevelOverride } from '../tree/evaluate.js';
import type { Occurrence } from './schedule.js';

export interface Affected {
  whole: boolean;
  /** Component paths (dot-joined) in maintenance. */
  components: ReadonlySet<string>;
  /** Their ancestors ('' is the root): these may show `maintenance` only through aggregation. */
  ancestors: ReadonlySet<string>;
}

export const NOTHING_AFFECTED: Affected = { whole: false, components: new Set(), ancestors: new Set() };

export function affectedBy(active: readonly Occurrence[]): Affected {
  if (active.length === 0) return NOTHING_AFFECTED;
  const components = new Set<string>();
  const ancestors = new Set<string>(['']);
  for (const occurrence of active) {
    if (occurrence.components === 'all') return { whole: true, components, ancestors };
    for (const component of occurrence.components) {
      components.add(component);
      const segments = component.split('.');
      for (let i = 1; i < segments.length; i++) ancestors.add(segments.slice(0, i).join('.'));
    }
  }
  return { whole: false, components, ancestors };
}

/** The override for what is affected now (read through `current`, so one override serves every state). */
export function maintenanceOverride(current: () => Affected, partialLevel: Level): LevelOverride {
  return (path, level) => {
    const affected = current();
    if (affected === NOTHING_AFFECTED) return undefined;
    if (affected.whole) return 'maintenance';
    let key = '';
    for (let i = 0; i < path.length; i++) {
      key = i === 0 ? path[0] : `${key}.${path[i]}`;
      if (affected.components.has(key)) return 'maintenance';
    }
    if (level === 'maintenance' && affected.ancestors.has(path.join('.'))) return partialLevel;
    return undefined;
  };
}
