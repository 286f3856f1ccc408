/**
 * The watch config's fields for rules, check-kind and push targets, dependencies and the
 * watcher's own maintenance windows. Each is validated by the code that will use it (the rule
 * compiler, the check registry, src/maintenance's window resolvers), so the file is refused at
 * load with the same words the running watcher would use.
 */
import { z } from 'zod';
import { checkKinds, createCheck } from '../checks/registry.js';
import type { ConfigProblem } from '../config/errors.js';
import { formatPath } from '../config/errors.js';
import { duration, WHOLE_MESSAGE } from '../config/fields.js';
import { resolveRecurring, resolveWindow } from '../maintenance/window.js';
import { RuleError } from './rules/parse.js';
import { compileRules, RULE_SEVERITIES, type RuleSeverity, type RuleSpec } from './rules/rule-set.js';
import { isTargetName } from './target.js';
import { type WindowConfig, windowInput } from './windows.js';

/**
 * `rules: { errors: "body.ratio < 0.05" }`, or with a severity, or an event:
 * `{ when: "...", severity: warning }`, `{ notify: "changed(body.version)" }`.
 */
const ruleEntry = z.union([
  z.string(),
  z.strictObject({
    when: z.string().optional(),
    notify: z.string().optional(),
    // Checked with the rest of the rule, so every rule's problems are listed at once.
    severity: z.string().optional(),
  }),
]);

export const rulesField = z.record(z.string(), ruleEntry).transform((entries, ctx): RuleSpec[] => {
  const specs: RuleSpec[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    const problem = (message: string, path: PropertyKey[] = []) =>
      ctx.addIssue({ code: 'custom', path: [name, ...path], message, params: WHOLE_MESSAGE });
    if (!isTargetName(name)) {
      problem('a rule name may hold only letters, digits, "_" and "-"');
      continue;
    }
    const spec = specOf(name, entry, problem);
    if (!spec) continue;
    try {
      compileRules([spec]);
      specs.push(spec);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      problem(
        `column ${error.column}: expected ${error.expected}, found ${error.found}`,
        typeof entry === 'string' ? [] : ['when' in spec ? 'when' : 'notify'],
      );
    }
  }
  return specs;
});

function specOf(
  name: string,
  entry: z.output<typeof ruleEntry>,
  problem: (message: string, path?: PropertyKey[]) => void,
): RuleSpec | undefined {
  if (typeof entry === 'string') return { name, when: entry };
  const { when, notify, severity } = entry;
  if ((when === undefined) === (notify === undefined)) {
    problem('a rule needs exactly one of when (a condition) or notify (an event)');
    return undefined;
  }
  if (notify !== undefined) {
    if (severity !== undefined) problem('an event rule (notify) has no severity', ['severity']);
    return { name, notify };
  }
  if (severity !== undefined && !(RULE_SEVERITIES as readonly string[]).includes(severity)) {
    problem(`expected a severity among ${RULE_SEVERITIES.join(', ')}, got ${JSON.stringify(severity)}`, [
      'severity',
    ]);
    return undefined;
  }
  return { name, when: when!, ...(severity ? { severity: severity as RuleSeverity } : {}) };
}

export const CHECK_KINDS = Object.keys(checkKinds) as (keyof typeof checkKinds)[];

/** `check: tcp` with `options: { host, port }`: any built-in check kind of src/checks. */
export const checkKind = z.enum(CHECK_KINDS as [string, ...string[]]);
export const checkOptions = z.record(z.string(), z.unknown());

/** A push target's token is its only credential: long enough not to be guessed. */
export const MIN_TOKEN_LENGTH = 16;

export const pushField = z.strictObject({
  token: z.string().min(MIN_TOKEN_LENGTH),
  /** How often the job pings. */
  period: duration.refine((ms) => ms > 0, { message: 'expected a duration above 0' }),
  /** How late a ping may be before the target is critical. Default a tenth of the period, at least 1 minute. */
  grace: duration.optional(),
});

export const dependsOnField = z.array(z.string()).min(1);

/** One of the watcher's own windows: one-off (`start`, `end`) or recurring (`cron` / `weekly` / `daily`). */
export const windowField = z.strictObject({
  id: z.string().optional(),
  message: z.string().optional(),
  start: z.union([z.string(), z.number()]).optional(),
  end: z.union([z.string(), z.number()]).optional(),
  cron: z.string().optional(),
  weekly: z.strictObject({ day: z.string(), at: z.string() }).optional(),
  daily: z.strictObject({ at: z.string() }).optional(),
  timeZone: z.string().optional(),
  duration: z.string().optional(),
  /** Target names, or `all` (default). */
  targets: z.union([z.literal('all'), z.array(z.string()).min(1)]).optional(),
});

