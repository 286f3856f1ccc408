import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestMetrics } from '../requests.js';
import { observeResponse } from './node.js';

/** The part of an Express request the instrumentation reads (structural: no dependency on Express's types). */
export interface ExpressRequestLike extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

export interface ExpressInstrumentOptions<Req extends ExpressRequestLike = ExpressRequestLike> {
  /** Default: the matched route pattern (`req.baseUrl + req.route.path`); unmatched requests have none. */
  key?: (req: Req, res: ServerResponse) => string | undefined;
}

export function expressRouteKey(req: ExpressRequestLike): string | undefined {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : undefined;
}

/** Express middleware; mount it before the routes it should measure. */
export function expressMetrics<Req extends ExpressRequestLike = ExpressRequestLike>(
  metrics: RequestMetrics,
  options: ExpressInstrumentOptions<Req> = {},
) {
  const key = options.key ?? expressRouteKey;
  return (req: Req, res: ServerResponse, next: (error?: unknown) => void): void => {
    observeResponse(metrics, res, () => key(req, res));
    next();
  };
}
