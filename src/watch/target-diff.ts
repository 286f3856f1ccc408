/**
 * What a reload changes: the running targets against the newly planned ones, by name, kept pure. A
 * target is unchanged only when every resolved setting is equal; the diff names the settings that
 * differ (never their values: they may be credentials).
 */
import { isDeepStrictEqual } from 'node:util';
import type { WatchTarget } from './target.js';

/** The settings of a resolved target, as they are named in logs. */
const SETTINGS = {
  url: (t: WatchTarget) => t.url,
  auth: (t: WatchTarget) => t.auth,
  insecure: (t: WatchTarget) => t.insecure,
  interval: (t: WatchTarget) => t.intervalMs,
  timeout: (t: WatchTarget) => t.timeoutMs,
  path: (t: WatchTarget) => t.statusPaths,
  words: (t: WatchTarget) => t.words,
  byHttpCode: (t: WatchTarget) => t.byHttpCode,
  failAfter: (t: WatchTarget) => t.debounce.failAfter,
  recoverAfter: (t: WatchTarget) => t.debounce.recoverAfter,
  onChange: (t: WatchTarget) => t.onChange,
  webhook: (t: WatchTarget) => t.webhooks,
  /** A check kind's options or a push target's token and period: another service when they change. */
  source: (t: WatchTarget) => t.source,
  rules: (t: WatchTarget) => t.ruleSpecs,
  targetMaintenance: (t: WatchTarget) => t.targetMaintenance,
  dependsOn: (t: WatchTarget) => t.dependsOn,
} as const;

export type TargetSetting = keyof typeof SETTINGS;

export interface ChangedTarget {
  target: WatchTarget;
  /** The settings that differ, in a fixed order. */
  settings: TargetSetting[];
}

export interface TargetDiff {
  added: WatchTarget[];
  removed: string[];
  changed: ChangedTarget[];
  unchanged: string[];
}

export function diffTargets(running: readonly WatchTarget[], next: readonly WatchTarget[]): TargetDiff {
  const before = new Map(running.map((target) => [target.name, target]));
  const names = new Set(next.map((target) => target.name));
  const diff: TargetDiff = {
    added: [],
    removed: running.filter((target) => !names.has(target.name)).map((target) => target.name),
    changed: [],
    unchanged: [],
  };
  for (const target of next) {
    const old = before.get(target.name);
    if (!old) {
      diff.added.push(target);
      continue;
    }
    const settings = changedSettings(old, target);
    if (settings.length === 0) diff.unchanged.push(target.name);
    else diff.changed.push({ target, settings });
  }
  return diff;
}

export function changedSettings(a: WatchTarget, b: WatchTarget): TargetSetting[] {
  return (Object.keys(SETTINGS) as TargetSetting[]).filter(
    (setting) => !isDeepStrictEqual(SETTINGS[setting](a), SETTINGS[setting](b)),
  );
}

/**
 * A target whose URL (or check options, or push token) changed is another service under the same
 * name: it starts without a level,
 * as a new target would. Any other change keeps its reported level, `since` and pending streak.
 */
export function startsFresh(change: ChangedTarget): boolean {
  return change.settings.includes('url') || change.settings.includes('source');
}

/** `reloaded: 1 added, 1 removed, 2 changed, 5 unchanged`, with the names as fields. */
export function diffSummary(diff: TargetDiff): { message: string; fields: Record<string, unknown> } {
  const { added, removed, changed, unchanged } = diff;
  return {
    message: `reloaded: ${added.length} added, ${removed.length} removed, ${changed.length} changed, ${unchanged.length} unchanged`,
    fields: {
      added: added.map((target) => target.name),
      removed,
      changed: changed.map((change) => change.target.name),
      unchanged,
      // What changed, by setting name only: a changed password says `auth`, never the password.
      changes: Object.fromEntries(changed.map((change) => [change.target.name, change.settings])),
    },
  };
}
