/**
 * Probe groups: which components a liveness or readiness probe depends on. Kubernetes restarts a
 * pod whose liveness fails and stops routing to one whose readiness fails, so each probe should
 * watch only what its verdict can fix (Spring Boot's health groups): readiness the dependencies
 * needed to serve traffic, liveness at most what a restart cures (a stalled event loop).
 */
import type { Level } from '../model/levels.js';
import { worst } from '../model/levels.js';
import { formatPath, parsePath } from '../tree/paths.js';
import { findNode, type Snapshot } from '../tree/snapshot.js';

export interface ProbeGroupOptions {
  /**
   * Component paths (`database`, `applications.dialog`) whose levels decide the probe: the worst of
   * them. A path that is not mounted counts as critical, so a typo fails loudly instead of passing.
   */
  include: readonly string[];
}

/** A probe group with its paths parsed once. */
export interface ProbeGroup {
  readonly components: readonly (readonly string[])[];
}

export interface ProbeVerdict {
  level: Level;
  /** Why the probe is not ok, when a component is missing. */
  reason?: string;
}

/** Parses a group's paths up front: a malformed one is a configuration error at start-up. */
export function probeGroup(options: ProbeGroupOptions, what: string): ProbeGroup {
  if (!Array.isArray(options?.include) || options.include.length === 0) {
    throw new TypeError(`${what}.include: expected a non-empty list of component paths`);
  }
  return {
    components: options.include.map((path) => {
      try {
        return parsePath(path).map(String);
      } catch (error) {
        throw new TypeError(`${what}.include: ${(error as Error).message}`);
      }
    }),
  };
}

/** The worst level among the group's components in this snapshot (components without checks are ok). */
export function groupVerdict(group: ProbeGroup, snapshot: Snapshot): ProbeVerdict {
  let level: Level = 'ok';
  for (const segments of group.components) {
    const node = findNode(snapshot.root, segments);
    if (!node) return { level: 'critical', reason: `component "${formatPath(segments)}" is not mounted` };
    level = worst(level, node.level ?? 'ok');
  }
  return { level };
}
