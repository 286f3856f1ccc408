/**
 * What rules read of one answer of a target: its names (`body`, `status`, `time`, …) and their
 * static types, which the compiler checks operands against (`time < 300` is refused: a duration
 * needs its unit).
 */
import type { Level } from '../../model/levels.js';
import type { Unit } from './syntax.js';
import { UNKNOWN, type Value } from './values.js';

export interface Answer {
  /** The parsed JSON body; UNKNOWN when there is none or it is not JSON. */
  readonly body: Value;
  /** The HTTP code. */
  readonly status?: number;
  /** Response time, ms. */
  readonly time?: number;
  /** Body size, bytes. */
  readonly size?: number;
  /** Response headers, names in lower case. */
  readonly headers?: Readonly<Record<string, unknown>>;
  /** The server certificate: `daysLeft`, `validTo`, `subject`, `issuer`, `trusted`. */
  readonly cert?: Readonly<Record<string, unknown>>;
  /** A check kind's fields (tcp's `connected`, postgres's `version`, …). */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** The status word found, if any. */
  readonly word?: string;
  /** The level the word (or the check) gave, before rules. */
  readonly level?: Level;
  readonly message?: string;
}

export type StaticType = 'number' | 'string' | 'boolean' | 'null' | 'list' | 'any';

export interface NameType {
  type: StaticType;
  unit?: Unit;
}

/** The names a rule may start a path with. */
export const ANSWER_NAMES: Readonly<Record<keyof Answer, NameType>> = {
  body: { type: 'any' },
  status: { type: 'number' },
  time: { type: 'number', unit: 'duration' },
  size: { type: 'number', unit: 'bytes' },
  headers: { type: 'any' },
  cert: { type: 'any' },
  fields: { type: 'any' },
  word: { type: 'string' },
  level: { type: 'string' },
  message: { type: 'string' },
};

export function isAnswerName(name: string): name is keyof Answer {
  return Object.hasOwn(ANSWER_NAMES, name);
}

/** The value of a name in an answer: what is not there is unknown. */
export function answerValue(answer: Answer, name: keyof Answer): Value {
  const value = answer[name];
  return value === undefined ? UNKNOWN : value;
}

/** An answer whose body is parsed once, on first use (rules that read only `status` never parse it). */
export function lazyAnswer(text: string | undefined, rest: Omit<Answer, 'body'>): Answer {
  let parsed: Value | undefined;
  return {
    ...rest,
    get body() {
      parsed ??= parseBody(text);
      return parsed;
    },
  };
}

function parseBody(text: string | undefined): Value {
  if (text === undefined || text === '') return UNKNOWN;
  try {
    return JSON.parse(text);
  } catch {
    return UNKNOWN;
  }
}