/** Problems the schema alone cannot see: targets named by `dependsOn` and windows, cycles, windows. */
export function crossProblems(raw: Record<string, unknown>): ConfigProblem[] {
  const targets = isRecord(raw.targets) ? raw.targets : {};
  const names = new Set(Object.keys(targets));
  const problems: ConfigProblem[] = [];
  for (const [name, target] of Object.entries(targets)) {
    if (!isRecord(target)) continue;
    problems.push(...kindProblems(name, target));
    if (Array.isArray(target.dependsOn)) {
      target.dependsOn.forEach((parent, i) => {
        if (typeof parent === 'string' && !names.has(parent)) {
          problems.push({
            path: formatPath(['targets', name, 'dependsOn', i]),
            message: `no target "${parent}" in this file`,
          });
        }
      });
    }
  }
  const cycle = dependencyCycle(targets);
  if (cycle)
    problems.push({
      path: formatPath(['targets', cycle[0], 'dependsOn']),
      message: `a dependency cycle: ${cycle.join(' -> ')}`,
    });
  if (Array.isArray(raw.maintenance)) {
    raw.maintenance.forEach((window, i) => {
      problems.push(...windowProblems(window, ['maintenance', i], names));
    });
  }
  return problems;
}

/** Exactly one of url, check, push; what a kind does not read is an error beside it. */
function kindProblems(name: string, target: Record<string, unknown>): ConfigProblem[] {
  const at = (key: string) => formatPath(['targets', name, key]);
  const kinds = ['url', 'check', 'push'].filter((key) => target[key] !== undefined);
  if (kinds.length !== 1) {
    return [
      {
        path: formatPath(['targets', name]),
        message: 'expected exactly one of url, check (a check kind) or push',
      },
    ];
  }
  const problems: ConfigProblem[] = [];
  if (kinds[0] !== 'url') {
    for (const key of ['path', 'words', 'byHttpCode', 'auth', 'insecure']) {
      if (target[key] !== undefined)
        problems.push({ path: at(key), message: `not read by a ${kinds[0]} target` });
    }
  }
  if (kinds[0] === 'check' && typeof target.check === 'string' && Object.hasOwn(checkKinds, target.check)) {
    try {
      createCheck(target.check, target.options ?? {});
    } catch (error) {
      problems.push({ path: at('options'), message: (error as Error).message });
    }
  } else if (target.options !== undefined) {
    problems.push({ path: at('options'), message: 'options are for check targets (check: KIND)' });
  }
  return problems;
}

function windowProblems(window: unknown, path: PropertyKey[], names: ReadonlySet<string>): ConfigProblem[] {
  if (!isRecord(window)) return [];
  const problems: ConfigProblem[] = [];
  if (Array.isArray(window.targets)) {
    window.targets.forEach((name, i) => {
      if (typeof name === 'string' && !names.has(name)) {
        problems.push({
          path: formatPath([...path, 'targets', i]),
          message: `no target "${name}" in this file`,
        });
      }
    });
  }
  try {
    const input = windowInput(window as WindowConfig);
    if ('recurring' in input) resolveRecurring(input.recurring);
    else {
      if (window.end === undefined)
        throw new Error('a one-off window needs `end` (or `cron`, `weekly`, `daily` to repeat)');
      resolveWindow(input.once, Date.now());
    }
  } catch (error) {
    problems.push({ path: formatPath(path), message: (error as Error).message });
  }
  return problems;
}

/** The first cycle of `dependsOn`, as names (`a -> b -> a`), if any. */
export function dependencyCycle(targets: Record<string, unknown>): string[] | undefined {
  const parents = (name: string): string[] => {
    const target = targets[name];
    return isRecord(target) && Array.isArray(target.dependsOn)
      ? target.dependsOn.filter((p): p is string => typeof p === 'string')
      : [];
  };
  const done = new Set<string>();
  const visit = (name: string, trail: string[]): string[] | undefined => {
    if (trail.includes(name)) return [...trail.slice(trail.indexOf(name)), name];
    if (done.has(name)) return undefined;
    for (const parent of parents(name)) {
      const cycle = visit(parent, [...trail, name]);
      if (cycle) return cycle;
    }
    done.add(name);
    return undefined;
  };
  for (const name of Object.keys(targets)) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
