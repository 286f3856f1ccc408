/**
 * The transport-neutral status endpoint: (request) -> response, or undefined when the request is
 * not statuskit's (adapters then fall through to the app). Every request goes the same way:
 *
 *   request -> RequestContext (target parsed once, caller authenticated at most once)
 *           -> middleware (rate limits, maintenance's Retry-After, ...), outermost first
 *           -> plug-in routes (maintenance admin, dashboard, ...)
 *           -> status routes -> snapshot -> rendered (and cached) document
 *
 * Nothing a caller sends escapes as an exception: a malformed target is a 400, a bug is a 500
 * without details (the error goes to `onError`).
 */
import {
  type AccessControl,
  type AccessDecision,
  type Disclosure,
  FULL_DISCLOSURE,
  SUMMARY_DISCLOSURE,
} from '../access/types.js';
import type { HttpCodeMap } from '../model/http-codes.js';
import type { Decoration } from '../render/decorations.js';
import type { DocumentStyle } from '../render/document.js';
import { type EnvelopeOptions, type ErrorInfo, errorBody } from '../render/envelope.js';
import { HEALTH_JSON, type HealthIdentity } from '../render/health-json.js';
import { parseMountPath } from '../tree/paths.js';
import type { Snapshot } from '../tree/snapshot.js';
import { BodyError } from './body.js';
import { type MaybePromise, RequestContext } from './context.js';
import { Documents } from './documents.js';
import type { ProbeKind, Probes } from './probe-answers.js';
import type { HealthGroup } from './probes.js';
import { MAX_URL_LENGTH, parseQuery, QueryError, type StatusQuery } from './query.js';
import { json, withoutBody } from './responses.js';
import { parseRequestTarget } from './target.js';
import { headerValue, type StatusRequest, type StatusResponse } from './types.js';

export type { MaybePromise } from './context.js';
export { json } from './responses.js';

export interface EndpointPaths {
  /** The status document; `<status>/<component path>` serves one component. Default `/status`. */
  status: string | false;
  /** Liveness: the process answers (no checks run unless a liveness group names some). Default `/health/live`. */
  live: string | false;
  /**
   * Readiness: the overall level, or a readiness group's; not ready while shutting down or while the
   * app says so. Default `/health/ready`.
   */
  ready: string | false;
  /** Prometheus exposition, when a metrics renderer is configured. Default `/metrics`. */
  metrics: string | false;
  /** Startup: 503 while the service starts, 200 once it has. Default `/health/started`. */
  started: string | false;
  /** Where named health groups are served: `<groups>/<name>`. Default `/health`. */
  groups: string | false;
  /** Build and runtime facts, when `info` is configured. Default `/info`. */
  info: string | false;
}

/** Where each door is served unless `paths` says otherwise. */
export const DEFAULT_PATHS: Readonly<EndpointPaths> = Object.freeze({
  status: '/status',
  live: '/health/live',
  ready: '/health/ready',
  started: '/health/started',
  groups: '/health',
  metrics: '/metrics',
  info: '/info',
});

/** A plug-in route (maintenance admin, dashboard, ...): answers the request, or undefined to pass it on. */
export type Route = (context: RequestContext) => MaybePromise<StatusResponse | undefined>;

/**
 * Wraps everything after it: call `next()` to continue, or answer yourself. Middleware sees every
 * request an adapter hands over, before plug-in routes and status routes.
 */
export type Middleware = (
  context: RequestContext,
  next: () => Promise<StatusResponse | undefined>,
) => Promise<StatusResponse | undefined>;

/** Removes what was added (a middleware, route, decoration or override). */
export type Removal = () => void;

export interface MetricsRenderer {
  render(accept: string | undefined, snapshot: Snapshot): { contentType: string; body: string | Uint8Array };
}

export interface EndpointConfig {
  paths: EndpointPaths;
  style: DocumentStyle;
  httpCodes: HttpCodeMap;
  envelope?: EnvelopeOptions;
  identity: HealthIdentity;
  access?: AccessControl;
  /** Disclosure for every caller when there is no access control (default: full). */
  disclosure?: Disclosure;
  metrics?: MetricsRenderer;
  snapshot: () => Snapshot | Promise<Snapshot>;
  /** The probes' answers (lifecycle, readiness held back, health groups). */
  probes: Probes;
  /** Named health groups, for `<groups>/<name>` and `?group=`. */
  groups: ReadonlyMap<string, HealthGroup>;
  /** The `/info` document, when configured. */
  info?: () => Record<string, unknown>;
  onError?: (error: unknown) => void;
}

