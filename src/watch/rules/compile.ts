/**
 * Turns a rule's syntax tree into closures, once per config load, checking what can be checked
 * before any answer arrives: names and functions exist, operands have types that can meet
 * (`time < 300` needs a unit, `"a" + 1` means nothing), `it` is used only inside `any()` / `all()`.
 *
 * Each compiled node keeps its children, so an explanation can re-read the operands of a failed
 * rule (explain.ts); the evaluation itself computes values only.
 */
import { ANSWER_NAMES, answerValue, isAnswerName, type StaticType } from './answer.js';
import { RuleError } from './parse.js';
import { type ComparisonOperator, type Node, type NodeOf, print, type Unit } from './syntax.js';
import { isObject, isUnknown, recordedForm, sameValue, UNKNOWN, type Value } from './values.js';

export interface Scope {
  answer: import('./answer.js').Answer;
  /** The last known value of each recorded key (for `changed()` / `becomes()`). */
  previous?: ReadonlyMap<string, Value>;
  /** Replaying a stored sample: paths are read from what was recorded. */
  recorded?: ReadonlyMap<string, Value>;
  /** The item `any()` / `all()` is looking at. */
  it?: Value;
}

export interface Compiled {
  node: Node;
  type: StaticType;
  unit?: Unit;
  children: Compiled[];
  /** Paths and the arguments of `changed()` / `becomes()`: the text their values are recorded under. */
  key?: string;
  evaluate(scope: Scope): Value;
}

interface Context {
  rule: string;
  /** Inside the predicate of `any()` / `all()`, where `it` is defined. */
  predicate: boolean;
}

const FUNCTIONS: Record<string, { arity: number; type: StaticType }> = {
  len: { arity: 1, type: 'number' },
  has: { arity: 1, type: 'boolean' },
  any: { arity: 2, type: 'boolean' },
  all: { arity: 2, type: 'boolean' },
  changed: { arity: 1, type: 'boolean' },
  becomes: { arity: 2, type: 'boolean' },
  number: { arity: 1, type: 'number' },
  lower: { arity: 1, type: 'string' },
};

/** A rule's tree as closures; the whole rule must be a condition. */
export function compileCondition(node: Node, rule: string): Compiled {
  const compiled = compile(node, { rule, predicate: false });
  expectCondition(compiled, rule);
  return compiled;
}

function compile(node: Node, context: Context): Compiled {
  switch (node.kind) {
    case 'number':
      return constant(node, node.value, 'number', node.unit);
    case 'string':
      return constant(node, node.value, 'string');
    case 'boolean':
      return constant(node, node.value, 'boolean');
    case 'null':
      return constant(node, null, 'null');
    case 'list':
      return list(node, context);
    case 'name':
      return name(node, context);
    case 'member':
      return member(node, context);
    case 'index':
      return index(node, context);
    case 'call':
      return call(node, context);
    case 'negate':
      return negate(node, context);
    case 'not':
      return not(node, context);
    case 'arithmetic':
      return arithmetic(node, context);
    case 'compare':
      return compare(node, context);
    case 'in':
      return membership(node, context);
    case 'match':
      return match(node, context);
    case 'logical':
      return logical(node, context);
  }
}

function constant(node: Node, value: Value, type: StaticType, unit?: Unit): Compiled {
  return { node, type, unit, children: [], evaluate: () => value };
}

function list(node: NodeOf<'list'>, context: Context): Compiled {
  const items = node.items.map((item) => compile(item, context));
  return {
    node,
    type: 'list',
    children: items,
    evaluate: (scope) => {
      const values = items.map((item) => item.evaluate(scope));
      return values.some(isUnknown) ? UNKNOWN : values;
    },
  };
}

function name(node: NodeOf<'name'>, context: Context): Compiled {
  if (node.name === 'it') {
    if (!context.predicate)
      fail(context, node, 'a name of the answer ("it" is defined only inside any() and all())', '"it"');
    return {
      node,
      type: 'any',
      children: [],
      evaluate: (scope) => (scope.it === undefined ? UNKNOWN : scope.it),
    };
  }
  if (!isAnswerName(node.name)) {
    const names = Object.keys(ANSWER_NAMES).join(', ');
    fail(context, node, `one of ${names} (or a function call)`, JSON.stringify(node.name));
  }
  const answerName = node.name;
  const { type, unit } = ANSWER_NAMES[answerName];
  const key = answerName;
  return {
    node,
    type,
    unit,
    key,
    children: [],
    evaluate: (scope) => {
      if (scope.recorded) {
        const recorded = scope.recorded.get(key);
        if (recorded !== undefined) return recorded;
      }
      return answerValue(scope.answer, answerName);
    },
  };
}

