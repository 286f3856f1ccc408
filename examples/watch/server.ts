/**
 * `statuskit watch` over the five seed APIs: npm run example -- watch [--port 8078]
 *
 * Starts the five seed examples in this process (ephemeral ports on 127.0.0.1), writes a watch config
 * for them (YAML, in a temp dir; the credentials stay in the environment as `${VAR}`), and runs the
 * real `statuskit watch --config watch.yaml --serve HOST:PORT` as a child process. Its dashboard is at
 * `/`, its status document at `/status`; its log (one line per transition) goes to this stderr.
 *
 * Each target shows one way of reading an API: Webitel has no overall word, so the answer's HTTP code
 * judges it (`byHttpCode`) while a second target reads its console connection's own words; Itgrix's
 * `app_status` is a built-in vocabulary (Ok / Warning / Error) and its `app_state` ("" / "stopped" /
 * "restarting") is read with custom `words`; TurboCore is a WebSocket with a JWT.
 *
 * Make a seed go bad and watch the target change (within its interval):
 *   dydu:    curl -X POST "<dydu>/servlet/api/simulate?down=dialog"          (?up=dialog to recover)
 *   itgrix:  curl --digest -u admin:itgrix -X POST "<itgrix>/admin/simulate?state=stopped"
 *   webitel: kill -USR2 <pid of this example>                     (toggles the console connection)
 * The seeds' URLs are printed at start, and each target's `url` is in the status document.
 *
 * The watcher runs from the sources (`node --import tsx src/cli/main.ts`, as the examples do), so the
 * example needs no build; an installed statuskit runs the same command as `statuskit watch …`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as dydu from '../dydu/server.js';
import * as itgrix from '../itgrix/server.js';
import * as turbocore from '../turbocore/server.js';
import * as webitel from '../webitel/server.js';
import * as wickson from '../wickson/server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'src/cli/main.ts');
/** Generous: the watcher compiles its sources with tsx on a cold start. */
const START_TIMEOUT_MS = 30_000;

interface Seed {
  url: string;
  close(): Promise<void>;
}

/** The watch config: targets by name, credentials as `${VAR}` (the watcher's environment holds them). */
function watchConfig(urls: Record<'webitel' | 'dydu' | 'wickson' | 'turbocore' | 'itgrix', string>) {
  return `# statuskit watch --config watch.yaml --serve 8078   (written by examples/watch/server.ts)
interval: 5s
timeout: 3s
targets:
  # Seed 000: no overall status word. A 200 with the document means up (a 401 or no answer: critical).
  webitel:
    url: "${urls.webitel}"
    byHttpCode: true
    auth: { headers: { X-Access-Token: "\${WEBITEL_TOKEN}", X-Key: "\${WEBITEL_KEY}" } }
  # The same document, read for its console connection, whose words no vocabulary knows.
  webitel-console:
    url: "${urls.webitel}"
    path: wConsole.status
    words: { Connected: ok, Disconnected: critical }
    auth: { headers: { X-Access-Token: "\${WEBITEL_TOKEN}", X-Key: "\${WEBITEL_KEY}" } }
  # Seed 001: Ok / Warning / Ko / Unknown at status, 503 when Ko.
  dydu:
    url: "${urls.dydu}"
  # Seed 002: operational / degraded / critical / maintenance at data.status (found by default).
  wickson:
    url: "${urls.wickson}"
    # The standard key allows 1000 requests an hour: one poll every 10 s stays well below.
    interval: 10s
    auth: { apiKey: "\${WICKSON_KEY}" }
  # Seed 003: WebSocket, "auth <JWT>", then the "status" command.
  turbocore:
    url: "${urls.turbocore}"
    auth: { token: "\${TURBOCORE_TOKEN}" }
  # Seed 004: Digest; app_status is Ok / Warning / Error.
  itgrix:
    url: "${urls.itgrix}"
    path: app.master.general.app_status
    auth: { user: "\${ITGRIX_LOGIN}", password: "\${ITGRIX_PASSWORD}", digest: true }
  # The same application's app_state: "" while it runs, "stopped", "restarting".
  itgrix-state:
    url: "${urls.itgrix}"
    path: app.master.general.app_state
    words: { "": ok, stopped: critical, restarting: warning }
    auth: { user: "\${ITGRIX_LOGIN}", password: "\${ITGRIX_PASSWORD}", digest: true }
`;
}

export async function start({ port = 8078, host = '127.0.0.1' }: { port?: number; host?: string } = {}) {
  const seeds: Record<string, Seed> = {};
  const dir = mkdtempSync(join(tmpdir(), 'statuskit-watch-example-'));
  let watcher: ChildProcess | undefined;
  const close = async () => {
    if (watcher) await stopProcess(watcher);
    await Promise.all(Object.values(seeds).map((seed) => seed.close()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // The seeds stay on the loopback whatever --host says: only the watcher is for others to see.
    const local = { port: 0, host: '127.0.0.1' };
    seeds.webitel = await webitel.start(local);
    seeds.dydu = await dydu.start(local);
    seeds.wickson = await wickson.start(local);
    const tc = await turbocore.start(local);
    seeds.turbocore = tc;
    seeds.itgrix = await itgrix.start(local);
    const file = join(dir, 'watch.yaml');
    writeFileSync(
      file,
      watchConfig({
        webitel: seeds.webitel.url,
        dydu: seeds.dydu.url,
        wickson: seeds.wickson.url,
        turbocore: seeds.turbocore.url,
        itgrix: seeds.itgrix.url,
      }),
    );
    // The seeds read the same variables for their own credentials (with the same defaults).
    const secrets = {
      WEBITEL_TOKEN: process.env.WEBITEL_TOKEN ?? webitel.DEFAULT_TOKEN,
      WEBITEL_KEY: process.env.WEBITEL_KEY ?? webitel.DEFAULT_KEY,
      WICKSON_KEY: process.env.WICKSON_KEY ?? wickson.DEFAULT_KEY,
      TURBOCORE_TOKEN: tc.token,
      ITGRIX_LOGIN: process.env.ITGRIX_LOGIN ?? 'admin',
      ITGRIX_PASSWORD: process.env.ITGRIX_PASSWORD ?? 'itgrix',
    };
    const listen = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    watcher = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'watch', '--config', file, '--serve', listen],
      { cwd: ROOT, env: { ...process.env, ...secrets }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const statusUrl = await firstLine(watcher);
    const origin = new URL(statusUrl).origin;
    return {
      url: `${origin}/`,
      lines: [
        `${origin}/`,
        statusUrl,
        `config: ${file}`,
        ...Object.entries(seeds).map(([name, seed]) => `  ${name.padEnd(10)} ${seed.url}`),
      ],
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The watcher prints its status URL on stdout once it listens; it exits early when it cannot. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => fail(new Error(`the watcher printed no URL within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    const onExit = (code: number | null) =>
      fail(new Error(`the watcher exited (code ${code}) before serving; its log is above`));
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      reject(error);
    };
    child.once('exit', onExit);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const cut = out.indexOf('\n');
      if (cut < 0) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(out.slice(0, cut));
    });
  });
}

/** SIGTERM lets the watcher stop cleanly; a watcher that does not must not outlive the example. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
