import { isPassThrough, type RequestHandler } from '../types.js';
import { fetchResult, toFetchResponse } from './fetch.js';

export interface HonoContextLike {
  req: { raw: Request };
  /** On @hono/node-server, `env.incoming` is the node request (for the peer address). */
  env?: unknown;
  header?(name: string, value: string): void;
}

/** Hono middleware around a handler: `app.use('*', ...)`. */
export function honoAdapter(handler: RequestHandler) {
  return async (c: HonoContextLike, next: () => Promise<void>): Promise<Response | undefined> => {
    const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
    const result = await fetchResult(handler, c.req.raw, incoming?.socket?.remoteAddress);
    if (result !== undefined && !isPassThrough(result)) return toFetchResponse(result);
    if (result) for (const [name, value] of Object.entries(result.headers)) c.header?.(name, value);
    await next();
    return undefined;
  };
}
