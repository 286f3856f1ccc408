/** `statuskit serve`: starts the agent, prints its URLs, reloads on SIGHUP, stops on SIGINT / SIGTERM. */
import type { ConfigProblem } from '../config/errors.js';
import { Agent } from './agent.js';
import { type CommandContext, UsageError } from './context.js';

export async function serveCommand(ctx: CommandContext): Promise<number> {
  const { values } = ctx.parse({
    config: { type: 'string', short: 'c' },
    host: { type: 'string' },
    port: { type: 'string', short: 'p' },
  });
  const configFile = (values.config as string | undefined) ?? ctx.env.STATUSKIT_CONFIG;
  const host = (values.host as string | undefined) ?? ctx.env.STATUSKIT_HOST;
  const portText = (values.port as string | undefined) ?? ctx.env.STATUSKIT_PORT;
  const port = portText === undefined ? undefined : parsePort(portText);
  let agent: Agent;
  try {
    agent = await Agent.start({ configFile, host, port, log: ctx.log });
  } catch (error) {
    const { name, file, problems } = error as { name?: string; file?: string; problems?: ConfigProblem[] };
    if (name === 'ConfigError' && problems) {
      ctx.log.error(`invalid configuration in ${file}`, {
        problems: problems.map((p) => `${p.path}: ${p.message}`),
      });
      return 2;
    }
    if (error instanceof Error && /^(components|groups|probes|paths|watchdog)\./.test(error.message)) {
      ctx.log.error('invalid configuration', { problems: [error.message] });
      return 2;
    }
    if (error instanceof Error && error.name === 'BuildInfoError') {
      ctx.log.error('invalid configuration', { problems: [error.message] });
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      ctx.log.error(`cannot listen: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
  return new Promise<number>((resolve) => {
    const onHup = () => void agent.reload();
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        // A second signal (Ctrl-C again): skip what is left of the drain delay and the grace period.
        ctx.log.warn('shutting down now', { signal });
        void agent.close({ immediate: true });
        return;
      }
      stopping = true;
      ctx.log.info('shutting down', { signal });
      process.off('SIGHUP', onHup);
      // The handlers stay: a signal between here and the exit must not turn a clean exit into a kill.
      agent.close().then(() => resolve(0));
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    // Handlers first: whoever reads the URLs may signal at once (a SIGHUP unhandled would kill us).
    process.on('SIGHUP', onHup);
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    ctx.stdout(`${agent.urls().join('\n')}\n`);
    ctx.log.info('statuskit agent listening', {
      ...agent.address,
      config: configFile ?? '(embedded default)',
      pid: process.pid,
    });
  });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port: expected a port number 0-65535, got "${text}"`);
  }
  return port;
}
