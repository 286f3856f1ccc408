import type { AccessControl, AccessDecision } from '../access/types.js';
import type { StatusRequest } from '../http/types.js';
import type { StatusKit } from '../status.js';
import { accountSection, documentPath, placeAt } from './account.js';
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
 * carry the caller's own `account` section.
 */
export function guardStatus(status: StatusKit, limiter: RateLimiter, options: StatusGuardOptions = {}): void {
  const config = status.endpoint.config;
  const access = options.access ?? memoizeAccess(status);
  const match = options.match ?? statusPathMatcher(status);
  const decisions = new WeakMap<StatusRequest, RateDecision>();

  status.use(async (request, next) => {
    if (!match(pathOf(request.url))) return next(request);
    const principal = access ? allowedPrincipal(await access.authorize(request)) : undefined;
    const decision = await limiter.consume(limiter.subjectOf(request, principal));
    if (!decision.allowed) return refusal(decision, config.envelope);
    decisions.set(request, decision);
    const response = await next(request);
    // Rendered responses may be shared through the render cache: copy, never mutate.
    return response && { ...response, headers: { ...response.headers, ...rateLimitHeaders(decision) } };
  });

  if (options.account !== false) {
    const path = documentPath(options.account ?? 'account', 'guardStatus: `account`');
    status.decorate((document, request) => {
      const decision = decisions.get(request);
      if (decision) placeAt(document, path, accountSection(decision));
    });
  }

  const component = options.component ?? (limiter.store.kind === 'memory' ? false : 'rateLimiter');
  if (component) status.check(component, limiter.healthCheck(), { critical: false, cache: '1s' });
}

/** Refused callers (bad credentials) are limited by address: they must not escape the limit. */
function allowedPrincipal(decision: AccessDecision) {
  return decision.allowed ? decision.principal : undefined;
}

/**
 * The guard and the endpoint both ask who is calling. Authenticating twice would double the cost
 * and could trip replay checks (HTTP Digest nonce counts), so the status's access control is
 * wrapped to remember its decision per request object.
 */
function memoizeAccess(status: StatusKit): AccessControl | undefined {
  const config = status.endpoint.config;
  const inner = config.access;
  if (!inner) return undefined;
  if ((inner as { [MEMO]?: true })[MEMO]) return inner;
  const decided = new WeakMap<StatusRequest, ReturnType<AccessControl['authorize']>>();
  const memo = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === MEMO) return true;
      if (property !== 'authorize') return Reflect.get(target, property, receiver);
      return (request: StatusRequest) => {
        let decision = decided.get(request);
        if (decision === undefined) {
          decision = target.authorize(request);
          decided.set(request, decision);
        }
        return decision;
      };
    },
  });
  config.access = memo;
  return memo;
}

const MEMO = Symbol.for('statuskit.memoizedAccess');

function statusPathMatcher(status: StatusKit): (pathname: string) => boolean {
  const { paths } = status.endpoint.config;
  const statusPath = paths.status;
  const metricsPath = paths.metrics;
  return (pathname) =>
    (statusPath !== false && (pathname === statusPath || pathname.startsWith(`${statusPath}/`))) ||
    (metricsPath !== false && pathname === metricsPath);
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
