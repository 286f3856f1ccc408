/**
 * `GET /status?scope=cluster`: the cluster view on the status route, as a plug-in route. Requests
 * without a query string decline at once (synchronously), so `/status` keeps its hot path.
 */
import type { AccessDecision } from '../access/types.js';
import type { StatusHost } from '../host.js';
import { viewFor } from '../http/documents.js';
import type { Route } from '../http/handler.js';
import { parseQuery, QueryError, type StatusQuery } from '../http/query.js';
import { withoutBody } from '../http/responses.js';
import type { StatusResponse } from '../http/types.js';

/** The cluster document for one disclosure and query: rendered once per view, then served as bytes. */
export type ClusterAnswer = (details: boolean, pretty: boolean) => StatusResponse;

/** `scope` values that mean this instance's own document (answered by the status route). */
const OWN_SCOPES = new Set(['instance', 'local']);

export function clusterRoute(host: StatusHost, answer: ClusterAnswer): Route {
  return (context) => {
    const statusPath = host.paths.status;
    if (!statusPath || context.search === '' || context.pathname !== statusPath) return undefined;
    const scope = context.params.get('scope');
    if (scope === null || OWN_SCOPES.has(scope)) return undefined;
    if (scope !== 'cluster') {
      return badRequest(
        host,
        `query parameter "scope" must be cluster or instance, got "${scope.slice(0, 40)}"`,
      );
    }
    const method = context.method;
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(host, method);
    let query: StatusQuery;
    try {
      query = parseQuery(context.search);
    } catch (error) {
      if (error instanceof QueryError) return badRequest(host, error.message, error.status);
      throw error;
    }
    if (query.path !== undefined || query.format === 'health') {
      return badRequest(host, 'scope=cluster serves the whole cluster document: no path, no health format');
    }
    const respond = (decision: AccessDecision) => {
      if (!decision.allowed) return decision.response;
      const response = answer(viewFor(decision.disclosure, query).details, query.pretty);
      return method === 'HEAD' ? withoutBody(response) : response;
    };
    const decision = context.authorize();
    return decision instanceof Promise ? decision.then(respond) : respond(decision);
  };
}

function badRequest(host: StatusHost, message: string, status = 400): StatusResponse {
  return host.error({ status, code: status === 414 ? 'uri_too_long' : 'bad_request', message });
}

function methodNotAllowed(host: StatusHost, method: string): StatusResponse {
  const response = host.error({
    status: 405,
    code: 'method_not_allowed',
    message: `method ${String(method).slice(0, 20)} is not allowed here`,
  });
  response.headers.allow = 'GET, HEAD';
  return response;
}
