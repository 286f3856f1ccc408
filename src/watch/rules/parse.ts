/**
 * The rule parser: hand-written recursive descent over the lexer's tokens, one function per
 * precedence level (no library fits a language this small with errors this precise). An error
 * names the rule, the column and what was expected there:
 * `rule "errors", column 31: expected a value, found ")"`.
 *
 *   condition  := and ( ('or' | '||') and )*
 *   and        := not ( ('and' | '&&') not )*
 *   not        := ('not' | '!') not | comparison
 *   comparison := sum [ ('==' | '!=' | '<' | '<=' | '>' | '>=') sum
 *                     | ['not'] 'in' sum | ('=~' | '!~') (regex | string) ]
 *   sum        := product ( ('+' | '-') product )*
 *   product    := unary ( ('*' | '/' | '%') unary )*
 *   unary      := '-' unary | postfix
 *   postfix    := primary ( '.' name | '[' condition ']' )*
 *   primary    := number[unit] | string | true | false | null | name | name '(' args ')'
 *               | '(' condition ')' | '[' items ']'
 */
import { LexError, Lexer, type Token } from './lexer.js';
import type { ComparisonOperator, Node } from './syntax.js';

/** Deeper nesting than this is refused rather than risking the stack on hostile input. */
export const MAX_DEPTH = 64;
/** Longer rules are refused: no sane condition needs more. */
export const MAX_LENGTH = 4096;

export class RuleError extends Error {
  override name = 'RuleError';

  constructor(
    readonly rule: string,
    readonly column: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`rule "${rule}", column ${column}: expected ${expected}, found ${found}`);
  }
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null']);

/** Parses one rule's text; `rule` is its name, for the error. */
export function parseRule(text: string, rule: string): Node {
  if (text.length > MAX_LENGTH) {
    throw new RuleError(rule, MAX_LENGTH + 1, `at most ${MAX_LENGTH} characters`, `${text.length}`);
  }
  try {
    return new Parser(text).rule();
  } catch (error) {
    if (error instanceof LexError) throw new RuleError(rule, error.column, error.expected, error.found);
    throw error;
  }
}

class Parser {
  private readonly lexer: Lexer;
  private depth = 0;

  constructor(text: string) {
    this.lexer = new Lexer(text);
  }

  rule(): Node {
    if (this.lexer.peek().kind === 'end') this.fail('a condition');
    const node = this.condition();
    const rest = this.lexer.peek();
    if (rest.kind !== 'end') this.fail('an operator (and, or, ==, <, …) or the end', rest);
    return node;
  }

  private condition(): Node {
    return this.nested(() => {
      let left = this.and();
      for (
        let token = this.lexer.peek();
        isWord(token, 'or') || isOperator(token, '||');
        token = this.lexer.peek()
      ) {
        this.lexer.next();
        left = { kind: 'logical', operator: 'or', left, right: this.and(), column: token.column };
      }
      return left;
    });
  }

  private and(): Node {
    let left = this.not();
    for (
      let token = this.lexer.peek();
      isWord(token, 'and') || isOperator(token, '&&');
      token = this.lexer.peek()
    ) {
      this.lexer.next();
      left = { kind: 'logical', operator: 'and', left, right: this.not(), column: token.column };
    }
    return left;
  }

  private not(): Node {
    const token = this.lexer.peek();
    if (isWord(token, 'not') || isOperator(token, '!')) {
      this.lexer.next();
      return this.nested(() => ({ kind: 'not', operand: this.not(), column: token.column }));
    }
    return this.comparison();
  }

  private comparison(): Node {
    const left = this.sum();
    const token = this.lexer.peek();
    if (token.kind === 'operator' && COMPARISONS.has(token.text)) {
      this.lexer.next();
      const operator = token.text as ComparisonOperator;
      return this.noChain({ kind: 'compare', operator, left, right: this.sum(), column: token.column });
    }
    if (isWord(token, 'in')) {
      this.lexer.next();
      return this.noChain({ kind: 'in', left, right: this.sum(), negated: false, column: token.column });
    }
    if (isWord(token, 'not')) {
      // `x not in [...]`; a `not` anywhere else here is a mistake.
      this.lexer.next();
      const inWord = this.lexer.next();
      if (!isWord(inWord, 'in')) this.fail('"in" after "not"', inWord);
      return this.noChain({ kind: 'in', left, right: this.sum(), negated: true, column: token.column });
    }
    if (isOperator(token, '=~') || isOperator(token, '!~')) {
      this.lexer.next();
      return this.noChain(this.match(left, token));
    }
    return left;
  }

  /** `a < b < c` means nothing useful: say so rather than compare a boolean. */
  private noChain(node: Node): Node {
    const token = this.lexer.peek();
    const again =
      (token.kind === 'operator' &&
        (COMPARISONS.has(token.text) || token.text === '=~' || token.text === '!~')) ||
      isWord(token, 'in');
    if (again) this.fail('and, or, ) or the end (comparisons do not chain)', token);
    return node;
  }

