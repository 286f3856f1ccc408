/**
 * Tokens of a watch rule, read on demand by the parser. A `/` starts a regular expression only
 * where the parser asks for one (after `=~` / `!~`), so division and regex literals never collide.
 * Every token carries its 1-based column, for errors that point at the place.
 */
import type { Unit } from './syntax.js';

export type TokenKind = 'number' | 'string' | 'name' | 'operator' | 'regex' | 'end';

export interface Token {
  kind: TokenKind;
  /** The text as written (for a string: the decoded value; for a regex: its source with slashes). */
  text: string;
  column: number;
  /** Numbers: the value, in ms for durations and bytes for sizes. */
  value?: number;
  unit?: Unit;
  /** Regular expressions: the compiled pattern. */
  pattern?: RegExp;
}

/** What was wrong at a column; the parser adds the rule's name. */
export class LexError extends Error {
  constructor(
    readonly column: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`expected ${expected}, found ${found}`);
  }
}

const UNITS: Record<string, { unit: Unit; factor: number }> = {
  ms: { unit: 'duration', factor: 1 },
  s: { unit: 'duration', factor: 1000 },
  m: { unit: 'duration', factor: 60_000 },
  h: { unit: 'duration', factor: 3_600_000 },
  d: { unit: 'duration', factor: 86_400_000 },
  B: { unit: 'bytes', factor: 1 },
  kB: { unit: 'bytes', factor: 1000 },
  KB: { unit: 'bytes', factor: 1000 },
  KiB: { unit: 'bytes', factor: 1024 },
  MB: { unit: 'bytes', factor: 1e6 },
  MiB: { unit: 'bytes', factor: 1024 ** 2 },
  GB: { unit: 'bytes', factor: 1e9 },
  GiB: { unit: 'bytes', factor: 1024 ** 3 },
};

/** Longest first, so `<=` is not read as `<` then `=`. */
export const OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '=~',
  '!~',
  '&&',
  '||',
  '<',
  '>',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  '[',
  ']',
  '.',
  ',',
];

const REGEX_FLAGS = /^[imsu]*$/;

export class Lexer {
  private position = 0;
  private peeked: Token | undefined;

  constructor(private readonly text: string) {}

  peek(): Token {
    this.peeked ??= this.read();
    return this.peeked;
  }

  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  /** A regular expression literal `/…/flags` at the current position (after `=~`). */
  regex(): Token {
    if (this.peeked) {
      // The parser peeked a `/` as an operator: read again from its column.
      this.position = this.peeked.column - 1;
      this.peeked = undefined;
    }
    this.skipSpace();
    const column = this.position + 1;
    if (this.text[this.position] !== '/')
      throw new LexError(column, 'a regular expression like /^ok/', this.describeHere());
    let end = this.position + 1;
    let inClass = false;
    for (; end < this.text.length; end++) {
      const char = this.text[end];
      if (char === '\\') end++;
      else if (char === '[') inClass = true;
      else if (char === ']') inClass = false;
      else if (char === '/' && !inClass) break;
    }
    if (end >= this.text.length)
      throw new LexError(column, 'a closing / of the regular expression', 'the end');
    const body = this.text.slice(this.position + 1, end);
    let flagsEnd = end + 1;
    while (flagsEnd < this.text.length && /[A-Za-z]/.test(this.text[flagsEnd])) flagsEnd++;
    const flags = this.text.slice(end + 1, flagsEnd);
    if (!REGEX_FLAGS.test(flags) || new Set(flags).size !== flags.length) {
      throw new LexError(end + 2, 'regular expression flags among i, m, s, u', JSON.stringify(flags));
    }
    const pattern = compilePattern(body, flags, column);
    const source = this.text.slice(this.position, flagsEnd);
    this.position = flagsEnd;
    return { kind: 'regex', text: source, column, pattern };
  }

  private read(): Token {
    this.skipSpace();
    const column = this.position + 1;
    const char = this.text[this.position];
    if (char === undefined) return { kind: 'end', text: '', column };
    if (isDigit(char) || (char === '.' && isDigit(this.text[this.position + 1] ?? '')))
      return this.number(column);
    if (char === '"' || char === "'") return this.string(column, char);
    if (/[A-Za-z_]/.test(char)) {
      const match = /[A-Za-z_][A-Za-z0-9_]*/y;
      match.lastIndex = this.position;
      const name = match.exec(this.text)![0];
      this.position += name.length;
      return { kind: 'name', text: name, column };
    }
    for (const operator of OPERATORS) {
      if (this.text.startsWith(operator, this.position)) {
        this.position += operator.length;
        return { kind: 'operator', text: operator, column };
      }
    }
    throw new LexError(column, 'a value, a name or an operator', this.describeHere());
  }

