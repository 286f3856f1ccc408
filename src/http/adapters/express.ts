import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StatusEndpoint } from '../handler.js';
import { fromIncoming, writeResponse } from './node.js';

type Next = (error?: unknown) => void;

/**
 * Express (4 and 5) middleware: `app.use(status.express())`. Uses `originalUrl` so it works when
 * mounted under a prefix too (`app.use('/ops', ...)` with paths configured accordingly).
 */
export function expressMiddleware(endpoint: StatusEndpoint) {
  return (
    req: IncomingMessage & { originalUrl?: string; body?: unknown },
    res: ServerResponse,
    next: Next,
  ): void => {
    // A body parser mounted before statuskit has consumed the stream: its result is the body.
    const request = fromIncoming(req, req.body);
    if (req.originalUrl) request.url = req.originalUrl;
    Promise.resolve(endpoint.handle(request)).then(
      (response) => (response ? writeResponse(res, response) : next()),
      next,
    );
  };
}
