import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The real CLI, as `npx statuskit` runs it: the built bin over dist/. */
export const BIN = new URL('../../bin/statuskit.js', import.meta.url).pathname;

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion. */
export function run(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return completion(spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } }));
}

/** A child's exit code and everything it wrote. */
function completion(child: ChildProcess): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs the CLI with stdout and stderr on a pseudo-terminal (util-linux `script`), as a person at a
 * terminal runs it: `isTTY` is true. The terminal turns each `\n` into `\r\n`; the result has
 * line ends back as `\n` (a CRLF the program wrote included).
 */
export async function runInTerminal(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const result = await completion(
    spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  return { ...result, stdout: result.stdout.replace(/\r+\n/g, '\n') };
}

export interface RunningAgent {
  child: ChildProcess;
  urls: string[];
  base: string;
  stderr: () => string;
  /** Waits until stderr has a line matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<number | null>;
}

/** Starts `statuskit serve` on an ephemeral port and waits for its URL list. */
export function serve(args: string[] = [], env: Record<string, string> = {}): Promise<RunningAgent> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const agent = (urls: string[]): RunningAgent => ({
    child,
    urls,
    base: new URL(urls[0]).origin,
    stderr: () => stderr,
    waitForLog(pattern, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no log matching ${pattern}; stderr:\n${stderr}`)),
          timeoutMs,
        );
        const look = () => {
          const line = stderr.split('\n').find((l) => pattern.test(l));
          if (line) {
            clearTimeout(timer);
            resolve(line);
          } else waiters.push(look);
        };
        look();
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start; stderr:\n${stderr}`)), 10_000);
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      // The URL list is printed in one write; the dashboard line ends it in the default config.
      if (stdout.endsWith('\n')) {
        clearTimeout(timer);
        resolve(agent(stdout.trim().split('\n')));
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}; stderr:\n${stderr}`));
    });
  });
}

/** Writes a config file in a fresh temporary directory. */
export function configFile(text: string, name = 'statuskit.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'statuskit-cli-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
