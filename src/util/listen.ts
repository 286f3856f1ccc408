import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens and resolves with the bound port and a URL for it (IPv6 hosts bracketed); rejects on bind errors. */
export async function listenOn(
  server: Server,
  port: number,
  host: string,
): Promise<{ port: number; url: string }> {
  refuseTunnels(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return { port: bound, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}` };
}

const TUNNEL_BODY = '{"error":"method_not_allowed","message":"CONNECT is not supported"}';
const NO_TUNNELS =
  'HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(TUNNEL_BODY)}\r\n\r\n${TUNNEL_BODY}`;

/**
 * A status server is no proxy: CONNECT gets a 405. Without a listener Node drops the connection
 * without a word, which a client cannot tell from a crash.
 */
export function refuseTunnels(server: Server): void {
  if (server.listenerCount('connect') > 0) return;
  server.on('connect', (_request, socket) => {
    socket.on('error', () => {});
    socket.end(NO_TUNNELS);
  });
}