/** `a.b`: a member of an object; anything else (a missing key, a list, a number) is unknown. */
function member(node: NodeOf<'member'>, context: Context): Compiled {
  const object = compile(node.object, context);
  // Header names are case-insensitive: they are stored in lower case.
  const key = isHeaders(node.object) ? node.key.toLowerCase() : node.key;
  return path(node, [object], chainWalk(node, object) ?? ((scope) => memberOf(object.evaluate(scope), key)));
}

/** `a[0]`, `a[-1]` (from the end), `a["key"]`. */
function index(node: NodeOf<'index'>, context: Context): Compiled {
  const object = compile(node.object, context);
  const at = compile(node.index, context);
  if (at.type !== 'any' && at.type !== 'number' && at.type !== 'string') {
    fail(context, node.index, 'a number or a string in [ ]', describeType(at));
  }
  const lower = isHeaders(node.object);
  return path(
    node,
    [object, at],
    chainWalk(node, object) ??
      ((scope) => {
        const key = at.evaluate(scope);
        return memberOf(object.evaluate(scope), lower && typeof key === 'string' ? key.toLowerCase() : key);
      }),
  );
}

/** The member `key` of a value: an object's own key, a list's position (negative from the end). */
function memberOf(value: Value, key: Value): Value {
  if (Array.isArray(value)) {
    if (typeof key !== 'number' || !Number.isInteger(key)) return UNKNOWN;
    const position = key < 0 ? value.length + key : key;
    return position >= 0 && position < value.length ? value[position] : UNKNOWN;
  }
  if (typeof key === 'string' && isObject(value) && Object.hasOwn(value, key)) return value[key];
  return UNKNOWN;
}

/**
 * A path whose steps are all constant (`body.a.b[0]`) walks in one closure from its root, instead
 * of one call per step: most rules are such paths, and this is their whole cost.
 */
function chainWalk(node: Node, object: Compiled): ((scope: Scope) => Value) | undefined {
  const keys: (string | number)[] = [];
  let current: Node = node;
  let rootCompiled: Compiled = object;
  for (;;) {
    if (current.kind === 'member')
      keys.unshift(isHeaders(current.object) ? current.key.toLowerCase() : current.key);
    else if (
      current.kind === 'index' &&
      (current.index.kind === 'number' || current.index.kind === 'string')
    ) {
      const key = current.index.value;
      keys.unshift(isHeaders(current.object) && typeof key === 'string' ? key.toLowerCase() : key);
    } else return undefined;
    const parent = current.object;
    if (parent.kind === 'name') break;
    if (parent.kind !== 'member' && parent.kind !== 'index') return undefined;
    current = parent;
    rootCompiled = rootCompiled.children[0];
  }
  const root = rootCompiled;
  return (scope) => {
    let value = root.evaluate(scope);
    for (let i = 0; i < keys.length && value !== UNKNOWN; i++) value = memberOf(value, keys[i]);
    return value;
  };
}

function isHeaders(node: Node): boolean {
  return node.kind === 'name' && node.name === 'headers';
}

/**
 * A path node. Rooted at a name of the answer, it has a key (its text): its value is recorded
 * with the sample, and a replay reads it back from there.
 */
function path(node: Node, children: Compiled[], walk: (scope: Scope) => Value): Compiled {
  const key = rootedAtAnswer(node) ? print(node) : undefined;
  const evaluate =
    key === undefined
      ? walk
      : (scope: Scope) => {
          if (scope.recorded) {
            const recorded = scope.recorded.get(key);
            if (recorded !== undefined) return recorded;
          }
          return walk(scope);
        };
  return { node, type: 'any', children, key, evaluate };
}

function rootedAtAnswer(node: Node): boolean {
  if (node.kind === 'name') return node.name !== 'it';
  if (node.kind === 'member') return rootedAtAnswer(node.object);
  if (node.kind === 'index')
    return rootedAtAnswer(node.object) && (node.index.kind === 'number' || node.index.kind === 'string');
  return false;
}