  private match(left: Node, operator: Token): Node {
    const negated = operator.text === '!~';
    const next = this.lexer.peek();
    if (next.kind === 'string') {
      // A pattern in quotes: the same as /…/ without flags.
      this.lexer.next();
      const pattern = this.patternOf(next);
      return {
        kind: 'match',
        left,
        pattern,
        source: JSON.stringify(next.text),
        negated,
        column: operator.column,
      };
    }
    const regex = this.lexer.regex();
    return {
      kind: 'match',
      left,
      pattern: regex.pattern!,
      source: regex.text,
      negated,
      column: operator.column,
    };
  }

  private patternOf(token: Token): RegExp {
    try {
      return new RegExp(token.text);
    } catch (error) {
      throw new LexError(
        token.column,
        'a valid regular expression',
        `${JSON.stringify(token.text)} (${(error as Error).message})`,
      );
    }
  }

  private sum(): Node {
    let left = this.product();
    for (
      let token = this.lexer.peek();
      isOperator(token, '+') || isOperator(token, '-');
      token = this.lexer.peek()
    ) {
      this.lexer.next();
      left = {
        kind: 'arithmetic',
        operator: token.text as '+' | '-',
        left,
        right: this.product(),
        column: token.column,
      };
    }
    return left;
  }

  private product(): Node {
    let left = this.unary();
    for (
      let token = this.lexer.peek();
      isOperator(token, '*') || isOperator(token, '/') || isOperator(token, '%');
      token = this.lexer.peek()
    ) {
      this.lexer.next();
      left = {
        kind: 'arithmetic',
        operator: token.text as '*' | '/' | '%',
        left,
        right: this.unary(),
        column: token.column,
      };
    }
    return left;
  }

  private unary(): Node {
    const token = this.lexer.peek();
    if (isOperator(token, '-')) {
      this.lexer.next();
      return this.nested(() => ({ kind: 'negate', operand: this.unary(), column: token.column }));
    }
    return this.postfix();
  }

  private postfix(): Node {
    let node = this.primary();
    for (;;) {
      const token = this.lexer.peek();
      if (isOperator(token, '.')) {
        this.lexer.next();
        const key = this.lexer.next();
        if (key.kind !== 'name') this.fail('a field name after "."', key);
        node = { kind: 'member', object: node, key: key.text, column: node.column };
      } else if (isOperator(token, '[')) {
        this.lexer.next();
        const index = this.condition();
        this.expect(']', 'a closing ]');
        node = { kind: 'index', object: node, index, column: node.column };
      } else return node;
    }
  }

  private primary(): Node {
    const token = this.lexer.next();
    const { column } = token;
    if (token.kind === 'number')
      return { kind: 'number', value: token.value!, unit: token.unit, text: token.text, column };
    if (token.kind === 'string') return { kind: 'string', value: token.text, column };
    if (token.kind === 'name') {
      if (token.text === 'true' || token.text === 'false')
        return { kind: 'boolean', value: token.text === 'true', column };
      if (token.text === 'null') return { kind: 'null', column };
      if (KEYWORDS.has(token.text)) this.fail('a value', token);
      if (isOperator(this.lexer.peek(), '(')) {
        this.lexer.next();
        const args = this.items(')');
        return { kind: 'call', name: token.text, args, column };
      }
      return { kind: 'name', name: token.text, column };
    }
    if (isOperator(token, '(')) {
      const inner = this.condition();
      this.expect(')', 'a closing )');
      return inner;
    }
    if (isOperator(token, '[')) return this.nested(() => ({ kind: 'list', items: this.items(']'), column }));
    return this.fail('a value', token);
  }

  /** Comma-separated conditions up to `close` (which is consumed). */
  private items(close: ')' | ']'): Node[] {
    const items: Node[] = [];
    if (isOperator(this.lexer.peek(), close)) {
      this.lexer.next();
      return items;
    }
    for (;;) {
      items.push(this.condition());
      const token = this.lexer.next();
      if (isOperator(token, close)) return items;
      if (!isOperator(token, ',')) this.fail(`"," or "${close}"`, token);
    }
  }

  private expect(operator: string, what: string): void {
    const token = this.lexer.next();
    if (!isOperator(token, operator)) this.fail(what, token);
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(`at most ${MAX_DEPTH} levels of nesting`, this.lexer.peek());
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private fail(expected: string, token: Token = this.lexer.peek()): never {
    throw new LexError(token.column, expected, describeToken(token));
  }
}

function isWord(token: Token, word: string): boolean {
  return token.kind === 'name' && token.text === word;
}

function isOperator(token: Token, operator: string): boolean {
  return token.kind === 'operator' && token.text === operator;
}

function describeToken(token: Token): string {
  if (token.kind === 'end') return 'the end';
  if (token.kind === 'string') return `the string ${JSON.stringify(token.text.slice(0, 40))}`;
  return JSON.stringify(token.text.slice(0, 40));
}
