/**
 * Health groups: which components a probe depends on. Kubernetes restarts a pod whose liveness
 * fails and stops routing to one whose readiness fails, so each probe should watch only what its
 * verdict can fix (Spring Boot's health groups): readiness the dependencies needed to serve
 * traffic, liveness at most what a restart cures (a stalled event loop). Named groups
 * (`/health/payments`) add their own aggregation, HTTP codes and disclosure.
 */
import type { AggregateInput, Aggregator } from '../model/aggregate.js';
import { type HttpCodeMap, resolveHttpCodes } from '../model/http-codes.js';
import type { Level } from '../model/levels.js';
import { worst } from '../model/levels.js';
import { formatPath, PathSyntaxError, parsePath } from '../tree/paths.js';
import type { Snapshot, SnapshotNode } from '../tree/snapshot.js';
import { MAX_QUERY_PARAMS, QueryError } from './query.js';
import { type ComponentPath, type Selected, selectComponents } from './selection.js';

export interface HealthGroupOptions {
  /**
   * Component paths (`database`, `applications.dialog`) whose levels decide the group: by default
   * the worst of them. A path that is not mounted counts as critical, so a typo fails loudly
   * instead of passing. Without `include`, every top-level component is a member.
   */
  include?: readonly string[];
  /** Components left out (with everything below them), as `?exclude=` does per request. */
  exclude?: readonly string[];
  /**
   * How the members' levels make the group's. Default: the worst of them when `include` names
   * them (you named each one because it matters), the status's own `aggregate` otherwise.
   */
  aggregate?: Aggregator;
  /** Level -> HTTP code for this group's answers; default: the status's `httpCodes`. */
  httpCodes?: Partial<Record<Level, number>>;
  /**
   * Whether callers whose tier shows details see the members: `components` in `/health/<group>`,
   * the group's document at `/status?group=`. `false`: the status word only, for everyone.
   */
  details?: boolean;
}

/** The options of `probes.readiness` and `probes.liveness` (their `details` default to false). */
export type ProbeGroupOptions = HealthGroupOptions;

/** A group with its paths parsed once. */
export interface HealthGroup {
  readonly name: string;
  readonly include?: readonly ComponentPath[];
  readonly exclude: readonly ComponentPath[];
  readonly aggregate: Aggregator;
  readonly httpCodes: HttpCodeMap;
  readonly details: boolean;
}

export interface GroupDefaults {
  /** The status's aggregator: for groups without `include`, and for levels above the members. */
  aggregate: Aggregator;
  httpCodes: HttpCodeMap;
  details: boolean;
}

/** A group name: one path segment of `/health/<name>`. */
export const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const GROUP_NAME_RULE = 'a group name is letters, digits, "-" and "_" (it is a path segment)';

/**
 * Groups whose `<groups>/<name>` is another door's path (`/health/live`): such a group could never
 * be reached there. Returns each as a message naming the door.
 */
export function shadowedGroups(
  paths: { readonly groups?: string | false },
  names: Iterable<string>,
): Array<{ name: string; message: string }> {
  const prefix = paths.groups;
  if (!prefix) return [];
  const shadowed: Array<{ name: string; message: string }> = [];
  for (const name of names) {
    const door = Object.entries(paths).find(
      ([key, path]) => key !== 'groups' && path === `${prefix}/${name}`,
    );
    if (door) shadowed.push({ name, message: `${prefix}/${name} is already the ${door[0]} probe's path` });
  }
  return shadowed;
}

/** The worst level among the members, whether they are critical or not. */
export const worstOfAll: Aggregator = (inputs) => {
  let level: Level = 'ok';
  for (const input of inputs) level = worst(level, input.level);
  return level;
};