function call(node: NodeOf<'call'>, context: Context): Compiled {
  const spec = FUNCTIONS[node.name];
  if (!spec) {
    fail(context, node, `a function among ${Object.keys(FUNCTIONS).join(', ')}`, JSON.stringify(node.name));
  }
  if (node.args.length !== spec.arity) {
    const column = node.args[spec.arity]?.column ?? node.column;
    fail(
      context,
      { ...node, column },
      `${spec.arity} argument${spec.arity === 1 ? '' : 's'} to ${node.name}()`,
      `${node.args.length}`,
    );
  }
  const quantifier = node.name === 'any' || node.name === 'all';
  const args = node.args.map((arg, i) =>
    compile(arg, quantifier && i === 1 ? { ...context, predicate: true } : context),
  );
  const base = { node, type: spec.type, children: args };
  switch (node.name) {
    case 'len':
      return { ...base, evaluate: (scope) => length(args[0].evaluate(scope)) };
    case 'has':
      if (args[0].key === undefined && node.args[0].kind !== 'member' && node.args[0].kind !== 'index') {
        fail(context, node.args[0], 'a path like body.a.b in has()', JSON.stringify(print(node.args[0])));
      }
      return { ...base, evaluate: (scope) => !isUnknown(args[0].evaluate(scope)) };
    case 'any':
    case 'all':
      expectCondition(args[1], context.rule);
      return { ...base, evaluate: quantify(node.name, args[0], args[1]) };
    case 'changed':
    case 'becomes':
      return valueChange(node, base, args);
    case 'number':
      return { ...base, evaluate: (scope) => toNumber(args[0].evaluate(scope)) };
    default:
      return {
        ...base,
        evaluate: (scope) => {
          const value = args[0].evaluate(scope);
          return typeof value === 'string' ? value.toLowerCase() : UNKNOWN;
        },
      };
  }
}

function length(value: Value): Value {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (isObject(value)) return Object.keys(value).length;
  return UNKNOWN;
}

/** `"0.07"` -> 0.07 for APIs that send numbers as strings (seed 000's `crashCount`). */
function toNumber(value: Value): Value {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    return Number.isNaN(number) ? UNKNOWN : number;
  }
  return UNKNOWN;
}

/** The items of a list, or the values of an object (seed 002's `components` map). */
export function itemsOf(value: Value): Value[] | undefined {
  if (Array.isArray(value)) return value;
  if (isObject(value)) return Object.values(value);
  return undefined;
}

/** Kleene's or (`any`) / and (`all`) of the predicate over the items. */
function quantify(kind: 'any' | 'all', list: Compiled, predicate: Compiled) {
  const decisive = kind === 'any';
  return (scope: Scope): Value => {
    const items = itemsOf(list.evaluate(scope));
    if (items === undefined) return UNKNOWN;
    let unknown = false;
    for (const item of items) {
      const verdict = predicate.evaluate({ ...scope, it: item });
      if (verdict === decisive) return decisive;
      if (verdict !== !decisive) unknown = true;
    }
    return unknown ? UNKNOWN : !decisive;
  };
}

/**
 * `changed(x)`: x is known now and was known before with another value. `becomes(x, v)`: x is v
 * now and was known before as something else. A first observation changes nothing, and a value
 * that went missing in between (an unreachable target) is compared with its last known value.
 * Earlier values are in their recorded form (large ones as a digest), so the value now is too.
 */
function valueChange(node: NodeOf<'call'>, base: Omit<Compiled, 'evaluate'>, args: Compiled[]): Compiled {
  const [watched, wanted] = args;
  const key = print(node.args[0]);
  const tracked: Compiled = { ...watched, key };
  const children = [tracked, ...args.slice(1)];
  if (node.name === 'changed') {
    return {
      ...base,
      children,
      evaluate: (scope) => {
        const now = watched.evaluate(scope);
        const before = scope.previous?.get(key);
        return !isUnknown(now) && before !== undefined && !sameValue(recordedForm(now), before);
      },
    };
  }
  return {
    ...base,
    children,
    evaluate: (scope) => {
      const now = watched.evaluate(scope);
      const target = wanted.evaluate(scope);
      const before = scope.previous?.get(key);
      return (
        !isUnknown(now) &&
        sameValue(now, target) &&
        before !== undefined &&
        !sameValue(before, recordedForm(target))
      );
    },
  };
}

