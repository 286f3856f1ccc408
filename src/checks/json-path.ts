import { getAtPath, type PathSegment, parsePath } from '../tree/paths.js';

/**
 * A deliberately small JSON path: `data.status`, `checks[0].status`, `items[2].name`. Segments are
 * separated by dots; `[n]` indexes an array. An empty path (or `$`) is the whole document. Keys that
 * contain dots or brackets are not addressable — keep it simple, it is for health documents.
 */

/** JSON paths use statuskit's one path syntax (dot + `[n]`, or JSON pointers); a leading `$` is allowed. */
export function parseJsonPath(path: string): PathSegment[] {
  return parsePath(path.trim().replace(/^\$\.?/, ''));
}

/** The value at `path`, or `undefined` when any step is missing. */
export function readPath(document: unknown, path: string | readonly PathSegment[]): unknown {
  const found = getAtPath(document, typeof path === 'string' ? parseJsonPath(path) : path);
  return found.found ? found.value : undefined;
}

/**
 * A test on the value at `path`. All the given operators must hold. With no operator the value must
 * merely exist (not `undefined`).
 */
export interface JsonCondition {
  path: string;
  equals?: unknown;
  notEquals?: unknown;
  in?: readonly unknown[];
  /** A regular expression (source text) the value, as a string, must match. */
  matches?: string;
  lt?: number;
  lte?: number;
  gt?: number;
  gte?: number;
  exists?: boolean;
}

export interface ConditionVerdict {
  ok: boolean;
  actual: unknown;
  /** Why it failed, e.g. `data.status is "degraded", expected "operational"`. */
  reason?: string;
}

const NUMERIC = {
  lt: (a: number, b: number) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
} as const satisfies Record<string, (a: number, b: number) => boolean>;

export function evaluateCondition(document: unknown, condition: JsonCondition): ConditionVerdict {
  const actual = readPath(document, condition.path);
  const shown = `${condition.path} is ${describe(actual)}`;
  const fail = (expected: string): ConditionVerdict => ({
    ok: false,
    actual,
    reason: `${shown}, expected ${expected}`,
  });
  const mustExist = condition.exists ?? true;
  if (!mustExist) return actual === undefined ? { ok: true, actual } : fail('no value');
  if (actual === undefined) return fail('a value');
  if (condition.equals !== undefined && !sameJson(actual, condition.equals))
    return fail(describe(condition.equals));
  if (condition.notEquals !== undefined && sameJson(actual, condition.notEquals)) {
    return fail(`anything but ${describe(condition.notEquals)}`);
  }
  if (condition.in !== undefined && !condition.in.some((option) => sameJson(actual, option))) {
    return fail(`one of ${condition.in.map(describe).join(', ')}`);
  }
  if (condition.matches !== undefined && !new RegExp(condition.matches).test(String(actual))) {
    return fail(`to match /${condition.matches}/`);
  }
  for (const op of Object.keys(NUMERIC) as (keyof typeof NUMERIC)[]) {
    const bound = condition[op];
    if (bound === undefined) continue;
    const value = typeof actual === 'number' ? actual : Number.NaN;
    if (!NUMERIC[op](value, bound)) return fail(`${op} ${bound}`);
  }
  return { ok: true, actual };
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
