import { type AccessControl, type Disclosure, FULL_DISCLOSURE } from '../access/types.js';
import type { HttpCodeMap } from '../model/http-codes.js';
import type { Level } from '../model/levels.js';
import { type DocumentStyle, renderComponent, renderDocument, type View } from '../render/document.js';
import { type EnvelopeOptions, type ErrorInfo, errorBody, wrapInEnvelope } from '../render/envelope.js';
import { HEALTH_JSON, type HealthIdentity, renderHealthJson } from '../render/health-json.js';
import { formatPath, getAtPath, parsePath } from '../tree/paths.js';
import { findNode, type Snapshot } from '../tree/snapshot.js';
import { groupVerdict, type ProbeGroup, type ProbeVerdict } from './probes.js';
import { MAX_URL_LENGTH, parseQuery, QueryError, type StatusQuery } from './query.js';
import { headerValue, type StatusRequest, type StatusResponse } from './types.js';

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
}

/** Extra routes other modules add (maintenance admin, SSE, ...): they get the request and the access decision. */
export type ExtraRoute = (
  request: StatusRequest,
  pathname: string,
) => Promise<StatusResponse | undefined> | StatusResponse | undefined;

/**
 * Wraps the whole handler (rate limits, maintenance): call `next` to continue, or answer yourself.
 * Middleware sees every request an adapter hands over, before extra routes and status routes.
 */
export type EndpointMiddleware = (
  request: StatusRequest,
  next: (request: StatusRequest) => Promise<StatusResponse | undefined>,
) => Promise<StatusResponse | undefined>;

export interface MetricsRenderer {
  render(accept: string | undefined, snapshot: Snapshot): { contentType: string; body: string };
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
  isDraining: () => boolean;
  /** Components each probe depends on; without a group, liveness runs nothing and readiness uses the overall level. */
  probes?: { live?: ProbeGroup; ready?: ProbeGroup };
  /** Why the app holds readiness back (warming up, draining on demand); undefined when it does not. */
  notReadyReason?: () => string | undefined;
  onError?: (error: unknown) => void;
  /** Adds fields computed per request (e.g. the caller's rate-limit `account`), merged into the document. */
  decorate?: (document: Record<string, unknown>, request: StatusRequest) => void;
}

const ALLOW = 'GET, HEAD';
const RENDER_CACHE_LIMIT = 256;

/**
 * The transport-neutral status endpoint: (request) -> response, or undefined when the path is not
 * one of ours (adapters then fall through to the app). Rendered bytes are cached per snapshot
 * version, disclosure tier and query, so a cached document is served without serialising again.
 */
export class StatusEndpoint {
  private cacheVersion = -1;
  private readonly cache = new Map<string, StatusResponse>();
  private readonly routes: ExtraRoute[] = [];
  private readonly middlewares: EndpointMiddleware[] = [];

  constructor(readonly config: EndpointConfig) {}

  /** Whether a path may belong to this endpoint (adapters use it to decide before handing over). */
  matches(pathname: string): boolean {
    return this.routes.length > 0 || this.middlewares.length > 0 || this.route(pathname) !== undefined;
  }

  /** Routes answered before the status routes (maintenance admin, dashboard, ...). */
  addRoute(route: ExtraRoute): void {
    this.routes.push(route);
  }

  /**
   * Answers a request, or undefined when the path is not ours. Synchronous when everything it needs
   * is at hand (a cached document, no async access check): the hot path allocates no promise.
   */
  /** Adds a middleware; the first added is the outermost. */
  use(middleware: EndpointMiddleware): void {
    if (typeof middleware !== 'function') throw new TypeError('use: expected a function');
    this.middlewares.push(middleware);
  }

  handle(request: StatusRequest): MaybePromise<StatusResponse | undefined> {
    if (this.middlewares.length > 0) return this.handleThrough(0, request);
    return this.handleInner(request);
  }

  private async handleThrough(index: number, request: StatusRequest): Promise<StatusResponse | undefined> {
    if (index === this.middlewares.length) return this.handleInner(request);
    return this.middlewares[index](request, (next) => this.handleThrough(index + 1, next));
  }

  private handleInner(request: StatusRequest): MaybePromise<StatusResponse | undefined> {
    if (this.routes.length > 0) return this.handleWithRoutes(request);
    return this.handleOwn(request);
  }

  private async handleWithRoutes(request: StatusRequest): Promise<StatusResponse | undefined> {
    const q = request.url.indexOf('?');
    const pathname = q === -1 ? request.url : request.url.slice(0, q);
    for (const route of this.routes) {
      const response = await route(request, pathname);
      if (response) return response;
    }
    return this.handleOwn(request);
  }

