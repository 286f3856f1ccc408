import type { Socket } from 'node:net';
import { abortReason } from './abort.js';

/**
 * Waits until `socket` emits `readyEvent` ('connect' for TCP, 'secureConnect' for TLS). The socket is
 * destroyed on error or abort, so a caller only has to destroy it after success.
 */
export function whenReady<S extends Socket>(socket: S, readyEvent: string, signal: AbortSignal): Promise<S> {
  return new Promise<S>((resolve, reject) => {
    const finish = (error?: Error) => {
      socket.off(readyEvent, onReady);
      socket.off('error', finish);
      signal.removeEventListener('abort', onAbort);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve(socket);
    };
    const onReady = () => finish();
    const onAbort = () => finish(abortReason(signal));
    socket.once(readyEvent, onReady);
    socket.once('error', finish);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
