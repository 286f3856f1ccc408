import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessControl } from '../../src/access/index.js';
import type { StatusRequest } from '../../src/http/types.js';

export interface Seen {
  url: string;
  authorization?: string;
  status: number;
  wwwAuthenticate?: string;
}

export interface TestServer {
  base: string;
  /** Every request the server answered, in order. */
  seen: Seen[];
  close(): Promise<void>;
}

/**
 * A tiny node:http server that asks `access.authorize()` and answers 200 with the principal and
 * disclosure, or the denial response exactly as the access layer built it. `afterAnswer` runs after
 * each answer (the stale-nonce test moves its clock there).
 */
export async function serveAccess(
  access: AccessControl,
  afterAnswer?: (seen: Seen) => void,
): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = http.createServer(async (req, res) => {
    const request: StatusRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress,
    };
    const decision = await access.authorize(request);
    const authorization = req.headers.authorization;
    if (decision.allowed) {
      seen.push({ url: request.url, authorization, status: 200 });
      afterAnswer?.(seen[seen.length - 1]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ principal: decision.principal ?? null, disclosure: decision.disclosure }));
      return;
    }
    const { status, headers, body } = decision.response;
    seen.push({
      url: request.url,
      authorization,
      status,
      wwwAuthenticate: [headers['www-authenticate'] ?? []].flat().join(', ') || undefined,
    });
    afterAnswer?.(seen[seen.length - 1]);
    res.writeHead(status, headers);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface CurlResult {
  status: number;
  body: string;
  json: () => any;
}

/** Runs the real curl; `-w` appends the final status code after the body. */
export function curl(args: readonly string[]): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-w', '\n%{http_code}', ...args], { timeout: 15_000 }, (error, stdout) => {
      if (error) return reject(error);
      const cut = stdout.lastIndexOf('\n');
      const body = stdout.slice(0, cut);
      resolve({ status: Number(stdout.slice(cut + 1)), body, json: () => JSON.parse(body) });
    });
  });
}

/** One GET through node:http from a chosen loopback source address (127.0.0.x all reach the server). */
export function getFrom(
  localAddress: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { localAddress, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    request.on('error', reject);
  });
}