  private handleOwn(request: StatusRequest): MaybePromise<StatusResponse | undefined> {
    if (request.url.length > MAX_URL_LENGTH) {
      return this.error({
        status: 414,
        code: 'uri_too_long',
        message: `request URI longer than ${MAX_URL_LENGTH} characters`,
      });
    }
    const { pathname, search } = splitUrl(request.url);
    const route = this.route(pathname);
    if (!route) return undefined;
    const method = request.method;
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) {
      const response = this.error({
        status: 405,
        code: 'method_not_allowed',
        message: `method ${method} is not allowed here`,
      });
      response.headers.allow = ALLOW;
      return response;
    }
    try {
      const response = this.dispatch(route, request, search);
      if (response instanceof Promise)
        return response.then(
          (r) => (head ? withoutBody(r) : r),
          (e) => this.failure(e),
        );
      return head ? withoutBody(response) : response;
    } catch (error) {
      return this.failure(error);
    }
  }

  private failure(error: unknown): StatusResponse {
    if (error instanceof QueryError)
      return this.error({ status: error.status, code: codeFor(error.status), message: error.message });
    this.config.onError?.(error);
    return this.error({ status: 500, code: 'internal_error', message: 'Unable to retrieve system status' });
  }

  private route(pathname: string): Route | undefined {
    const { paths } = this.config;
    const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
    if (paths.live && path === paths.live) return { kind: 'live' };
    if (paths.ready && path === paths.ready) return { kind: 'ready' };
    if (paths.metrics && this.config.metrics && path === paths.metrics) return { kind: 'metrics' };
    if (paths.status) {
      if (path === paths.status) return { kind: 'status' };
      if (path.startsWith(`${paths.status}/`))
        return { kind: 'component', rest: path.slice(paths.status.length + 1) };
    }
    return undefined;
  }

  private dispatch(route: Route, request: StatusRequest, search: string): MaybePromise<StatusResponse> {
    if (route.kind === 'live') return this.live();
    if (route.kind === 'ready') return this.ready();
    const query = search === '' ? defaultQuery() : parseQuery(search);
    if (query.format === undefined && headerValue(request.headers, 'accept')?.includes(HEALTH_JSON))
      query.format = 'health';
    if (this.config.access) return this.authorizeThen(route, request, search, query);
    return this.withSnapshot(route, request, search, query, this.config.disclosure ?? FULL_DISCLOSURE);
  }

  private async authorizeThen(
    route: Route,
    request: StatusRequest,
    search: string,
    query: StatusQuery,
  ): Promise<StatusResponse> {
    const decision = await this.config.access!.authorize(request);
    if (!decision.allowed) return decision.response;
    return this.withSnapshot(route, request, search, query, decision.disclosure);
  }

  private withSnapshot(
    route: Route,
    request: StatusRequest,
    search: string,
    query: StatusQuery,
    disclosure: Disclosure,
  ): MaybePromise<StatusResponse> {
    const snapshot = this.config.snapshot();
    if (snapshot instanceof Promise)
      return snapshot.then((s) => this.respond(route, request, search, query, disclosure, s));
    return this.respond(route, request, search, query, disclosure, snapshot);
  }

  private respond(
    route: Route,
    request: StatusRequest,
    search: string,
    query: StatusQuery,
    disclosure: Disclosure,
    snapshot: Snapshot,
  ): StatusResponse {
    if (route.kind === 'metrics') return this.metrics(request, snapshot, disclosure);
    if (route.kind === 'component') return this.component(route.rest, snapshot, disclosure, query);
    if (this.config.decorate) return this.document(snapshot, disclosure, query, request);
    const key = `${disclosure.key}|${query.format ?? ''}|${search}`;
    return this.cached(key, snapshot, () => this.document(snapshot, disclosure, query));
  }

  private cached(key: string, snapshot: Snapshot, produce: () => StatusResponse): StatusResponse {
    if (this.cacheVersion !== snapshot.version) {
      this.cache.clear();
      this.cacheVersion = snapshot.version;
    }
    let response = this.cache.get(key);
    if (!response) {
      response = produce();
      if (this.cache.size >= RENDER_CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, response);
    }
    return response;
  }

  private document(
    snapshot: Snapshot,
    disclosure: Disclosure,
    query: StatusQuery,
    request?: StatusRequest,
  ): StatusResponse {
    const view = viewFor(disclosure, query);
    const status = this.config.httpCodes[snapshot.level];
    if (query.format === 'health') {
      return json(status, renderHealthJson(snapshot, this.config.identity, view), query.pretty, HEALTH_JSON);
    }
    let document = renderDocument(snapshot, this.config.style, view);
    if (request && this.config.decorate) this.config.decorate(document, request);
    if (query.path) {
      const found = getAtPath(document, query.path);
      if (!found.found) return this.notFound(`path "${query.pathText}" not found in the document`);
      return json(status, found.value, query.pretty);
    }
    if (this.config.envelope) document = wrapInEnvelope(document, snapshot.level, this.config.envelope);
    return json(status, document, query.pretty);
  }

  private component(
    rest: string,
    snapshot: Snapshot,
    disclosure: Disclosure,
    query: StatusQuery,
  ): StatusResponse {
    const view = viewFor(disclosure, query);
    const segments = componentSegments(rest);
    const node = segments && view.details ? findNode(snapshot.root, segments) : undefined;
    if (!node)
      return this.notFound(`component "${rest.slice(0, 200)}" not found or not visible to this caller`);
    const level: Level = node.level ?? 'ok';
    let body = renderComponent(node, snapshot, this.config.style, view);
    if (query.path) {
      const found = getAtPath(body, query.path);
      if (!found.found)
        return this.notFound(`path "${query.pathText}" not found in component "${formatPath(segments!)}"`);
      body = found.value;
    }
    return json(this.config.httpCodes[level], body, query.pretty);
  }

  private live(): MaybePromise<StatusResponse> {
    const group = this.config.probes?.live;
    if (!group) return this.probe('ok', 200);
    return this.judge((snapshot) => groupVerdict(group, snapshot));
  }

  private ready(): MaybePromise<StatusResponse> {
    if (this.config.isDraining()) return this.probe('critical', 503, 'shutting down');
    const heldBack = this.config.notReadyReason?.();
    if (heldBack !== undefined) return this.probe('critical', 503, heldBack);
    const group = this.config.probes?.ready;
    return this.judge((snapshot) => (group ? groupVerdict(group, snapshot) : { level: snapshot.level }));
  }

  /** A probe answer from the current snapshot: the verdict's level, its code, and its reason. */
  private judge(verdictOf: (snapshot: Snapshot) => ProbeVerdict): MaybePromise<StatusResponse> {
    const answer = (snapshot: Snapshot) => {
      const { level, reason } = verdictOf(snapshot);
      return this.probe(level, this.config.httpCodes[level], reason);
    };
    const snapshot = this.config.snapshot();
    return snapshot instanceof Promise ? snapshot.then(answer) : answer(snapshot);
  }

  private probe(level: Level, status: number, reason?: string): StatusResponse {
    const body: Record<string, unknown> = { status: this.config.style.vocabulary.overall[level] };
    if (reason) body.reason = reason;
    return json(status, body, false);
  }

  private metrics(request: StatusRequest, snapshot: Snapshot, disclosure: Disclosure): StatusResponse {
    if (!disclosure.details) return this.notFound('metrics are not visible to this caller');
    const { contentType, body } = this.config.metrics!.render(
      headerValue(request.headers, 'accept'),
      snapshot,
    );
    return { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body };
  }

  private notFound(message: string): StatusResponse {
    return this.error({ status: 404, code: 'not_found', message });
  }

  error(info: ErrorInfo): StatusResponse {
    return json(info.status, errorBody(info, this.config.envelope), false);
  }
}

