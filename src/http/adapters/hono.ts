import type { StatusEndpoint } from '../handler.js';
import { fetchHandler } from './fetch.js';

interface HonoContextLike {
  req: { raw: Request };
  env?: { incoming?: { socket?: { remoteAddress?: string } } };
}

/** Hono middleware: `app.use('*', status.hono())`. */
export function honoMiddleware(endpoint: StatusEndpoint) {
  const handle = fetchHandler(endpoint);
  return async (c: HonoContextLike, next: () => Promise<void>): Promise<Response | undefined> => {
    const response = await handle(c.req.raw, c.env?.incoming?.socket?.remoteAddress);
    if (response) return response;
    await next();
    return undefined;
  };
}
