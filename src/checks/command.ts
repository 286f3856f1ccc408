import { spawn } from 'node:child_process';
import type { CheckFunction, CheckOutcome, Level } from '../model/index.js';
import { abortReason, deadline, elapsedMs } from './abort.js';

export interface CommandCheckOptions {
  command: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /**
   * Exit code -> level. Default: the Nagios plugin convention 0 ok, 1 warning, 2 critical, 3 unknown;
   * any other code is critical.
   */
  exitLevels?: Record<number, Level>;
}

export const NAGIOS_EXIT_LEVELS: Readonly<Record<number, Level>> = {
  0: 'ok',
  1: 'warning',
  2: 'critical',
  3: 'unknown',
};

const OUTPUT_LIMIT = 4096;

/**
 * Runs a command (no shell) in its own process group. On timeout or abort the whole group gets SIGKILL,
 * so a script's grandchildren die with it. The first line of stdout (or stderr) becomes the message, as a
 * monitoring plugin's output line.
 */
export function commandCheck(options: CommandCheckOptions): CheckFunction {
  const exitLevels = options.exitLevels ?? NAGIOS_EXIT_LEVELS;
  return async (ctx): Promise<CheckOutcome> => {
    const run = deadline(ctx.signal, options.timeoutMs);
    const start = performance.now();
    try {
      const { code, signal, output } = await runCommand(options, run.signal);
      if (code === null) throw new Error(`${options.command} was killed by ${signal}`);
      const level = exitLevels[code] ?? 'critical';
      const message = firstLine(output) || `exit code ${code}`;
      return {
        level,
        message,
        fields: { exitCode: code },
        observedValue: elapsedMs(start),
        observedUnit: 'ms',
      };
    } finally {
      run.dispose();
    }
  };
}

interface CommandExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function runCommand(options: CommandCheckOptions, signal: AbortSignal): Promise<CommandExit> {
  return new Promise<CommandExit>((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const child = spawn(options.command, options.args ?? [], {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group, so the kill below reaches grandchildren too
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      if (output.length < OUTPUT_LIMIT) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    };
    const onAbort = () => {
      killGroup();
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    // When the command itself exits, grandchildren left in its group are killed too: they would hold the
    // pipes open (delaying 'close') and outlive the check.
    child.once('exit', killGroup);
    child.once('close', (code, exitSignal) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ code, signal: exitSignal, output });
    });
  });
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.trim().slice(0, 200);
}
