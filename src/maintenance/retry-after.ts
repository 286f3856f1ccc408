import type { Middleware } from '../http/handler.js';
import { withHeaders } from '../http/responses.js';
import type { MaintenanceState } from './schedule.js';

/**
 * `Retry-After` on answers in maintenance (the maintenance HTTP code, 503 by default): when the
 * main window says when it ends, else the configured delay. Answers that carry one keep theirs.
 */
export function retryAfterMiddleware(
  state: () => MaintenanceState,
  maintenanceCode: () => number,
  fallbackMs: number | undefined,
  clock: () => number,
): Middleware {
  return async (_context, next) => {
    const current = state();
    const response = await next();
    if (!response || current.active.length === 0) return response;
    if (response.status !== maintenanceCode() || response.headers['retry-after']) return response;
    const seconds = retryAfterSeconds(current, fallbackMs, clock());
    return seconds === undefined ? response : withHeaders(response, { 'retry-after': String(seconds) });
  };
}

function retryAfterSeconds(
  state: MaintenanceState,
  fallbackMs: number | undefined,
  now: number,
): number | undefined {
  const main = state.active[0];
  const until = main.estimatedCompletion ?? main.end;
  if (until !== undefined && until > now) return Math.max(1, Math.ceil((until - now) / 1000));
  return fallbackMs === undefined ? undefined : Math.max(1, Math.ceil(fallbackMs / 1000));
}