export type MaybePromise<T> = T | Promise<T>;

function defaultQuery(): StatusQuery {
  return { pretty: false, details: undefined, path: undefined, pathText: undefined, format: undefined };
}

function withoutBody(response: StatusResponse): StatusResponse {
  return { ...response, body: '' };
}

type Route =
  | { kind: 'status' }
  | { kind: 'component'; rest: string }
  | { kind: 'live' }
  | { kind: 'ready' }
  | { kind: 'metrics' };

/** The caller's tier caps what they see; `?details=false` can only hide more. */
function viewFor(disclosure: Disclosure, query: StatusQuery): View {
  const details = disclosure.details && query.details !== false;
  return { details, messages: details && disclosure.messages };
}

/** `/status/applications/dialog` or `/status/applications.dialog`. */
function componentSegments(rest: string): string[] | undefined {
  try {
    const decoded = decodeURIComponent(rest);
    const segments = decoded.includes('/') ? decoded.split('/') : parsePath(decoded).map(String);
    return segments.every((s) => s !== '') ? segments : undefined;
  } catch {
    return undefined;
  }
}

function splitUrl(url: string): { pathname: string; search: string } {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  // Absolute-form request targets (`GET http://host/status`) are legal HTTP/1.1.
  const pathname =
    rawPath.startsWith('http://') || rawPath.startsWith('https://') ? new URL(rawPath).pathname : rawPath;
  return { pathname, search: q === -1 ? '' : url.slice(q + 1) };
}

function codeFor(status: number): string {
  return status === 414 ? 'uri_too_long' : status === 404 ? 'not_found' : 'bad_request';
}

const encoder = new TextEncoder();

export function json(
  status: number,
  value: unknown,
  pretty: boolean,
  contentType = 'application/json',
): StatusResponse {
  const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
  const body = encoder.encode(text ?? 'null');
  return {
    status,
    headers: {
      'content-type': `${contentType}; charset=utf-8`,
      'cache-control': 'no-store',
      'content-length': String(body.byteLength),
    },
    body,
  };
}
