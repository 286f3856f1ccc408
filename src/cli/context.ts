/** What every command gets: its arguments, output channels, environment and logger. */
import type { Logger } from '../client/log.js';
import type { OptionSpec } from './options.js';

export { type OptionSpec, UsageError } from './options.js';

export interface CommandContext {
  args: string[];
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Data, written as given: our own colours, output for programs. */
  stdout: (text: string) => void;
  /** Data that may quote a server: as given when piped, terminal-safe on a terminal. */
  display: (text: string) => void;
  /** Messages for people: always made terminal-safe on the way out. */
  stderr: (text: string) => void;
  isTTY: boolean;
  /** Parses this command's options (strict: an unknown option is a UsageError). */
  parse(options: OptionSpec): { values: Record<string, unknown>; positionals: string[] };
}
