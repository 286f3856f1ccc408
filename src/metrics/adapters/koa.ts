import type { ServerResponse } from 'node:http';
import type { RequestMetrics } from '../requests.js';
import { observeResponse } from './node.js';

/** The part of a Koa context the instrumentation reads (structural: no dependency on Koa's types). */
export interface KoaContextLike {
  res: ServerResponse;
  /** Set by @koa/router to the matched route pattern. */
  _matchedRoute?: unknown;
}

export interface KoaInstrumentOptions<Ctx extends KoaContextLike = KoaContextLike> {
  /** Default: @koa/router's matched route pattern (`ctx._matchedRoute`). */
  key?: (ctx: Ctx) => string | undefined;
}

export function koaRouteKey(ctx: KoaContextLike): string | undefined {
  return typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : undefined;
}

/**
 * Koa middleware; `app.use()` it first. It records when the response finishes rather than when
 * `next()` returns, so streamed bodies are timed to the end and thrown errors are counted with
 * the status Koa's error handler actually sent.
 */
export function koaMetrics<Ctx extends KoaContextLike = KoaContextLike>(
  metrics: RequestMetrics,
  options: KoaInstrumentOptions<Ctx> = {},
) {
  const key = options.key ?? koaRouteKey;
  return (ctx: Ctx, next: () => Promise<unknown>): Promise<unknown> => {
    observeResponse(metrics, ctx.res, () => key(ctx));
    return next();
  };
}
