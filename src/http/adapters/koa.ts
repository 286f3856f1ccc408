import type { IncomingMessage } from 'node:http';
import { isPassThrough, type RequestHandler, settledResult } from '../types.js';
import { fromIncoming } from './node.js';

/** The part of a Koa context the adapters use (structural: no dependency on Koa's types). */
export interface KoaContext {
  req: IncomingMessage;
  /** `body` is set by body-parser middleware (koa-bodyparser, @koa/bodyparser). */
  request?: { body?: unknown };
  originalUrl: string;
  status: number;
  body: unknown;
  set(field: string, value: string | string[]): void;
}

/** Koa middleware around a handler. */
export function koaAdapter(handler: RequestHandler) {
  return async (ctx: KoaContext, next: () => Promise<unknown>): Promise<void> => {
    const result = await settledResult(handler, fromIncoming(ctx.req, ctx.request?.body, ctx.originalUrl));
    if (result === undefined || isPassThrough(result)) {
      if (result) setKoaHeaders(ctx, result.headers);
      await next();
      return;
    }
    ctx.status = result.status;
    setKoaHeaders(ctx, result.headers);
    ctx.body = typeof result.body === 'string' ? result.body : Buffer.from(result.body);
  };
}

function setKoaHeaders(ctx: KoaContext, headers: Readonly<Record<string, string | string[]>>): void {
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
}
