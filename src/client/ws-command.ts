/**
 * One command over seed 003's WebSocket protocol (`statuskit get ws://…`, ws:// watch targets):
 * connect, send `auth <credential>` when one is given and wait for `ok`, send the command
 * (`status`, `sysinfo`, …), resolve with the first answer, close.
 */
import WebSocket from 'ws';
import { RequestError } from './request-error.js';

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
      () => fail(new RequestError(`timed out after ${request.timeoutMs} ms`, 'timeout')),
      request.timeoutMs,
    );
    const onAbort = () => {
      const reason: unknown = request.signal?.reason;
      fail(reason instanceof Error ? reason : new RequestError('aborted', 'aborted'));
    };
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
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('open', () => {
      socket.send(stage === 'auth' ? `auth ${request.credential}` : request.command);
    });
    socket.on('message', (data) => {
      const text = data.toString();
      if (stage === 'auth') {
        if (text.trim() !== 'ok')
          return fail(new RequestError(`authentication refused: ${oneLine(text)}`, 'unusable'));
        stage = 'command';
        socket.send(request.command);
        return;
      }
      done();
      resolve(text);
    });
    socket.on('unexpected-response', (_req, res) =>
      fail(new RequestError(`HTTP ${res.statusCode} on WebSocket upgrade`, 'unusable')),
    );
    socket.on('error', (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      fail(new RequestError(code ?? error.message, 'unreachable', code));
    });
    socket.on('close', (code, reason) =>
      fail(
        new RequestError(
          `connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`,
          'unreachable',
        ),
      ),
    );
  });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 200);
}
