/**
 * The host agent behind `statuskit serve`: one HTTP server whose request handler can be swapped.
 * A reload builds a whole new status from the config and swaps it in; the server, its listening
 * socket and every open connection stay, so clients never see a reset.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../client/log.js';
import { type BuildHooks, type BuiltAgent, buildAgent, type Door } from '../config/build.js';
import type { ConfigProblem } from '../config/errors.js';
import type { AgentConfig } from '../config/schema.js';
import { browsable } from '../util/browsable.js';
import { Watchdog, type WatchdogAddress, type WatchdogOptions } from '../watchdog/watchdog.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8077;

export interface AgentOptions {
  /** Config file (YAML or JSON); without it the embedded default serves this host's vitals. */
  configFile?: string;
  /** Overrides the config's `server.host` / `server.port`. */
  host?: string;
  port?: number;
  log: Logger;
}

export class Agent {
  private built: BuiltAgent;
  private listener: RequestListener;
  private reloading: Promise<boolean> | undefined;
  private closing: Promise<void> | undefined;

  /** The config the server was started with: its host and port stay until a restart. */
  private readonly startConfig: AgentConfig;

  private constructor(
    readonly server: Server,
    private readonly options: AgentOptions,
    config: AgentConfig,
    built: BuiltAgent,
    /** The watchdog thread, when configured: it outlives reloads, each new status attaches to it. */
    private readonly watchdog: { watchdog: Watchdog; address: WatchdogAddress } | undefined,
  ) {
    this.startConfig = config;
    this.built = built;
    this.listener = listenerOf(built);
    server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      this.listener(request, response),
    );
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  /** Loads the config, builds the status and listens. Config problems throw a ConfigError. */
  static async start(options: AgentOptions): Promise<Agent> {
    const config = await readConfig(options.configFile);
    const watchdog = config.watchdog ? await startWatchdog(config.watchdog, options.log) : undefined;
    let built: BuiltAgent | undefined;
    try {
      built = await buildAgent(config, { ...warningsTo(options.log), watchdog: watchdog?.watchdog });
      if (watchdog) built.status.attachWatchdog(watchdog.watchdog);
      const server = createServer({ keepAliveTimeout: 65_000 });
      const agent = new Agent(server, options, config, built, watchdog);
      const { host, port } = bindingOf(options, config);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return agent;
    } catch (error) {
      await built?.close();
      await watchdog?.watchdog.close();
      throw error;
    }
  }

  get address(): { host: string; port: number } {
    const address = this.server.address() as AddressInfo;
    return { host: address.address, port: address.port };
  }

  /** Every URL the agent answers, one per door. */
  urls(): string[] {
    const { host, port } = this.address;
    const origin = `${browsable(host)}:${port}`;
    const urls = this.built.doors.map((door: Door) => `${door.scheme}://${origin}${door.path}`);
    if (this.watchdog) {
      const { paths } = this.built.status;
      const served = [paths.live, paths.ready, paths.started, paths.status].filter((p): p is string => !!p);
      urls.push(...served.map((path) => `${this.watchdog!.address.url}${path}`));
    }
    return urls;
  }

  /** Where the watchdog thread answers, when one runs. */
  get watchdogAddress(): WatchdogAddress | undefined {
    return this.watchdog?.address;
  }

  get doors(): readonly Door[] {
    return this.built.doors;
  }