  /** JSON-style numbers (`12`, `0.05`, `1e-14`, `.5`), optionally followed by a unit (`300ms`, `10KB`). */
  private number(column: number): Token {
    const match = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
    match.lastIndex = this.position;
    const digits = match.exec(this.text)![0];
    this.position += digits.length;
    const unitMatch = /[A-Za-z]+/y;
    unitMatch.lastIndex = this.position;
    const suffix = unitMatch.exec(this.text)?.[0];
    // Number() gives the double nearest to the literal, as JSON.parse does for the body's numbers.
    const value = Number(digits);
    if (suffix === undefined) return { kind: 'number', text: digits, column, value };
    const unit = UNITS[suffix];
    if (!unit) {
      throw new LexError(
        this.position + 1,
        'a unit among ms, s, m, h, d (durations) or B, kB, KiB, MB, MiB, GB, GiB (sizes)',
        JSON.stringify(suffix),
      );
    }
    this.position += suffix.length;
    return {
      kind: 'number',
      text: digits + suffix,
      column,
      value: value * unit.factor,
      unit: unit.unit,
    };
  }

  private string(column: number, quote: string): Token {
    let value = '';
    let at = this.position + 1;
    for (;;) {
      const char = this.text[at];
      if (char === undefined) throw new LexError(column, `a closing ${quote}`, 'the end');
      if (char === quote) break;
      if (char === '\\') {
        const [decoded, length] = decodeEscape(this.text, at);
        value += decoded;
        at += length;
        continue;
      }
      value += char;
      at++;
    }
    this.position = at + 1;
    return { kind: 'string', text: value, column };
  }

  private skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position])) this.position++;
  }

  private describeHere(): string {
    const char = this.text[this.position];
    return char === undefined ? 'the end' : JSON.stringify(char);
  }
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  "'": "'",
  '/': '/',
};

/** The character an escape at `at` (the backslash) stands for, and the escape's length. */
function decodeEscape(text: string, at: number): [string, number] {
  const letter = text[at + 1];
  if (letter !== undefined && Object.hasOwn(SIMPLE_ESCAPES, letter)) return [SIMPLE_ESCAPES[letter], 2];
  if (letter === 'u') {
    const hex = text.slice(at + 2, at + 6);
    if (/^[0-9a-fA-F]{4}$/.test(hex)) return [String.fromCharCode(Number.parseInt(hex, 16)), 6];
  }
  throw new LexError(
    at + 1,
    'an escape among \\n \\t \\r \\\\ \\" \\\' \\/ \\uXXXX',
    JSON.stringify(text.slice(at, at + 2)),
  );
}

/**
 * The rule's regular expression. Nested quantifiers (`(a+)+`) can take exponential time on a
 * remote answer crafted against them, and nothing can interrupt a running match, so they are
 * refused when the rule is loaded.
 */
function compilePattern(body: string, flags: string, column: number): RegExp {
  let pattern: RegExp;
  try {
    pattern = new RegExp(body, flags);
  } catch (error) {
    throw new LexError(
      column,
      'a valid regular expression',
      `/${body}/ (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`,
    );
  }
  if (hasNestedQuantifier(body)) {
    throw new LexError(
      column,
      'a regular expression without a quantified group that holds a quantifier (it can take exponential time)',
      `/${body}/`,
    );
  }
  return pattern;
}

/** A group containing `*`, `+` or `{n,}` that is itself followed by a quantifier. */
export function hasNestedQuantifier(source: string): boolean {
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === '(') stack.push(false);
    else if (char === ')') {
      const quantifiedInside = stack.pop() ?? false;
      const after = source[i + 1];
      const quantifiedAfter = after === '*' || after === '+' || after === '{';
      if (quantifiedInside && quantifiedAfter) return true;
      if (stack.length > 0 && (quantifiedInside || quantifiedAfter)) stack[stack.length - 1] = true;
    } else if ((char === '*' || char === '+' || char === '{') && stack.length > 0)
      stack[stack.length - 1] = true;
  }
  return false;
}
