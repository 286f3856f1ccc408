import type { AccessControl } from '../access/types.js';
import type { StatusHost } from '../host.js';
import type { RequestContext } from '../http/context.js';
import { withHeaders } from '../http/responses.js';
import { accountSection, documentPath } from './account.js';
import { rateLimitHeaders, refusal } from './headers.js';
import type { RateDecision, RateLimiter } from './limiter.js';

export interface StatusGuardOptions {
  /** Where the caller's `account` section goes in the status document; `false` for none. Default `account`. */
  account?: string | false;
  /**
   * Which request paths spend budget. Default: the status document, its component sub-paths
   * (including the maintenance admin endpoint) and metrics; liveness and readiness probes are exempt
   * so load balancers are never throttled.
   */
  match?: (pathname: string) => boolean;
  /** Names the caller (principal id and tier). Default: the status's own access control. */
  access?: AccessControl;
  /**
   * Mounts the limiter's health component here (`warning` while a failing store lets requests
   * through). Default `rateLimiter` for stores other than memory; `false` for none.
   */
  component?: string | false;
}

/**
 * Puts a rate limiter in front of a status: callers over their tier's budget get 429 (with
 * `Retry-After` and a JSON error), every answer carries the RateLimit headers, and the document can
 * carry the caller's own `account` section. Returns a function that takes it all back.
 */
export function guardStatus(
  status: StatusHost,
  limiter: RateLimiter,
  options: StatusGuardOptions = {},
): () => void {
  const match = options.match ?? statusPathMatcher(status);
  const decisions = new WeakMap<RequestContext, RateDecision>();
  const removals: Array<() => void> = [];

  removals.push(
    status.use(async (context, next) => {
      if (!match(context.pathname)) return next();
      const decision = await limiter.consume(
        limiter.subjectOf(context, await callerOf(context, options.access)),
      );
      if (!decision.allowed) return refusal(decision, status.envelope);
      decisions.set(context, decision);
      const response = await next();
      // Rendered responses may be shared through the render cache: copy, never mutate.
      return response && withHeaders(response, rateLimitHeaders(decision));
    }),
  );

  if (options.account !== false) {
    const path = documentPath(options.account ?? 'account', 'guardStatus: `account`').join('.');
    removals.push(
      status.decorate(path, (context) => {
        const decision = decisions.get(context);
        return decision ? accountSection(decision) : undefined;
      }),
    );
  }

  const component = options.component ?? (limiter.store.kind === 'memory' ? false : 'rateLimiter');
  if (component) {
    status.check(component, limiter.healthCheck(), { critical: false, cache: '1s' });
    removals.push(() => status.remove(component));
  }
  return () => {
    for (const remove of removals.splice(0)) remove();
  };
}

/**
 * Who spends the budget. The request's own decision is shared with the status routes (one
 * authentication per request); refused callers (bad credentials) are limited by address, so they
 * cannot escape the limit.
 */
async function callerOf(context: RequestContext, access: AccessControl | undefined) {
  const decision = access ? await access.authorize(context) : await context.authorize();
  return decision.allowed ? decision.principal : undefined;
}

function statusPathMatcher(status: StatusHost): (pathname: string) => boolean {
  const { status: statusPath, metrics: metricsPath } = status.paths;
  return (pathname) =>
    (statusPath !== false && (pathname === statusPath || pathname.startsWith(`${statusPath}/`))) ||
    (metricsPath !== false && pathname === metricsPath);
}