const ALLOW = 'GET, HEAD';

type OwnRoute =
  | { kind: 'status' }
  | { kind: 'component'; rest: string }
  | { kind: 'probe'; probe: ProbeKind }
  | { kind: 'group'; group: HealthGroup }
  | { kind: 'info' }
  | { kind: 'metrics' };

export class StatusEndpoint {
  /**
   * Answers a request, or undefined when it is not ours. Never throws or rejects. Synchronous when
   * everything it needs is at hand (a cached document, no async access check): the hot path
   * allocates no promise. A bound function, so adapters can take it as it is.
   */
  readonly handle: (request: StatusRequest) => MaybePromise<StatusResponse | undefined>;
  private middlewares: readonly Middleware[] = [];
  private routes: readonly Route[] = [];
  private readonly decorations: Decoration<RequestContext>[] = [];
  private documents: Documents;
  private readonly groupDocuments = new Map<string, Documents>();
  private readonly authorizer: (context: RequestContext) => MaybePromise<AccessDecision>;
  /** `/health/`, when groups are configured: matched without building a string per request. */
  private readonly groupPrefix: string | undefined;

  constructor(readonly config: EndpointConfig) {
    this.handle = (request) => this.answer(request);
    const access = config.access;
    const open: AccessDecision = { allowed: true, disclosure: config.disclosure ?? FULL_DISCLOSURE };
    this.authorizer = access ? (context) => this.inFormat(access.authorize(context)) : () => open;
    this.documents = this.newDocuments();
    const { groups } = config.paths;
    this.groupPrefix = groups && config.groups.size > 0 ? `${groups}/` : undefined;
  }

  /** Adds a middleware; the first added is the outermost. */
  use(middleware: Middleware): Removal {
    if (typeof middleware !== 'function') throw new TypeError('use: expected a function');
    this.middlewares = [...this.middlewares, middleware];
    return () => {
      this.middlewares = this.middlewares.filter((m) => m !== middleware);
    };
  }

  /** Adds a route answered before the status routes. */
  addRoute(route: Route): Removal {
    if (typeof route !== 'function') throw new TypeError('addRoute: expected a function');
    this.routes = [...this.routes, route];
    return () => {
      this.routes = this.routes.filter((r) => r !== route);
    };
  }

  /**
   * Puts a per-request value at `path` of every status document (seed 002's `account`). The rest of
   * the document stays cached; only the value is serialized per request.
   */
  decorate(path: string, read: (context: RequestContext) => unknown): Removal {
    if (typeof read !== 'function') throw new TypeError('decorate: expected a function');
    const decoration: Decoration<RequestContext> = { path: parseMountPath(path), read };
    this.decorations.push(decoration);
    this.documents = this.newDocuments();
    this.groupDocuments.clear();
    return () => {
      const index = this.decorations.indexOf(decoration);
      if (index !== -1) this.decorations.splice(index, 1);
      this.documents = this.newDocuments();
      this.groupDocuments.clear();
    };
  }

  /**
   * Refusals of the access control in this endpoint's format: with an envelope, its `{error,
   * message}` body becomes the error envelope (headers such as `WWW-Authenticate` stay), so 401s
   * look like every other error of the API.
   */
  private inFormat(decision: MaybePromise<AccessDecision>): MaybePromise<AccessDecision> {
    if (!this.config.envelope) return decision;
    if (decision instanceof Promise)
      return decision.then((settled) => this.inFormat(settled) as AccessDecision);
    if (decision.allowed) return decision;
    const info = errorInfoOf(decision.response);
    if (!info) return decision;
    const { 'content-length': _length, ...headers } = decision.response.headers;
    const formatted = this.error(info);
    return { allowed: false, response: { ...formatted, headers: { ...headers, ...formatted.headers } } };
  }