function negate(node: NodeOf<'negate'>, context: Context): Compiled {
  const operand = compile(node.operand, context);
  expectNumeric(operand, context);
  return {
    node,
    type: 'number',
    unit: operand.unit,
    children: [operand],
    evaluate: (scope) => {
      const value = operand.evaluate(scope);
      return typeof value === 'number' ? -value : UNKNOWN;
    },
  };
}

function not(node: NodeOf<'not'>, context: Context): Compiled {
  const operand = compile(node.operand, context);
  expectCondition(operand, context.rule);
  return {
    node,
    type: 'boolean',
    children: [operand],
    evaluate: (scope) => {
      const value = operand.evaluate(scope);
      return typeof value === 'boolean' ? !value : UNKNOWN;
    },
  };
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};

function arithmetic(node: NodeOf<'arithmetic'>, context: Context): Compiled {
  const left = compile(node.left, context);
  const right = compile(node.right, context);
  expectNumeric(left, context);
  expectNumeric(right, context);
  const operate = ARITHMETIC[node.operator];
  return {
    node,
    type: 'number',
    unit: resultUnit(node, left, right, context),
    children: [left, right],
    evaluate: (scope) => {
      const a = left.evaluate(scope);
      const b = right.evaluate(scope);
      return typeof a === 'number' && typeof b === 'number' ? operate(a, b) : UNKNOWN;
    },
  };
}

/** Durations and sizes keep their unit through + - (same unit), * and / by a plain number. */
function resultUnit(
  node: NodeOf<'arithmetic'>,
  left: Compiled,
  right: Compiled,
  context: Context,
): Unit | undefined {
  const { operator } = node;
  if (operator === '+' || operator === '-' || operator === '%') {
    if (left.unit && right.unit && left.unit !== right.unit) {
      fail(
        context,
        node.right,
        `a ${left.unit === 'duration' ? 'duration' : 'size'} like the left side`,
        print(node.right),
      );
    }
    if (isBareNumber(left) && right.unit) fail(context, node.left, unitHint(right.unit), print(node.left));
    if (isBareNumber(right) && left.unit) fail(context, node.right, unitHint(left.unit), print(node.right));
    return left.unit ?? right.unit;
  }
  if (operator === '*') {
    if (left.unit && right.unit)
      fail(context, node.right, 'a plain number (a unit times a unit means nothing)', print(node.right));
    return left.unit ?? right.unit;
  }
  if (left.unit && right.unit)
    return left.unit === right.unit
      ? undefined
      : fail(context, node.right, `a ${left.unit === 'duration' ? 'duration' : 'size'}`, print(node.right));
  return left.unit;
}

const COMPARE: Record<ComparisonOperator, (a: number | string, b: number | string) => boolean> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function compare(node: NodeOf<'compare'>, context: Context): Compiled {
  const left = compile(node.left, context);
  const right = compile(node.right, context);
  checkComparable(node, left, right, context);
  const { operator } = node;
  const order = COMPARE[operator];
  const evaluate =
    operator === '==' || operator === '!='
      ? (scope: Scope): Value => {
          const a = left.evaluate(scope);
          const b = right.evaluate(scope);
          if (isUnknown(a) || isUnknown(b)) return UNKNOWN;
          return sameValue(a, b) === (operator === '==');
        }
      : (scope: Scope): Value => {
          const a = left.evaluate(scope);
          const b = right.evaluate(scope);
          if (isUnknown(a) || isUnknown(b)) return UNKNOWN;
          // Ordered only within one type: a string is not below a number, the comparison fails.
          if (typeof a === 'number' && typeof b === 'number') return order(a, b);
          if (typeof a === 'string' && typeof b === 'string') return order(a, b);
          return false;
        };
  return { node, type: 'boolean', children: [left, right], evaluate };
}

