import type { NextFunction, Request, Response } from 'express';
import type { RequestMetrics } from '../requests.js';
import { observeResponse } from './node.js';

export interface ExpressInstrumentOptions {
  /** Default: the matched route pattern (`req.baseUrl + req.route.path`); unmatched requests have none. */
  key?: (req: Request, res: Response) => string | undefined;
}

export function expressRouteKey(req: Request): string | undefined {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : undefined;
}

/** Express middleware; mount it before the routes it should measure. */
export function expressMetrics(metrics: RequestMetrics, options: ExpressInstrumentOptions = {}) {
  const key = options.key ?? expressRouteKey;
  return (req: Request, res: Response, next: NextFunction): void => {
    observeResponse(metrics, res, () => key(req, res));
    next();
  };
}
