/**
 * A target's rules, compiled once per config load, and their verdicts on one answer.
 *
 * - A **condition** (`when`) says what a healthy answer looks like. It holds: nothing to say. It
 *   fails: the target takes the rule's severity (`critical` by default, or `warning`). It is
 *   unknown (a path is missing): the target is `unknown`, never silently ok nor falsely down.
 * - An **event** (`notify`) fires a notification when it is true, whatever the level does:
 *   `changed(body.version)`, `becomes(body.app.state, "stopped")`.
 *
 * Every value a rule reads is recorded with the sample (`recorded`), so `changed()` survives a
 * restart and `watch replay` can run other rules over the same history.
 */
import { type Level, SEVERITY } from '../../model/levels.js';
import type { Answer } from './answer.js';
import { type Compiled, compileCondition, type Scope } from './compile.js';
import { explainMet, explainUnmet } from './explain.js';
import { parseRule } from './parse.js';
import { isUnknown, recordedForm, type Value } from './values.js';

export const RULE_SEVERITIES = ['warning', 'critical'] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];

export type RuleSpec =
  | { name: string; when: string; severity?: RuleSeverity }
  | { name: string; notify: string };

export interface CompiledRule {
  name: string;
  /** The text as written (the config and `watch test` show it). */
  text: string;
  kind: 'condition' | 'event';
  severity: RuleSeverity;
  compiled: Compiled;
}

export interface RuleSet {
  rules: readonly CompiledRule[];
  /** The values the rules read, by their text: recorded with each sample. */
  keys: ReadonlyMap<string, Compiled>;
  /** Some rule reads `status`: the rules then decide what an HTTP error code means. */
  readsStatus: boolean;
}

export type Verdict = 'pass' | 'fail' | 'unknown';

export interface RuleVerdict {
  rule: string;
  kind: 'condition' | 'event';
  severity: RuleSeverity;
  verdict: Verdict;
  /** For a failed or unknown condition, and a fired event: what was seen, and what was expected. */
  explanation?: string;
}

export interface RulesOutcome {
  /** The worst level the conditions give: ok when they all hold. */
  level: Level;
  verdicts: RuleVerdict[];
  /** Events that fired. */
  events: RuleVerdict[];
  /** `rule: explanation` for each failed or unknown condition, worst first. */
  messages: string[];
  /** The values read, in their recorded form (unknown ones left out). */
  recorded: Record<string, Value>;
}

export const NO_RULES: RuleSet = { rules: [], keys: new Map(), readsStatus: false };

/** Compiles every rule; throws the first RuleError (naming the rule, the column, what was expected). */
export function compileRules(specs: readonly RuleSpec[]): RuleSet {
  if (specs.length === 0) return NO_RULES;
  const rules = specs.map((spec): CompiledRule => {
    const text = 'when' in spec ? spec.when : spec.notify;
    const compiled = compileCondition(parseRule(text, spec.name), spec.name);
    return 'when' in spec
      ? { name: spec.name, text, kind: 'condition', severity: spec.severity ?? 'critical', compiled }
      : { name: spec.name, text, kind: 'event', severity: 'warning', compiled };
  });
  const keys = new Map<string, Compiled>();
  for (const rule of rules) collectKeys(rule.compiled, keys);
  return { rules, keys, readsStatus: keys.has('status') };
}

/** The outermost paths (`body.a.b`, not `body` and `body.a` too) and what `changed()` watches. */
function collectKeys(compiled: Compiled, keys: Map<string, Compiled>): void {
  if (compiled.key !== undefined) {
    if (!keys.has(compiled.key)) keys.set(compiled.key, compiled);
    if (compiled.node.kind === 'name' || compiled.node.kind === 'member' || compiled.node.kind === 'index')
      return;
  }
  for (const child of compiled.children) collectKeys(child, keys);
}

/** The verdict of every rule on one answer. `previous`: the last known recorded values. */
export function judgeRules(
  set: RuleSet,
  answer: Answer,
  previous?: ReadonlyMap<string, Value>,
  recorded?: ReadonlyMap<string, Value>,
): RulesOutcome {
  const scope: Scope = { answer, previous, recorded };
  let level: Level = 'ok';
  const verdicts: RuleVerdict[] = [];
  const events: RuleVerdict[] = [];
  const failures: { severity: number; text: string }[] = [];
  for (const rule of set.rules) {
    const value = rule.compiled.evaluate(scope);
    if (rule.kind === 'event') {
      const fired = value === true;
      const verdict = verdictOf(
        rule,
        fired ? 'fail' : 'pass',
        fired ? explainMet(rule.compiled, scope) : undefined,
      );
      verdicts.push(verdict);
      if (fired) events.push(verdict);
      continue;
    }
    if (value === true) {
      verdicts.push(verdictOf(rule, 'pass'));
      continue;
    }
    const failed = value === false;
    const ruleLevel: Level = failed ? rule.severity : 'unknown';
    const explanation = explainUnmet(rule.compiled, scope);
    verdicts.push(verdictOf(rule, failed ? 'fail' : 'unknown', explanation));
    failures.push({ severity: SEVERITY[ruleLevel], text: `${rule.name}: ${explanation}` });
    if (SEVERITY[ruleLevel] > SEVERITY[level]) level = ruleLevel;
  }
  failures.sort((a, b) => b.severity - a.severity);
  return {
    level,
    verdicts,
    events,
    messages: failures.map((f) => f.text),
    recorded: recordValues(set, scope),
  };
}

function verdictOf(rule: CompiledRule, verdict: Verdict, explanation?: string): RuleVerdict {
  const out: RuleVerdict = { rule: rule.name, kind: rule.kind, severity: rule.severity, verdict };
  if (explanation !== undefined) out.explanation = explanation;
  return out;
}

function recordValues(set: RuleSet, scope: Scope): Record<string, Value> {
  const recorded: Record<string, Value> = {};
  for (const [key, compiled] of set.keys) {
    const value = compiled.evaluate(scope);
    if (!isUnknown(value)) recorded[key] = recordedForm(value);
  }
  return recorded;
}
