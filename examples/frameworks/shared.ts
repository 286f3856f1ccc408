import { createStatus, type StatusKit } from '../../src/index.js';

/** The same small status tree for every framework example. */
export function demoStatus(): StatusKit {
  const status = createStatus({ vocabulary: 'okKo' });
  status.value('version', '1.0.0', { summary: true });
  status.provider('volumes.sessions', () => Math.floor(Math.random() * 10));
  status.check('applications.db', async () => 'ok' as const, { cache: '5s' });
  return status;
}

/** The status URL of a server once it listens (the real port, also with `--port 0`). */
export function statusUrl(server: { address(): unknown }): string {
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}/status`;
}

export function port(): number {
  const i = process.argv.indexOf('--port');
  return i === -1 ? 3000 : Number(process.argv[i + 1]);
}