/** Types known before any answer must be able to meet; a duration wants its unit. */
function checkComparable(node: NodeOf<'compare'>, left: Compiled, right: Compiled, context: Context): void {
  for (const [side, other, otherNode] of [
    [left, right, node.right],
    [right, left, node.left],
  ] as const) {
    if (side.unit && isBareNumber(other))
      fail(
        context,
        otherNode,
        `${unitHint(side.unit)} (${print(side.node)} is a ${side.unit === 'duration' ? 'duration' : 'size'})`,
        print(otherNode),
      );
    if (side.unit && other.unit && side.unit !== other.unit)
      fail(context, otherNode, `a ${side.unit === 'duration' ? 'duration' : 'size'}`, print(otherNode));
  }
  const ordered = node.operator !== '==' && node.operator !== '!=';
  const known = (c: Compiled) => c.type !== 'any';
  if (
    known(left) &&
    known(right) &&
    left.type !== right.type &&
    left.type !== 'null' &&
    right.type !== 'null'
  ) {
    fail(
      context,
      node.right,
      `${article(left.type)} to compare with ${print(node.left)}`,
      `${print(node.right)} (${article(right.type)})`,
    );
  }
  if (ordered) {
    for (const side of [left, right]) {
      if (side.type === 'boolean' || side.type === 'null' || side.type === 'list') {
        fail(
          context,
          side.node,
          'a number or a string on either side of an ordering (<, <=, >, >=)',
          `${print(side.node)} (${article(side.type)})`,
        );
      }
    }
  }
}

function membership(node: NodeOf<'in'>, context: Context): Compiled {
  const left = compile(node.left, context);
  const right = compile(node.right, context);
  if (right.type !== 'any' && right.type !== 'list' && right.type !== 'string') {
    fail(
      context,
      node.right,
      'a list, a string or an object after "in"',
      `${print(node.right)} (${article(right.type)})`,
    );
  }
  return {
    node,
    type: 'boolean',
    children: [left, right],
    evaluate: (scope) => {
      const item = left.evaluate(scope);
      const container = right.evaluate(scope);
      if (isUnknown(item) || isUnknown(container)) return UNKNOWN;
      return contains(container, item) !== node.negated;
    },
  };
}

/** A list holds an equal item, a string the text, an object the key. */
export function contains(container: Value, item: Value): boolean {
  if (Array.isArray(container)) return container.some((candidate) => sameValue(candidate, item));
  if (typeof container === 'string') return typeof item === 'string' && container.includes(item);
  if (isObject(container)) return typeof item === 'string' && Object.hasOwn(container, item);
  return false;
}

function match(node: NodeOf<'match'>, context: Context): Compiled {
  const left = compile(node.left, context);
  const { pattern } = node;
  return {
    node,
    type: 'boolean',
    children: [left],
    evaluate: (scope) => {
      const value = left.evaluate(scope);
      if (isUnknown(value)) return UNKNOWN;
      const text =
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : undefined;
      // lastIndex stays 0: the flags allowed (i, m, s, u) are never stateful.
      return (text !== undefined && pattern.test(text)) !== node.negated;
    },
  };
}

function logical(node: NodeOf<'logical'>, context: Context): Compiled {
  const left = compile(node.left, context);
  const right = compile(node.right, context);
  expectCondition(left, context.rule);
  expectCondition(right, context.rule);
  const decisive = node.operator === 'or';
  return {
    node,
    type: 'boolean',
    children: [left, right],
    evaluate: (scope) => {
      const a = left.evaluate(scope);
      if (a === decisive) return decisive;
      const b = right.evaluate(scope);
      if (b === decisive) return decisive;
      return a === !decisive && b === !decisive ? !decisive : UNKNOWN;
    },
  };
}

function expectCondition(compiled: Compiled, rule: string): void {
  if (compiled.type === 'boolean' || compiled.type === 'any') return;
  const { node } = compiled;
  throw new RuleError(
    rule,
    node.column,
    'a condition (a comparison, and/or/not, has(), any(), …)',
    `${print(node)} (${article(compiled.type)})`,
  );
}

function expectNumeric(compiled: Compiled, context: Context): void {
  if (compiled.type === 'number' || compiled.type === 'any') return;
  fail(context, compiled.node, 'a number', `${print(compiled.node)} (${article(compiled.type)})`);
}

function isBareNumber(compiled: Compiled): boolean {
  return compiled.node.kind === 'number' && compiled.unit === undefined;
}

function unitHint(unit: Unit): string {
  return unit === 'duration'
    ? 'a duration with its unit, like 300ms or 2s'
    : 'a size with its unit, like 512B, 10KB or 1MiB';
}

function describeType(compiled: Compiled): string {
  return `${print(compiled.node)} (${article(compiled.type)})`;
}

function article(type: StaticType): string {
  const names: Record<StaticType, string> = {
    number: 'a number',
    string: 'a string',
    boolean: 'a boolean',
    null: 'null',
    list: 'a list',
    any: 'a value',
  };
  return names[type];
}

function fail(context: Context, node: Node, expected: string, found: string): never {
  throw new RuleError(context.rule, node.column, expected, found);
}
