/**
 * The `statuskit` command line: global flags, then one command. Commands are imported when run, so
 * `get` and `check` never load the agent's dependencies and start quickly.
 */
import { readFileSync } from 'node:fs';
import { createLogger } from '../client/log.js';
import { terminalSafe } from '../client/terminal-text.js';
import { closest } from '../util/suggest.js';
import type { CommandContext } from './context.js';
import { COMMAND_HELP, MAIN_HELP } from './help.js';
import { type OptionSpec, parseCommandArgs, UsageError } from './options.js';

type Command = (ctx: CommandContext) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.js')).serveCommand,
  get: async () => (await import('./get.js')).getCommand,
  check: async () => (await import('./check.js')).checkCommand,
  config: async () => (await import('./config-command.js')).configCommand,
  watch: async () => (await import('./watch.js')).watchCommand,
};

const GLOBAL_OPTIONS: OptionSpec = {
  quiet: { type: 'boolean', short: 'q' },
  log: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const stdout = (text: string) => void process.stdout.write(text);
  // Everything on stderr is for people, and may quote a server: no terminal control gets through.
  const stderr = (text: string) => void process.stderr.write(terminalSafe(text, 'block'));
  const isTTY = process.stdout.isTTY === true;
  const globals = scanGlobals(argv);
  const commandName = globals.command && globals.command in COMMANDS ? globals.command : undefined;
  try {
    if (globals.version) {
      stdout(`${version()}\n`);
      return 0;
    }
    if (!commandName) {
      if (globals.command) throw new UsageError(unknownCommand(globals.command));
      (globals.help ? stdout : stderr)(MAIN_HELP);
      return globals.help ? 0 : 2;
    }
    if (globals.help) {
      stdout(COMMAND_HELP[commandName]);
      return 0;
    }
    const format = globals.log === 'json' || globals.log === 'text' ? globals.log : undefined;
    if (globals.log !== undefined && !format) throw new UsageError('--log: expected json or text');
    const args = [...argv.slice(0, globals.commandIndex), ...argv.slice(globals.commandIndex + 1)];
    const ctx: CommandContext = {
      args,
      env,
      log: createLogger({ quiet: globals.quiet, format }),
      stdout,
      display: (text) => stdout(isTTY ? terminalSafe(text, 'block') : text),
      stderr,
      isTTY,
      parse: (options) => {
        const { values, positionals } = parseCommandArgs(args, { ...GLOBAL_OPTIONS, ...options });
        return { values, positionals };
      },
    };
    const command = await COMMANDS[commandName]();
    return await command(ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = commandName ? `statuskit ${commandName} --help` : 'statuskit --help';
      stderr(`statuskit: ${error.message}\nRun "${help}" for usage.\n`);
      return commandName === 'check' ? 3 : 2;
    }
    stderr(`statuskit: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

function unknownCommand(typed: string): string {
  const meant = closest(typed, Object.keys(COMMANDS));
  return `unknown command "${typed}"${meant ? `; did you mean ${meant}?` : ''}`;
}

interface Globals {
  command?: string;
  commandIndex: number;
  quiet: boolean;
  help: boolean;
  version: boolean;
  log?: string;
}

/**
 * Global flags may come before or after the command. The command is the first bare word that is not
 * the value of `--log`; each command then parses its own arguments strictly.
 */
function scanGlobals(argv: string[]): Globals {
  const globals: Globals = { commandIndex: -1, quiet: false, help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg === '-q' || arg === '--quiet') globals.quiet = true;
    else if (arg === '-h' || arg === '--help') globals.help = true;
    else if ((arg === '-v' || arg === '--version') && globals.command === undefined) globals.version = true;
    else if (arg === '--log') globals.log = argv[++i];
    else if (arg.startsWith('--log=')) globals.log = arg.slice(6);
    else if (!arg.startsWith('-') && globals.command === undefined) {
      globals.command = arg;
      globals.commandIndex = i;
    }
  }
  return globals;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `statuskit ${pkg.version}`;
}

const isEntry = process.argv[1] && /(statuskit(\.js)?|cli[/\\]main\.[jt]s)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`statuskit: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
