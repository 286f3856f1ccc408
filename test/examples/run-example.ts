import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningExample {
  lines: string[];
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** How many lines each example prints at start (URL first, then credentials or hints). */
const LINES_PRINTED: Record<string, number> = { webitel: 2, dydu: 4, wickson: 3, turbocore: 3, itgrix: 2 };

/** Starts an example exactly as a user would (`npm run example -- <name> ...`) and waits for its URL. */
export function startExample(
  name: string,
  args: string[] = ['--port', '0'],
  env: Record<string, string> = {},
): Promise<RunningExample> {
  // What `npm run example -- <name>` runs (package.json), without npm in between the test and the process.
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/run.ts', name, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`example ${name} did not print its URL in time:\n${out}\n${err}`)),
      30_000,
    );
    child.stderr!.on('data', (chunk) => {
      err += chunk;
    });
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const lines = out.split('\n').filter(Boolean);
      if (lines.length >= (LINES_PRINTED[name] ?? 1) && out.endsWith('\n')) {
        clearTimeout(timer);
        resolve({
          lines,
          url: lines[0],
          process: child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 5000).unref();
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`example ${name} exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/** Runs a shell command line (curl, jq pipelines as the seeds write them). */
export function sh(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** curl with `-w` status appended on its own last line. */
export async function curl(args: string): Promise<{ status: number; body: string }> {
  const { stdout } = await sh(`curl -s ${args} -w '\\n%{http_code}'`);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}