  /** An error answer in this endpoint's format (seed 002's error envelope when configured). */
  error(info: ErrorInfo): StatusResponse {
    return json(info.status, errorBody(info, this.config.envelope), false);
  }

  private newDocuments(): Documents {
    const { style, httpCodes, envelope, identity } = this.config;
    return new Documents(
      { style, httpCodes, envelope, identity, error: (info) => this.error(info) },
      this.decorations,
    );
  }

  private answer(request: StatusRequest): MaybePromise<StatusResponse | undefined> {
    try {
      const url = request.url;
      if (typeof url !== 'string' || url.length > MAX_URL_LENGTH) {
        return this.error({
          status: 414,
          code: 'uri_too_long',
          message: `request URI longer than ${MAX_URL_LENGTH} characters`,
        });
      }
      const target = parseRequestTarget(url);
      if (!target.ok) return this.error({ status: 400, code: 'bad_request', message: target.reason });
      const context = new RequestContext(request, target, this.authorizer);
      const result =
        this.middlewares.length > 0 ? this.through(this.middlewares, 0, context) : this.inner(context);
      return result instanceof Promise ? result.catch((error) => this.failure(error)) : result;
    } catch (error) {
      return this.failure(error);
    }
  }

  private async through(
    chain: readonly Middleware[],
    index: number,
    context: RequestContext,
  ): Promise<StatusResponse | undefined> {
    if (index === chain.length) return this.inner(context);
    return chain[index](context, () => this.through(chain, index + 1, context));
  }

  private inner(context: RequestContext): MaybePromise<StatusResponse | undefined> {
    return this.routes.length > 0 ? this.throughRoutes(this.routes, 0, context) : this.own(context);
  }

  /**
   * Plug-in routes in order. Synchronous while they decline synchronously (a dashboard asked for
   * `/status`), so a cached document still needs no promise.
   */
  private throughRoutes(
    routes: readonly Route[],
    from: number,
    context: RequestContext,
  ): MaybePromise<StatusResponse | undefined> {
    for (let index = from; index < routes.length; index++) {
      const response = routes[index](context);
      if (response instanceof Promise)
        return response.then((settled) => settled ?? this.throughRoutes(routes, index + 1, context));
      if (response) return response;
    }
    return this.own(context);
  }

