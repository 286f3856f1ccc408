/**
 * Seed 003 — TurboCore: the Health WebSocket API at ws://HOST/api/health/ws. The first message is
 * `auth <JWT>`, answered `ok` or an error message (plain text, as in the seed); then `sysinfo`
 * answers cpus / mem / disks, and `subscribe cpu|network|requests|logs|status` streams live data.
 * The example signs a token with TURBOCORE_SECRET (a default is used and printed) and prints it.
 * Its own API (GET /api/echo) marks request meters and writes log lines for the live topics.
 */
import { SignJWT } from 'jose';
import {
  createAccess,
  createLiveFeed,
  createLogSink,
  createStatus,
  createVitals,
  instrumentListener,
  jwtAuth,
  RequestMetrics,
} from '../../src/index.js';

export const DEFAULT_SECRET = 'turbocore-example-secret-please-change-me-0123456789';

export async function mintToken(
  secret: string,
  expiresIn = '12h',
  roles: string[] = ['reader'],
): Promise<string> {
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('turbocore-example')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

export async function start({ port = 0, host = '127.0.0.1' }: { port?: number; host?: string } = {}) {
  const secret = process.env.TURBOCORE_SECRET ?? DEFAULT_SECRET;
  const access = createAccess({ anonymous: 'refuse', authenticators: [jwtAuth({ secret })] });
  const vitals = createVitals().start();
  const requests = new RequestMetrics({ errorsByKeyField: 'errorsByRoute' });
  const logs = createLogSink({ capacity: 500 });

  const status = createStatus({ access });
  status.check('core.engine', () => 'ok', { interval: '5s' });
  status.mount('core.requests', requests);

  const feed = createLiveFeed({ status, vitals, requests, logs, auth: access, plainTextErrors: true });
  const api = instrumentListener(
    requests,
    (req, res) => {
      if (req.url?.startsWith('/api/echo')) {
        logs.write(`GET ${req.url} 200`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
    },
    { key: (req) => req.url?.split('?')[0] },
  );
  const server = await feed.listen({ port, host, fallback: status.nodeListener(api) });
  const token = await mintToken(secret);
  const wsUrl = server.url.replace(/^http/, 'ws');
  return {
    url: `${wsUrl}/api/health/ws`,
    lines: [
      `${wsUrl}/api/health/ws`,
      `npx statuskit get ${wsUrl}/api/health/ws --token ${token} --command sysinfo`,
      `curl -s -H 'Authorization: Bearer ${token}' '${server.url}/status'`,
    ],
    token,
    secret,
    async close() {
      await feed.close();
      vitals.close();
      await status.close();
    },
  };
}
