import type { IncomingMessage } from 'node:http';
import type { StatusEndpoint } from '../handler.js';
import { fromIncoming } from './node.js';

export interface KoaContext {
  req: IncomingMessage;
  originalUrl: string;
  status: number;
  body: unknown;
  set(headers: Record<string, string>): void;
}

/** Koa middleware: `app.use(status.koa())`. */
export function koaMiddleware(endpoint: StatusEndpoint) {
  return async (ctx: KoaContext, next: () => Promise<unknown>): Promise<void> => {
    const request = fromIncoming(ctx.req);
    request.url = ctx.originalUrl;
    const response = await endpoint.handle(request);
    if (!response) {
      await next();
      return;
    }
    ctx.status = response.status;
    ctx.set(response.headers);
    ctx.body = typeof response.body === 'string' ? response.body : Buffer.from(response.body);
  };
}
