import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from '../types.js';
import { fromIncoming, handleNode } from './node.js';

type Next = (error?: unknown) => void;

/**
 * Express (4 and 5) middleware around a handler. Uses `originalUrl` so it works when mounted
 * under a prefix too (`app.use('/ops', ...)` with paths configured accordingly). A body parser
 * mounted before it has consumed the stream: its result is the body.
 */
export function expressAdapter(handler: RequestHandler) {
  return (
    req: IncomingMessage & { originalUrl?: string; body?: unknown },
    res: ServerResponse,
    next: Next,
  ): void => {
    handleNode(handler, fromIncoming(req, req.body, req.originalUrl), res, () => next());
  };
}
