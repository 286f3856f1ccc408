/**
 * Why a rule did not hold (or why an event rule fired), in words for the log, the hooks, the
 * history and `--serve`: `body.ratio = 0.0712, expected < 0.05`. Only a failing rule is
 * explained, so this re-reads the operands through the compiled tree instead of slowing down
 * every evaluation.
 */
import { type Compiled, itemsOf, type Scope } from './compile.js';
import { type ComparisonOperator, isLiteral, type NodeOf, print } from './syntax.js';
import { isObject, isUnknown, show, typeName, type Value } from './values.js';

/** Why the condition is not true (it is false or unknown). */
export function explainUnmet(compiled: Compiled, scope: Scope): string {
  return join(reasons(compiled, scope, true));
}

/** Why the condition is true: what an event rule (`changed()`, `becomes()`) saw. */
export function explainMet(compiled: Compiled, scope: Scope): string {
  return join(reasons(compiled, scope, false));
}

function join(parts: string[]): string {
  return [...new Set(parts)].join('; ');
}

/** Reasons `compiled` is not `wanted`. */
function reasons(compiled: Compiled, scope: Scope, wanted: boolean): string[] {
  const value = compiled.evaluate(scope);
  if (value === wanted) return [];
  if (isUnknown(value)) return unknownReasons(compiled, scope);
  const { node } = compiled;
  const text = print(node);
  if (typeof value !== 'boolean') return [`${text} = ${show(value, compiled.unit)}, expected true or false`];
  switch (node.kind) {
    case 'logical':
      // The operands that went the other way decide it (both, when both had to).
      return compiled.children.flatMap((child) =>
        child.evaluate(scope) === !wanted ? reasons(child, scope, wanted) : [],
      );
    case 'not':
      return reasons(compiled.children[0], scope, !wanted);
    case 'compare':
      return [comparison(compiled, node, scope, wanted)];
    case 'in':
      return [membership(compiled, node, scope, wanted)];
    case 'match': {
      const [left] = compiled.children;
      const positive = node.negated !== wanted;
      return [`${subject(left, scope)}, expected ${positive ? '' : 'not '}to match ${node.source}`];
    }
    case 'call':
      return callReasons(compiled, node, scope, wanted);
    default:
      return [`${text} = ${show(value)}, expected ${wanted}`];
  }
}

/** A condition is unknown when something it reads is missing, or of a type it cannot use. */
function unknownReasons(compiled: Compiled, scope: Scope): string[] {
  const { node } = compiled;
  const value = compiled.evaluate(scope);
  if (!isUnknown(value)) return [];
  if (node.kind === 'name' || node.kind === 'member' || node.kind === 'index')
    return [missing(compiled, scope)];
  const fromChildren = compiled.children.flatMap((child) =>
    isUnknown(child.evaluate(scope)) ? unknownReasons(child, scope) : [],
  );
  if (fromChildren.length > 0) return fromChildren;
  const first = compiled.children[0];
  const shown = (child: Compiled) =>
    `${print(child.node)} = ${show(child.evaluate(scope))} (${typeName(child.evaluate(scope))})`;
  switch (node.kind) {
    case 'arithmetic':
    case 'negate':
      return compiled.children
        .filter((child) => typeof child.evaluate(scope) !== 'number')
        .map((child) => `${shown(child)}, expected a number`);
    case 'not':
    case 'logical':
      return compiled.children
        .filter((child) => typeof child.evaluate(scope) !== 'boolean')
        .map((child) => `${print(child.node)} = ${show(child.evaluate(scope))}, expected true or false`);
    case 'call':
      if (node.name === 'any' || node.name === 'all') {
        if (itemsOf(first.evaluate(scope)) === undefined)
          return [`${shown(first)}, expected a list or an object`];
        return predicateUnknown(compiled, scope);
      }
      if (node.name === 'number') return [`${shown(first)}, expected a number or numeric text`];
      if (node.name === 'lower') return [`${shown(first)}, expected a string`];
      return [`${shown(first)}, expected a string, a list or an object`];
    default:
      return [`${print(node)} is unknown`];
  }
}

/**
 * `body.a.b is missing`, saying where the path broke when it is not at its last step
 * (`body.a.b is missing (body has no "a")`), or what it ran into (`body.text is a string`).
 */
function missing(compiled: Compiled, scope: Scope): string {
  const text = print(compiled.node);
  const broke = breakOf(compiled, scope);
  if (broke.node.kind === 'name')
    return broke.node.name === 'body' ? 'body is missing (the answer is not JSON)' : `${text} is missing`;
  const container = broke.children[0];
  const value = container.evaluate(scope);
  if (!isObject(value) && !Array.isArray(value))
    return `${text} is missing (${print(container.node)} is ${typeName(value)})`;
  if (broke === compiled) return `${text} is missing`;
  const step =
    broke.node.kind === 'member'
      ? JSON.stringify(broke.node.key)
      : print(broke.node.kind === 'index' ? broke.node.index : broke.node);
  return `${text} is missing (${print(container.node)} has no ${step})`;
}

/** The first step of a path that is unknown: its container is known, or it is the root. */
function breakOf(compiled: Compiled, scope: Scope): Compiled {
  const { node } = compiled;
  if (node.kind !== 'member' && node.kind !== 'index') return compiled;
  const container = compiled.children[0];
  return isUnknown(container.evaluate(scope)) ? breakOf(container, scope) : compiled;
}

