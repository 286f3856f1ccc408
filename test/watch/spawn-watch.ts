/** Runs `statuskit watch` as a real process (bin/statuskit.js over dist/), with JSON logs to read. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BIN } from '../cli/spawn.js';

export { configFile, type RunResult, run } from '../cli/spawn.js';

/** CLI tests run the build (`npm test` builds first); say so plainly when it is missing. */
export function assertBuilt(): void {
  const built = new URL('../../dist/cli/watch.js', import.meta.url);
  if (!existsSync(built)) throw new Error('dist/cli/watch.js is missing: run "npm run build" first');
}

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface RunningWatch {
  child: ChildProcess;
  stdout: () => string;
  logs: () => LogLine[];
  /** Resolves with the first log line matching, waiting for it when needed. */
  waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** The first stdout line (the status URL with --serve). */
  firstLine(timeoutMs?: number): Promise<string>;
  /** The first `count` stdout lines, once they are all there. */
  lines(count: number, timeoutMs?: number): Promise<string[]>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startWatch(args: string[], env: Record<string, string> = {}): RunningWatch {
  const child = spawn(process.execPath, [BIN, 'watch', '--log', 'json', ...args], {
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    wake();
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  exited.then(wake);
  const logs = () =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  const waitFor = <T>(find: () => T | undefined, what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const look = () => {
        const found = find();
        if (found !== undefined) {
          clearTimeout(timer);
          waiters.delete(look);
          resolve(found);
        } else if (child.exitCode !== null) {
          clearTimeout(timer);
          waiters.delete(look);
          reject(new Error(`watch exited (${child.exitCode}) before ${what}; stderr:\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(look);
        reject(new Error(`no ${what} within ${timeoutMs} ms; stderr:\n${stderr}`));
      }, timeoutMs);
      waiters.add(look);
      look();
    });
  return {
    child,
    stdout: () => stdout,
    logs,
    waitForLog: (match, what, timeoutMs = 8000) => waitFor(() => logs().find(match), what, timeoutMs),
    firstLine: (timeoutMs = 8000) =>
      waitFor(() => (stdout.includes('\n') ? stdout.split('\n')[0] : undefined), 'stdout line', timeoutMs),
    lines: (count, timeoutMs = 8000) =>
      waitFor(
        () => {
          const complete = stdout.split('\n').slice(0, -1);
          return complete.length >= count ? complete.slice(0, count) : undefined;
        },
        `${count} stdout lines`,
        timeoutMs,
      ),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