  private own(context: RequestContext): MaybePromise<StatusResponse | undefined> {
    const route = this.route(context.pathname);
    if (!route) return undefined;
    const method = context.method;
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) {
      const response = this.error({
        status: 405,
        code: 'method_not_allowed',
        message: `method ${String(method).slice(0, 20)} is not allowed here`,
      });
      response.headers.allow = ALLOW;
      return response;
    }
    const response = this.dispatch(route, context);
    if (!head) return response;
    return response instanceof Promise ? response.then(withoutBody) : withoutBody(response);
  }

  private failure(error: unknown): StatusResponse {
    if (error instanceof QueryError)
      return this.error({ status: error.status, code: codeFor(error.status), message: error.message });
    if (error instanceof BodyError)
      return this.error({ status: error.status, code: 'bad_request', message: error.message });
    try {
      this.config.onError?.(error);
    } catch {
      // A failing error hook must not turn a 500 into a crash.
    }
    return this.error({ status: 500, code: 'internal_error', message: 'Unable to retrieve system status' });
  }

  private route(pathname: string): OwnRoute | undefined {
    const { paths } = this.config;
    if (paths.live && pathname === paths.live) return { kind: 'probe', probe: 'live' };
    if (paths.ready && pathname === paths.ready) return { kind: 'probe', probe: 'ready' };
    if (paths.started && pathname === paths.started) return { kind: 'probe', probe: 'started' };
    if (this.groupPrefix && pathname.startsWith(this.groupPrefix)) {
      const group = this.config.groups.get(pathname.slice(this.groupPrefix.length));
      if (group) return { kind: 'group', group };
    }
    if (paths.info && this.config.info && pathname === paths.info) return { kind: 'info' };
    if (paths.metrics && this.config.metrics && pathname === paths.metrics) return { kind: 'metrics' };
    if (paths.status) {
      if (pathname === paths.status) return { kind: 'status' };
      if (pathname.startsWith(`${paths.status}/`))
        return { kind: 'component', rest: pathname.slice(paths.status.length + 1) };
    }
    return undefined;
  }

  private dispatch(route: OwnRoute, context: RequestContext): MaybePromise<StatusResponse> {
    if (route.kind === 'probe') return this.config.probes.respond(route.probe, context);
    if (route.kind === 'group') return this.config.probes.respondGroup(route.group, context);
    const query = context.search === '' ? defaultQuery() : parseQuery(context.search);
    if (query.format === undefined && headerValue(context.headers, 'accept')?.includes(HEALTH_JSON))
      query.format = 'health';
    const decision = context.authorize();
    if (decision instanceof Promise) return decision.then((d) => this.authorized(route, context, query, d));
    return this.authorized(route, context, query, decision);
  }

  private authorized(
    route: OwnRoute,
    context: RequestContext,
    query: StatusQuery,
    decision: AccessDecision,
  ): MaybePromise<StatusResponse> {
    if (!decision.allowed) return decision.response;
    if (route.kind === 'info') return json(200, this.config.info!(), query.pretty);
    const snapshot = this.config.snapshot();
    if (snapshot instanceof Promise)
      return snapshot.then((s) => this.respond(route, context, query, decision.disclosure, s));
    return this.respond(route, context, query, decision.disclosure, snapshot);
  }

  private respond(
    route: OwnRoute,
    context: RequestContext,
    query: StatusQuery,
    disclosure: Disclosure,
    snapshot: Snapshot,
  ): StatusResponse {
    if (route.kind === 'metrics') return this.metrics(context, snapshot, disclosure);
    if (route.kind === 'component') return this.documents.component(route.rest, snapshot, disclosure, query);
    if (query.group !== undefined) return this.groupDocument(context, snapshot, disclosure, query);
    return this.documents.document(context, snapshot, disclosure, query);
  }

  /**
   * `/status?group=payments`: the group's members (and the document's frame), its level by the
   * group's aggregation, its code by the group's codes; a group without details shows the summary.
   */
  private groupDocument(
    context: RequestContext,
    snapshot: Snapshot,
    disclosure: Disclosure,
    query: StatusQuery,
  ): StatusResponse {
    const group = this.config.groups.get(query.group!);
    if (!group) {
      const known = [...this.config.groups.keys()].join(', ') || 'none';
      return this.error({
        status: 404,
        code: 'not_found',
        message: `no health group "${query.group!.slice(0, 100)}" (groups: ${known})`,
      });
    }
    const documents = this.documentsOf(group);
    const shown = group.details ? disclosure : SUMMARY_DISCLOSURE;
    return documents.document(context, this.config.probes.groupSnapshot(group, snapshot), shown, query);
  }

  private documentsOf(group: HealthGroup): Documents {
    let documents = this.groupDocuments.get(group.name);
    if (!documents) {
      const { style, envelope, identity } = this.config;
      documents = new Documents(
        { style, httpCodes: group.httpCodes, envelope, identity, error: (info) => this.error(info) },
        this.decorations,
      );
      this.groupDocuments.set(group.name, documents);
    }
    return documents;
  }

  private metrics(context: RequestContext, snapshot: Snapshot, disclosure: Disclosure): StatusResponse {
    if (!disclosure.details)
      return this.error({
        status: 404,
        code: 'not_found',
        message: 'metrics are not visible to this caller',
      });
    const { contentType, body } = this.config.metrics!.render(
      headerValue(context.headers, 'accept'),
      snapshot,
    );
    return { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body };
  }
}

/** The `{error, message}` of a JSON error answer, when it is one. */
function errorInfoOf(response: StatusResponse): ErrorInfo | undefined {
  try {
    const text = typeof response.body === 'string' ? response.body : new TextDecoder().decode(response.body);
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof parsed.error !== 'string' || typeof parsed.message !== 'string') return undefined;
    return { status: response.status, code: parsed.error, message: parsed.message };
  } catch {
    return undefined;
  }
}

function defaultQuery(): StatusQuery {
  return {
    pretty: false,
    details: undefined,
    path: undefined,
    pathText: undefined,
    format: undefined,
    group: undefined,
  };
}

function codeFor(status: number): string {
  return status === 414 ? 'uri_too_long' : status === 404 ? 'not_found' : 'bad_request';
}