function predicateUnknown(compiled: Compiled, scope: Scope): string[] {
  const [list, predicate] = compiled.children;
  const items = itemsOf(list.evaluate(scope)) ?? [];
  const keys = itemKeys(list.evaluate(scope));
  for (const [i, item] of items.entries()) {
    const inner = { ...scope, it: item };
    if (isUnknown(predicate.evaluate(inner))) {
      return unknownReasons(predicate, inner).map((reason) => `${print(list.node)}${keys[i]}: ${reason}`);
    }
  }
  return [];
}

const MIRROR: Record<ComparisonOperator, ComparisonOperator> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

const OPPOSITE: Record<ComparisonOperator, ComparisonOperator> = {
  '==': '!=',
  '!=': '==',
  '<': '>=',
  '<=': '>',
  '>': '<=',
  '>=': '<',
};

/** `body.ratio = 0.0712, expected < 0.05`: the value read first, the literal as the expectation. */
function comparison(compiled: Compiled, node: NodeOf<'compare'>, scope: Scope, wanted: boolean): string {
  let [left, right] = compiled.children;
  let operator = node.operator;
  if (isLiteral(left.node) && !isLiteral(right.node)) {
    [left, right] = [right, left];
    operator = MIRROR[operator];
  }
  const expected = wanted ? operator : OPPOSITE[operator];
  const a = left.evaluate(scope);
  const b = right.evaluate(scope);
  const ordered = operator !== '==' && operator !== '!=';
  const mismatch = ordered && a !== null && typeof a !== typeof b ? ` (${typeName(a)})` : '';
  return `${subject(left, scope, right.unit)}${mismatch}, expected ${expected} ${operand(right, scope, left.unit)}`;
}

function membership(compiled: Compiled, node: NodeOf<'in'>, scope: Scope, wanted: boolean): string {
  const [left, right] = compiled.children;
  const positive = node.negated !== wanted;
  if (node.right.kind === 'list') {
    return `${subject(left, scope)}, expected ${positive ? 'one' : 'none'} of ${print(node.right)}`;
  }
  return `${subject(left, scope)}, expected ${positive ? '' : 'not '}in ${operand(right, scope)}`;
}

function callReasons(compiled: Compiled, node: NodeOf<'call'>, scope: Scope, wanted: boolean): string[] {
  const [first, second] = compiled.children;
  const firstText = print(first.node);
  switch (node.name) {
    case 'has':
      return wanted
        ? [`${firstText} is missing`]
        : [`${firstText} is present (${show(first.evaluate(scope))})`];
    case 'any':
    case 'all':
      return quantifierReasons(node.name, first, second, scope, wanted);
    case 'changed': {
      const before = scope.previous?.get(first.key ?? firstText);
      const now = first.evaluate(scope);
      if (!wanted) return [`${firstText} changed from ${show(before)} to ${show(now)}`];
      return before === undefined
        ? [`${firstText} had no earlier value`]
        : [`${firstText} is still ${show(now)}`];
    }
    case 'becomes': {
      const before = scope.previous?.get(first.key ?? firstText);
      const now = first.evaluate(scope);
      if (!wanted) return [`${firstText} became ${show(now)} (was ${show(before)})`];
      return [`${firstText} = ${show(now)}, not becoming ${operand(second, scope)}`];
    }
    default:
      return [`${print(node)} = ${show(compiled.evaluate(scope))}, expected ${wanted}`];
  }
}

function quantifierReasons(
  kind: 'any' | 'all',
  list: Compiled,
  predicate: Compiled,
  scope: Scope,
  wanted: boolean,
): string[] {
  const container = list.evaluate(scope);
  const items = itemsOf(container) ?? [];
  const keys = itemKeys(container);
  const listText = print(list.node);
  const predicateText = print(predicate.node);
  // any() false / all() true: no single item to point at.
  if ((kind === 'any') === wanted) {
    return kind === 'any'
      ? [`no item of ${listText} (${items.length}) has ${predicateText}`]
      : [`every item of ${listText} (${items.length}) has ${predicateText}`];
  }
  // The first item that decided it: the one that matched (any) or failed (all).
  const decisive = kind === 'any';
  for (const [i, item] of items.entries()) {
    const inner = { ...scope, it: item };
    if (predicate.evaluate(inner) !== decisive) continue;
    const why = reasons(predicate, inner, !decisive);
    return [`${listText}${keys[i]} = ${show(item)}${why.length > 0 ? `: ${why.join('; ')}` : ''}`];
  }
  return [];
}

/** `[0]`, `.storage`, `["a b"]`: how each item of a list or object is addressed. */
function itemKeys(container: Value): string[] {
  if (Array.isArray(container)) return container.map((_, i) => `[${i}]`);
  if (isObject(container)) {
    return Object.keys(container).map((key) =>
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`,
    );
  }
  return [];
}

/** `body.ratio = 0.0712`. */
function subject(compiled: Compiled, scope: Scope, unit = compiled.unit): string {
  return `${print(compiled.node)} = ${show(compiled.evaluate(scope), compiled.unit ?? unit)}`;
}

/** A literal as written; anything else with its value: `body.limit (100)`. */
function operand(compiled: Compiled, scope: Scope, unit = compiled.unit): string {
  if (isLiteral(compiled.node)) return print(compiled.node);
  return `${print(compiled.node)} (${show(compiled.evaluate(scope), compiled.unit ?? unit)})`;
}
