import type { IncomingMessage } from 'node:http';
import type { StatusEndpoint } from '../handler.js';
import type { StatusResponse } from '../types.js';
import { fromIncoming } from './node.js';

export interface KoaContext {
  req: IncomingMessage;
  /** `body` is set by body-parser middleware (koa-bodyparser, @koa/bodyparser). */
  request?: { body?: unknown };
  originalUrl: string;
  status: number;
  body: unknown;
  set(field: string, value: string | string[]): void;
}

/** Copies response headers onto a Koa context (arrays become one header line per value). */
export function setKoaHeaders(ctx: Pick<KoaContext, 'set'>, headers: StatusResponse['headers']): void {
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
}

/** Koa middleware: `app.use(status.koa())`. */
export function koaMiddleware(endpoint: StatusEndpoint) {
  return async (ctx: KoaContext, next: () => Promise<unknown>): Promise<void> => {
    const request = fromIncoming(ctx.req, ctx.request?.body);
    request.url = ctx.originalUrl;
    const response = await endpoint.handle(request);
    if (!response) {
      await next();
      return;
    }
    ctx.status = response.status;
    setKoaHeaders(ctx, response.headers);
    ctx.body = typeof response.body === 'string' ? response.body : Buffer.from(response.body);
  };
}
