/**
 * Turns zod issues into one line each: `components.db.timeout: expected a duration like "2s", got "fast"`.
 * Zod's own messages ("Invalid input: expected number, received string") name types, not fixes; a
 * config author wants the place, what is expected, and what they wrote.
 */
import type { z } from 'zod';
import { closestName } from '../util/suggest.js';

export interface ConfigProblem {
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(key))) out += out === '' ? String(key) : `.${String(key)}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(root)';
}

export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], input: unknown): ConfigProblem[] {
  return issues.flatMap((issue) => problemsFromIssue(issue, input));
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.path}: ${problem.message}`;
}

function problemsFromIssue(issue: z.core.$ZodIssue, input: unknown): ConfigProblem[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...path, key]), message: 'unknown option' }));
  }
  // A union whose value matched one branch's shape and failed deeper inside it (a list of webhooks
  // with one bad field): report that branch's own problems, at their paths, not "expected X or Y".
  const inner = issue.code === 'invalid_union' ? deepestBranch(issue.errors) : undefined;
  if (inner) {
    return inner.flatMap((nested) =>
      problemsFromIssue({ ...nested, path: [...path, ...nested.path] } as z.core.$ZodIssue, input),
    );
  }
  if (issue.code === 'custom' && issue.params?.wholeMessage) {
    return [{ path: formatPath(path), message: issue.message }];
  }
  const value = valueAt(input, path);
  const found = describe(value);
  const got = found === undefined ? '' : `, got ${found}`;
  return [
    { path: formatPath(path), message: `${expectation(issue, value)}${got}${suggestion(issue, value)}` },
  ];
}

/** `; did you mean "http"?` when a word was expected from a list and one is a typo away. */
function suggestion(issue: z.core.$ZodIssue, value: unknown): string {
  if (typeof value !== 'string') return '';
  const listed =
    issue.code === 'invalid_value'
      ? issue.values
      : issue.code === 'invalid_union'
        ? (issue as { options?: unknown[] }).options
        : undefined;
  const words = (listed ?? []).filter((option): option is string => typeof option === 'string');
  const closest = closestName(value, words);
  return closest === undefined ? '' : `; did you mean ${JSON.stringify(closest)}?`;
}

function expectation(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? `required (${issue.expected})` : `expected ${article(issue.expected)}`;
    case 'invalid_value':
      return `expected ${oneOf(issue.values)}`;
    case 'invalid_union': {
      const discriminated = issue as { options?: unknown[] };
      if (discriminated.options) return `expected ${oneOf(discriminated.options)}`;
      return `expected ${issue.errors.map((branch) => branchExpectation(branch)).join(', or ')}`;
    }
    case 'too_small':
      return `expected ${issue.origin === 'string' ? 'a length' : 'a value'} >= ${issue.minimum}`;
    case 'too_big':
      return `expected ${issue.origin === 'string' ? 'a length' : 'a value'} <= ${issue.maximum}`;
    case 'invalid_format':
      return `expected ${issue.format === 'url' ? 'a URL' : `a ${issue.format}`}`;
    default:
      return issue.message;
  }
}

/** The one branch that failed below the union's own level (deepest wins), if there is one. */
function deepestBranch(
  branches: readonly (readonly z.core.$ZodIssue[])[],
): readonly z.core.$ZodIssue[] | undefined {
  let best: readonly z.core.$ZodIssue[] | undefined;
  let bestDepth = 0;
  let tie = false;
  for (const branch of branches) {
    const depth = Math.max(0, ...branch.map((issue) => issue.path.length));
    if (depth > bestDepth) {
      best = branch;
      bestDepth = depth;
      tie = false;
    } else if (depth === bestDepth && depth > 0) tie = true;
  }
  return tie ? undefined : best;
}

/** What one branch of a union wanted, from its first issue. */
function branchExpectation(branch: readonly z.core.$ZodIssue[]): string {
  const first = branch[0];
  if (!first) return 'another value';
  if (first.code === 'invalid_type') return article(first.expected);
  if (first.code === 'invalid_value') return oneOf(first.values);
  return first.message;
}

function oneOf(values: readonly unknown[]): string {
  const listed = values.map((v) => JSON.stringify(v));
  return listed.length === 1 ? listed[0] : `one of ${listed.join(', ')}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? 'a list' : 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
