/**
 * Runs one seed example: npm run example -- <webitel|dydu|wickson|turbocore|itgrix> [--port N]
 * Prints the URL it serves on (and, for turbocore, a token to try it with).
 * `npm run example -- watch` runs `statuskit watch` over all five (dashboard on port 8078).
 */
import { parseArgs } from 'node:util';

const EXAMPLES = ['webitel', 'dydu', 'wickson', 'turbocore', 'itgrix', 'watch'] as const;
type Name = (typeof EXAMPLES)[number];

interface Example {
  start(options: { port?: number; host?: string }): Promise<{ lines: string[]; close(): Promise<void> }>;
}

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { port: { type: 'string' }, host: { type: 'string' } },
    });
  } catch (error) {
    console.error(
      `${(error as Error).message}\nusage: npm run example -- <${EXAMPLES.join('|')}> [--port N] [--host H]`,
    );
    process.exit(2);
  }
})();
const name = positionals[0] as Name | undefined;
if (!name || !EXAMPLES.includes(name)) {
  console.error(`usage: npm run example -- <${EXAMPLES.join('|')}> [--port N] [--host H]`);
  process.exit(2);
}
const port = values.port === undefined ? undefined : Number(values.port);
if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
  console.error(`--port: expected a port number, got "${values.port}"`);
  process.exit(2);
}
const example = (await import(`./${name}/server.ts`)) as Example;
const running = await example
  .start({ port, host: values.host })
  .catch((error: NodeJS.ErrnoException & { port?: number }) => {
    // A port in use is the common case (an agent already on 8077): say what to do, not a stack.
    if (error.code === 'EADDRINUSE')
      console.error(`port ${error.port ?? port ?? ''} is in use; try --port 0`);
    else if (error.code === 'EACCES')
      console.error(`not allowed to listen on port ${error.port ?? port}; try --port 0`);
    else console.error(`${name} did not start: ${error.message}`);
    process.exit(1);
  });
process.stdout.write(`${running.lines.join('\n')}\n`);
const stop = () => {
  // Graceful first; a connection that will not finish must not keep the example alive.
  setTimeout(() => process.exit(0), 3000).unref();
  running.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
