/** What every command gets: its arguments, output channels, environment and logger. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Logger } from './log.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Bad command-line input: printed with a pointer to `--help`, exit code from the command (2 or 3). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CommandContext {
  args: string[];
  env: NodeJS.ProcessEnv;
  log: Logger;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  /** Parses this command's options (strict: an unknown option is a UsageError). */
  parse(options: OptionSpec): { values: Record<string, unknown>; positionals: string[] };
}

export function parseCommandArgs(args: string[], options: OptionSpec) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
