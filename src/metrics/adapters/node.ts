import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { RequestMetrics } from '../requests.js';

/** nginx's code for "the client closed the connection before the response was sent". */
export const CLIENT_CLOSED_REQUEST = 499;

export interface NodeInstrumentOptions {
  /** The per-key counters' key for a request (route, tenant, bot id…); undefined skips them. */
  key?: (req: IncomingMessage, res: ServerResponse) => string | undefined;
}

/**
 * Records `res` when it finishes (or when the connection closes first, as 499). `key` is read
 * then, after routing has happened.
 */
export function observeResponse(
  metrics: RequestMetrics,
  res: ServerResponse,
  key: () => string | undefined,
): void {
  const timing = metrics.start();
  const done = (): void => {
    res.off('finish', done);
    res.off('close', done);
    timing.end(res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST, safeKey(key));
  };
  res.once('finish', done);
  res.once('close', done);
}

/** Wraps a `node:http` request listener. */
export function instrumentListener<L extends RequestListener>(
  metrics: RequestMetrics,
  listener: L,
  options: NodeInstrumentOptions = {},
): RequestListener {
  const key = options.key;
  return (req, res) => {
    observeResponse(metrics, res, () => key?.(req, res));
    return listener(req, res);
  };
}

/** A throwing key function must not break the response: the request is counted without a key. */
export function safeKey(key: () => string | undefined): string | undefined {
  try {
    const value = key();
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
