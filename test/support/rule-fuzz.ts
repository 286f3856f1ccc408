/**
 * Random watch rules for the fuzzers (test/watch/rules-fuzz.test.ts, bench/watch/fuzz.ts): a mix of
 * near-grammatical rules (tokens of the language in random order and nesting) and raw noise, run
 * against a hostile answer. Each input must end in a RuleError at load or a verdict: never another
 * exception, a crash or a hang.
 */
import { lazyAnswer } from '../../src/watch/rules/answer.js';
import { OPERATORS } from '../../src/watch/rules/lexer.js';
import { RuleError } from '../../src/watch/rules/parse.js';
import { compileRules, judgeRules } from '../../src/watch/rules/rule-set.js';
import { seededRandom } from './seeded-random.js';

const TOKENS = [
  ...OPERATORS,
  'body',
  'status',
  'time',
  'size',
  'headers',
  'cert',
  'fields',
  'word',
  'level',
  'message',
  'it',
  '.a',
  '.b',
  '.list',
  '.deep',
  '[0]',
  '[-1]',
  '["a"]',
  'in',
  'not',
  'and',
  'or',
  '1',
  '0',
  '-0',
  '0.1',
  '1e-14',
  '1e308',
  '9007199254740993',
  '300ms',
  '2s',
  '10KB',
  '"x"',
  "'y'",
  '""',
  '"\\u0041"',
  'true',
  'false',
  'null',
  '[1, 2]',
  '[]',
  'len(',
  'has(',
  'any(',
  'all(',
  'changed(',
  'becomes(',
  'number(',
  'lower(',
  'nope(',
  '/a/',
  '/(a+)+/',
  '/[a-z]+/i',
  '/x',
  '"unterminated',
  '\\',
  '$',
  '#',
  '@',
  '\u0000',
  '\u202e',
  '😀',
];

const ANSWER = {
  a: 0.1,
  b: 'text',
  list: [1, 'two', null, { a: 3 }, [4]],
  deep: JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`),
  __proto__: { polluted: true },
  constructor: 'not a function',
  big: 1e308,
  neg: -0,
  nothing: null,
};

const PATHS = [
  'body.a',
  'body.b',
  'body.list',
  'body.list[3].a',
  'body.deep.a.a',
  'body.nothing',
  'body.missing',
  'body.big',
  'headers["content-type"]',
  'cert.daysLeft',
  'status',
  'body["__proto__"]',
  'body.constructor',
];
const VALUES = [
  '0.1',
  '0.2 + 0.1',
  '1e-14',
  '-1e308',
  '"text"',
  'null',
  'true',
  '[1, "two"]',
  '300ms',
  'len(body.list)',
];
const COMPARE = ['==', '!=', '<', '<=', '>', '>=', 'in', 'not in'];

/** A rule following the grammar (still often ill-typed): the evaluator gets exercised too. */
function grammatical(random: () => number, depth: number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length) % items.length];
  const roll = random();
  if (depth > 4 || roll < 0.45) return `${pick(PATHS)} ${pick(COMPARE)} ${pick([...VALUES, ...PATHS])}`;
  if (roll < 0.6) return `${pick(['not ', '!'])}(${grammatical(random, depth + 1)})`;
  if (roll < 0.8)
    return `(${grammatical(random, depth + 1)}) ${pick(['and', 'or'])} ${grammatical(random, depth + 1)}`;
  if (roll < 0.87) return `${pick(['any', 'all'])}(${pick(PATHS)}, it ${pick(COMPARE)} ${pick(VALUES)})`;
  if (roll < 0.92) return `${pick(['has', 'changed'])}(${pick(PATHS)})`;
  if (roll < 0.96) return `becomes(${pick(PATHS)}, ${pick(VALUES)})`;
  return `${pick(PATHS)} ${pick(['=~', '!~'])} ${pick(['/a/', '/^t.x/i', '"[0-9]"'])}`;
}

export function randomRule(random: () => number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length) % items.length];
  if (random() < 0.5) {
    const rule = grammatical(random, 0);
    // Sometimes one character is cut out, to land errors inside rules that were almost right.
    if (random() < 0.3) {
      const at = Math.floor(random() * rule.length);
      return rule.slice(0, at) + rule.slice(at + 1);
    }
    return rule;
  }
  if (random() < 0.15) {
    // Raw noise: any characters, printable or not.
    const length = Math.floor(random() * 40);
    return Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 0x2ff))).join('');
  }
  const length = 1 + Math.floor(random() * 24);
  const parts: string[] = [];
  for (let i = 0; i < length; i++) parts.push(pick(TOKENS));
  if (random() < 0.05) parts.unshift('('.repeat(Math.floor(random() * 120)));
  return parts.join(random() < 0.7 ? ' ' : '');
}

export interface FuzzResult {
  inputs: number;
  refused: number;
  verdicts: Record<'pass' | 'fail' | 'unknown', number>;
  /** Inputs that threw something else than a RuleError: must stay empty. */
  crashes: { input: string; error: string }[];
  slowestMs: number;
}

export function fuzzRules(seed: number, count: number): FuzzResult {
  const random = seededRandom(seed);
  const answer = lazyAnswer(JSON.stringify(ANSWER), {
    status: 200,
    time: 12,
    size: 100,
    headers: { 'content-type': 'application/json' },
    cert: { daysLeft: 3 },
  });
  const previous = new Map<string, unknown>([['body.a', 0.2]]);
  const result: FuzzResult = {
    inputs: 0,
    refused: 0,
    verdicts: { pass: 0, fail: 0, unknown: 0 },
    crashes: [],
    slowestMs: 0,
  };
  for (let i = 0; i < count; i++) {
    const input = randomRule(random);
    result.inputs++;
    const started = performance.now();
    try {
      const set = compileRules([{ name: 'fuzz', when: input }]);
      const outcome = judgeRules(set, answer, previous);
      const verdict = outcome.verdicts[0].verdict;
      result.verdicts[verdict]++;
      if (verdict !== 'pass' && typeof outcome.verdicts[0].explanation !== 'string') {
        result.crashes.push({ input, error: 'a failed rule without an explanation' });
      }
    } catch (error) {
      if (error instanceof RuleError && error.column >= 1) result.refused++;
      else result.crashes.push({ input, error: String(error) });
    }
    result.slowestMs = Math.max(result.slowestMs, performance.now() - started);
  }
  return result;
}