/** Parses a group's options up front: a malformed one is a configuration error at start-up. */
export function compileGroup(
  name: string,
  options: HealthGroupOptions,
  defaults: GroupDefaults,
  what: string,
): HealthGroup {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${what}: expected an object with include and/or exclude`);
  }
  if (options.include !== undefined && (!Array.isArray(options.include) || options.include.length === 0)) {
    throw new TypeError(`${what}.include: expected a non-empty list of component paths`);
  }
  if (options.exclude !== undefined && !Array.isArray(options.exclude)) {
    throw new TypeError(`${what}.exclude: expected a list of component paths`);
  }
  if (options.aggregate !== undefined && typeof options.aggregate !== 'function') {
    throw new TypeError(`${what}.aggregate: expected a function`);
  }
  if (options.details !== undefined && typeof options.details !== 'boolean') {
    throw new TypeError(`${what}.details: expected true or false`);
  }
  const include = options.include && componentPaths(options.include, `${what}.include`);
  let httpCodes = defaults.httpCodes;
  try {
    if (options.httpCodes) httpCodes = resolveHttpCodes({ ...defaults.httpCodes, ...options.httpCodes });
  } catch (error) {
    throw new TypeError(`${what}.${(error as Error).message}`);
  }
  return {
    name,
    include,
    exclude: componentPaths(options.exclude ?? [], `${what}.exclude`),
    aggregate: options.aggregate ?? (include ? worstOfAll : defaults.aggregate),
    httpCodes,
    details: options.details ?? defaults.details,
  };
}

function componentPaths(paths: readonly string[], what: string): ComponentPath[] {
  return paths.map((path) => {
    if (typeof path !== 'string' || path === '') throw new TypeError(`${what}: expected component paths`);
    try {
      return parsePath(path).map(String);
    } catch (error) {
      throw new TypeError(`${what}: ${(error as Error).message}`);
    }
  });
}

export interface GroupVerdict {
  level: Level;
  /** Why the group is not ok when statuskit decided it (a missing component). */
  reason?: string;
  selected: Selected;
  /** The group's document snapshot, made on first use (`/status?group=`). */
  document?: Snapshot;
}

/**
 * Judges groups, memoized per snapshot and exclusion: a probe polled every second by several
 * orchestrators selects once per snapshot version.
 */
export class GroupJudge {
  private snapshot: Snapshot | undefined;
  private readonly verdicts = new Map<string, GroupVerdict>();

  constructor(private readonly statusAggregate: Aggregator) {}

  judge(group: HealthGroup, snapshot: Snapshot, extraExclude: readonly ComponentPath[] = []): GroupVerdict {
    if (snapshot !== this.snapshot) {
      this.snapshot = snapshot;
      this.verdicts.clear();
    }
    const key = `${group.name}\u0000${extraExclude.map((path) => path.join('\u0001')).join('\u0002')}`;
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      verdict = this.compute(group, snapshot, extraExclude);
      // Exclusions come from callers: keep the memo small whatever they send.
      if (this.verdicts.size >= VERDICT_MEMO_LIMIT) this.verdicts.clear();
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private compute(group: HealthGroup, snapshot: Snapshot, extraExclude: readonly ComponentPath[]) {
    const exclude = extraExclude.length > 0 ? [...group.exclude, ...extraExclude] : group.exclude;
    const selected = selectComponents(
      snapshot.root,
      { include: group.include, exclude },
      this.statusAggregate,
    );
    if (selected.missing.length > 0) {
      const reason = `component "${formatPath(selected.missing[0])}" is not mounted`;
      return { level: 'critical' as Level, reason, selected };
    }
    const inputs: AggregateInput[] = [];
    for (const member of selected.members) {
      if (member.level !== undefined) inputs.push({ level: member.level, critical: member.critical });
    }
    return { level: group.aggregate(inputs), selected };
  }
}

const VERDICT_MEMO_LIMIT = 64;

/** The members' words, for callers who may see them. */
export function memberWords(
  members: readonly SnapshotNode[],
  words: Readonly<Record<Level, string>>,
): Record<string, string> {
  const components: Record<string, string> = {};
  // Values without a check (identity, vitals) are no components.
  for (const member of members) if (member.level) components[formatPath(member.path)] = words[member.level];
  return components;
}

const NOTHING_EXCLUDED: readonly ComponentPath[] = Object.freeze([]);

/** `?exclude=a&exclude=b,c` on a probe: component paths; a malformed one is a 400. */
export function parseExclusions(search: string): readonly ComponentPath[] {
  if (search === '') return NOTHING_EXCLUDED;
  const params = new URLSearchParams(search);
  let count = 0;
  for (const _ of params.keys()) {
    if (++count > MAX_QUERY_PARAMS)
      throw new QueryError(400, `too many query parameters (limit ${MAX_QUERY_PARAMS})`);
  }
  const paths: ComponentPath[] = [];
  for (const value of params.getAll('exclude')) {
    for (const text of value.split(',')) {
      const trimmed = text.trim();
      if (trimmed === '') continue;
      try {
        paths.push(parsePath(trimmed).map(String));
      } catch (error) {
        if (!(error instanceof PathSyntaxError)) throw error;
        throw new QueryError(400, `query parameter "exclude": ${error.message}`);
      }
    }
  }
  return paths;
}
