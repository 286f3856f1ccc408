/**
 * Parsing a command's options strictly, with messages a person can act on. Node's `parseArgs`
 * finds the mistakes; the words are ours: `unknown option --prot; did you mean --port?`, and a
 * long option typed with one dash (`-port 9000`, which `parseArgs` reads as `-p ort`) is named as
 * such instead of silently becoming a value.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closest } from '../util/suggest.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Bad command-line input: printed with a pointer to `--help`, exit code from the command (2 or 3). */
export class UsageError extends Error {
  override name = 'UsageError';
}

interface OptionToken {
  kind: 'option';
  name: string;
  rawName: string;
  index: number;
  value?: string;
  inlineValue?: boolean;
}

export function parseCommandArgs(args: string[], options: OptionSpec) {
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  const checked = new Set<number>();
  for (const token of tokens) {
    if (token.kind !== 'option' || checked.has(token.index)) continue;
    checked.add(token.index);
    const problem = optionProblem(token, args[token.index], options);
    if (problem) throw new UsageError(problem);
  }
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Not reached by the mistakes above; Node's text is still better than a stack trace.
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
}

/** What is wrong with one option as typed, or undefined. */
function optionProblem(token: OptionToken, arg: string, options: OptionSpec): string | undefined {
  const longNames = Object.keys(options);
  const singleDashWord = /^-[^-]/.test(arg) ? arg.slice(1).split('=')[0] : '';
  if (singleDashWord.length >= 3) {
    const meant = options[singleDashWord] ? singleDashWord : closest(singleDashWord, longNames);
    if (meant) return `${arg.split('=')[0]}: long options take two dashes; did you mean --${meant}?`;
  }
  const spec = options[token.name];
  if (!spec) {
    const meant = token.rawName.startsWith('--') ? closest(token.name, longNames) : undefined;
    return `unknown option ${token.rawName}${meant ? `; did you mean --${meant}?` : ''}`;
  }
  const shown = `--${token.name}`;
  if (spec.type === 'boolean' && token.inlineValue) return `${shown} takes no value`;
  if (spec.type !== 'string') return undefined;
  if (token.value === undefined) return `${shown} needs a value`;
  if (!token.inlineValue && token.value.startsWith('-'))
    return `${shown} needs a value, got the option-like "${token.value}" (to give a value starting with "-", write ${shown}=${token.value})`;
  return undefined;
}