  /**
   * Re-reads the config. On success the new status serves the next request; on failure the old one
   * stays and the problems are logged. Concurrent reloads share one run.
   */
  reload(): Promise<boolean> {
    this.reloading ??= this.reloadOnce().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async reloadOnce(): Promise<boolean> {
    const { log, configFile } = this.options;
    let config: AgentConfig;
    let built: BuiltAgent;
    try {
      config = await readConfig(configFile);
      built = await buildAgent(config, { ...warningsTo(log), watchdog: this.watchdog?.watchdog });
    } catch (error) {
      const listed = (error as { problems?: ConfigProblem[] }).problems;
      const problems = listed ? listed.map((p) => `${p.path}: ${p.message}`) : [(error as Error).message];
      log.error('reload failed: keeping the running configuration', { file: configFile, problems });
      return false;
    }
    // Compared with the binding in use (not the last file), so the warning stays until a restart.
    const wanted = bindingOf(this.options, config);
    const running = bindingOf(this.options, this.startConfig);
    if (wanted.host !== running.host || wanted.port !== running.port) {
      const bound = this.address;
      log.warn('server.host and server.port changes take effect on restart', {
        running: `${bound.host}:${bound.port}`,
        configured: `${wanted.host}:${wanted.port}`,
      });
    }
    if (JSON.stringify(config.watchdog ?? false) !== JSON.stringify(this.startConfig.watchdog ?? false)) {
      log.warn('watchdog changes take effect on restart', { running: this.watchdog?.address.url ?? 'off' });
    }
    const previous = this.built;
    this.built = built;
    this.listener = listenerOf(built);
    // A running agent has started: a reload does not send it back to `starting`.
    if (previous.status.lifecycle.state !== 'starting') built.status.markStarted();
    if (this.watchdog) built.status.attachWatchdog(this.watchdog.watchdog);
    log.info('configuration reloaded', { file: configFile ?? '(embedded default)' });
    // Requests already inside the old status finish against it; then its checks and samplers stop.
    setTimeout(() => void previous.close(), 1000).unref();
    return true;
  }

  /**
   * Graceful: readiness turns 503, the listener keeps accepting for `server.drainDelay`, then stops;
   * in-flight requests finish within `server.shutdownGrace` before what still runs is aborted.
   * `{ immediate: true }` skips the waits, and hurries a close in progress (a second signal).
   */
  close(options: { immediate?: boolean } = {}): Promise<void> {
    if (this.closing) {
      if (options.immediate) void this.built.shutdown([this.server], { immediate: true });
      return this.closing;
    }
    this.closing = (async () => {
      await this.built.shutdown([this.server], options);
      await this.watchdog?.watchdog.close();
    })();
    return this.closing;
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.built.upgrade(request, socket, head)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  }
}

/** Starts the watchdog thread; its blocks and failures go to the agent's log. */
async function startWatchdog(
  config: NonNullable<AgentConfig['watchdog']>,
  log: Logger,
): Promise<{ watchdog: Watchdog; address: WatchdogAddress }> {
  const options: WatchdogOptions = typeof config === 'object' ? config : {};
  let listening = false;
  const watchdog = new Watchdog({
    ...options,
    onBlock: (block) => log.warn('main loop was blocked', { ...block }),
    // A failure to listen is the start's failure, reported once by the caller.
    onError: (error) => listening && log.error('watchdog failed', { error: (error as Error).message }),
  });
  try {
    const address = await watchdog.listening;
    listening = true;
    return { watchdog, address };
  } catch (error) {
    await watchdog.close();
    throw error;
  }
}

/**
 * The embedded default is `{}` validated: every section at its default. It is written out rather
 * than parsed so that `statuskit serve` without a file never loads zod and yaml (a test keeps the two equal).
 */
export const EMBEDDED_DEFAULT: AgentConfig = {};

/** Where the agent listens: flags and environment first, then the config, then the defaults. */
function bindingOf(options: AgentOptions, config: AgentConfig): { host: string; port: number } {
  return {
    host: options.host ?? config.server?.host ?? DEFAULT_HOST,
    port: options.port ?? config.server?.port ?? DEFAULT_PORT,
  };
}

async function readConfig(file: string | undefined): Promise<AgentConfig> {
  if (!file) return EMBEDDED_DEFAULT;
  const { loadConfigFile } = await import('../config/load.js');
  return loadConfigFile(file);
}

function warningsTo(log: Logger): BuildHooks {
  return { onWarning: (message) => log.warn(message) };
}

function listenerOf(built: BuiltAgent): RequestListener {
  const status = built.nodeListener((_request, response) => {
    const body = JSON.stringify({ error: 'not found', doors: built.doors.map((door) => door.path) });
    response.writeHead(404, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
  return (request, response) => {
    if (!built.stream(request, response)) status(request, response);
  };
}
