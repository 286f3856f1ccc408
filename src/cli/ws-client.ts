/**
 * `statuskit get ws://...`: seed 003's protocol. Connect, send `auth <credential>` when one is given
 * and wait for `ok`, send one command (`sysinfo`, `status`, ...), print the first answer, close.
 */
import WebSocket from 'ws';
import { ConnectionError } from './http-client.js';

export interface WsRequest {
  url: string;
  command: string;
  /** JWT or API key for the `auth` message. */
  credential?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Aborts from outside (a watcher shutting down), besides the timeout. */
  signal?: AbortSignal;
}

export function wsCommand(request: WsRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(request.url, {
      headers: request.headers,
      handshakeTimeout: request.timeoutMs,
    });
    let stage: 'auth' | 'command' = request.credential ? 'auth' : 'command';
    const timer = setTimeout(
      () => fail(new ConnectionError(`timed out after ${request.timeoutMs} ms`, true)),
      request.timeoutMs,
    );
    const onAbort = () => fail(new ConnectionError('aborted'));
    const done = () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.close();
    };
    const fail = (error: Error) => {
      done();
      reject(error);
    };
    if (request.signal?.aborted) return fail(new ConnectionError('aborted'));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('open', () => {
      socket.send(stage === 'auth' ? `auth ${request.credential}` : request.command);
    });
    socket.on('message', (data) => {
      const text = data.toString();
      if (stage === 'auth') {
        if (text.trim() !== 'ok')
          return fail(new ConnectionError(`authentication refused: ${oneLine(text)}`));
        stage = 'command';
        socket.send(request.command);
        return;
      }
      done();
      resolve(text);
    });
    socket.on('unexpected-response', (_req, res) =>
      fail(new ConnectionError(`HTTP ${res.statusCode} on WebSocket upgrade`)),
    );
    socket.on('error', (error) =>
      fail(new ConnectionError((error as NodeJS.ErrnoException).code ?? error.message)),
    );
    socket.on('close', (code, reason) =>
      fail(new ConnectionError(`connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`)),
    );
  });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 200);
}
