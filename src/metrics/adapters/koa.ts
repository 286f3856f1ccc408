import type { Context, Next } from 'koa';
import type { RequestMetrics } from '../requests.js';
import { observeResponse } from './node.js';

export interface KoaInstrumentOptions {
  /** Default: @koa/router's matched route pattern (`ctx._matchedRoute`). */
  key?: (ctx: Context) => string | undefined;
}

export function koaRouteKey(ctx: Context): string | undefined {
  const route = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  return typeof route === 'string' ? route : undefined;
}

/**
 * Koa middleware; `app.use()` it first. It records when the response finishes rather than when
 * `next()` returns, so streamed bodies are timed to the end and thrown errors are counted with
 * the status Koa's error handler actually sent.
 */
export function koaMetrics(metrics: RequestMetrics, options: KoaInstrumentOptions = {}) {
  const key = options.key ?? koaRouteKey;
  return (ctx: Context, next: Next): Promise<unknown> => {
    observeResponse(metrics, ctx.res, () => key(ctx));
    return next();
  };
}
