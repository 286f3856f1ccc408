import type { StatusEndpoint } from '../handler.js';
import { fetchHandler } from './fetch.js';

export interface HonoContextLike {
  req: { raw: Request };
  /** On @hono/node-server, `env.incoming` is the node request (for the peer address). */
  env?: unknown;
}

/** Hono middleware: `app.use('*', status.hono())`. */
export function honoMiddleware(endpoint: StatusEndpoint) {
  const handle = fetchHandler(endpoint);
  return async (c: HonoContextLike, next: () => Promise<void>): Promise<Response | undefined> => {
    const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
    const response = await handle(c.req.raw, incoming?.socket?.remoteAddress);
    if (response) return response;
    await next();
    return undefined;
  };
}
