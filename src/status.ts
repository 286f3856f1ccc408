import { createServer, type RequestListener, type Server } from 'node:http';
import { redact as defaultRedact } from './access/redact.js';
import type { AccessControl, Disclosure } from './access/types.js';
import type { LevelOverride, StatusHost } from './host.js';
import { expressAdapter } from './http/adapters/express.js';
import { fastifyAdapter } from './http/adapters/fastify.js';
import { fetchAdapter } from './http/adapters/fetch.js';
import { honoAdapter } from './http/adapters/hono.js';
import { koaAdapter } from './http/adapters/koa.js';
import { nodeAdapter, writeResponse } from './http/adapters/node.js';
import type { RequestContext } from './http/context.js';
import {
  type EndpointPaths,
  type MetricsRenderer,
  type Middleware,
  type ReadinessReview,
  type Removal,
  type Route,
  StatusEndpoint,
} from './http/handler.js';
import { type ProbeGroupOptions, probeGroup } from './http/probes.js';
import type { StatusRequest, StatusResponse } from './http/types.js';
import { type Aggregator, worstOfCritical } from './model/aggregate.js';
import type { HttpCodeMap } from './model/http-codes.js';
import { resolveHttpCodes } from './model/http-codes.js';
import type { Level } from './model/levels.js';
import type { CheckFunction } from './model/result.js';
import { resolveVocabulary, type Vocabulary, type VocabularyInput } from './model/vocabulary.js';
import type { DocumentStyle } from './render/document.js';
import type { EnvelopeOptions, ErrorInfo } from './render/envelope.js';
import type { HealthIdentity } from './render/health-json.js';
import { type LayoutOptions, resolveLayout } from './render/layout.js';
import type { CheckOptions, CheckRunner, Redactor } from './tree/check-runner.js';
import { Evaluator } from './tree/evaluate.js';
import { toLeaf } from './tree/leaves.js';
import type { NodeOptions } from './tree/nodes.js';
import type { Snapshot } from './tree/snapshot.js';
import { StatusTree } from './tree/tree.js';
import { type Duration, optionalDuration } from './util/duration.js';
import { listenOn } from './util/listen.js';

export interface StatusOptions {
  /** Words for levels: a built-in name (`okKo`, `operational`, `passFail`, `upDown`, `okError`) or your own. */
  vocabulary?: VocabularyInput;
  layout?: LayoutOptions;
  /** Wrap documents in seed 002's `{ success, message, data, metadata }`; errors use its error envelope. */
  envelope?: EnvelopeOptions | boolean;
  /** Level -> HTTP code overrides. Default ok/warning/unknown 200, critical/maintenance 503. */
  httpCodes?: Partial<Record<Level, number>>;
  aggregate?: Aggregator;
  /** The whole document is ready by then; later checks are reported as timed out. Default 10 s. */
  deadline?: Duration;
  /** Defaults for every check (timeout, cache, ...). */
  checkDefaults?: CheckOptions;
  /** health+json identity fields (version, serviceId, description, ...). */
  identity?: HealthIdentity;
  paths?: Partial<EndpointPaths>;
  /**
   * What the probes depend on. `readiness: { include: ['database'] }` makes `/health/ready` follow
   * those components instead of the whole document; `liveness: { include: ['checks.eventLoop'] }`
   * makes `/health/live` run them (by default it runs nothing).
   */
  probes?: { readiness?: ProbeGroupOptions; liveness?: ProbeGroupOptions };
  access?: AccessControl;
  /**
   * What callers see when no `access` is configured. Default: everything (details and redacted
   * error messages), which suits a status served on localhost; pass `{ key: 'details', details: true,
   * messages: false }` to keep error messages in.
   */
  disclosure?: Disclosure;
  metrics?: MetricsRenderer;
  /** Cleans check error messages before they leave the process. Default: statuskit's redactor. */
  redact?: Redactor;
  /** On close, in-flight requests get this long to finish before connections are cut. Default 10 s. */
  shutdownGrace?: Duration;
  /** Called with unexpected errors (bugs), which the client sees only as a 500. */
  onError?: (error: unknown) => void;
  /** Injectable clock (ms), for tests. */
  clock?: () => number;
}

export interface ListenOptions {
  port?: number;
  host?: string;
  /** Requests for other paths; default answers 404 JSON. */
  fallback?: RequestListener;
  /**
   * Serve this listener instead of `nodeListener(fallback)`, e.g. `maintenance.nodeListener()`
   * (which reads JSON bodies) or the live feed's; the server still closes gracefully with the status.
   */
  listener?: RequestListener;
}

export interface RunningServer {
  server: Server;
  port: number;
  host: string;
  url: string;
  /** Graceful: readiness turns not-ready, in-flight requests finish, then the server stops. */
  close(): Promise<void>;
}

/**
 * A service's status: the tree you declare, how it is worded and laid out, and the doors that
 * serve it. Create one with `createStatus()`.
 */
export class StatusKit implements StatusHost {
  readonly tree: StatusTree;
  readonly vocabulary: Vocabulary;
  readonly style: DocumentStyle;
  private readonly endpoint: StatusEndpoint;
  private readonly evaluator: Evaluator;
  private readonly checkDefaults: CheckOptions;
  private draining = false;
  private notReadyReason: string | undefined;
  private readonly servers = new Set<RunningServer>();
  private readonly shutdownGraceMs: number;

  constructor(options: StatusOptions = {}) {
    const now = options.clock ?? Date.now;
    this.tree = new StatusTree({ now, redact: options.redact ?? ((text) => defaultRedact(text)) });
    this.vocabulary = resolveVocabulary(options.vocabulary);
    this.checkDefaults = options.checkDefaults ?? {};
    this.shutdownGraceMs = optionalDuration(options.shutdownGrace, 10_000, 'shutdownGrace');
    const aggregate = options.aggregate ?? worstOfCritical;
    this.evaluator = new Evaluator(this.tree, {
      aggregate,
      deadlineMs: optionalDuration(options.deadline, 10_000, 'deadline'),
      now,
    });
    const style: DocumentStyle = { vocabulary: this.vocabulary, layout: resolveLayout(options.layout) };
    this.style = style;
    this.endpoint = new StatusEndpoint({
      paths: {
        status: '/status',
        live: '/health/live',
        ready: '/health/ready',
        metrics: '/metrics',
        ...options.paths,
      },
      style,
      httpCodes: resolveHttpCodes(options.httpCodes),
      envelope: options.envelope === true ? {} : options.envelope || undefined,
      identity: options.identity ?? {},
      access: options.access,
      disclosure: options.disclosure,
      metrics: options.metrics,
      snapshot: () => this.evaluator.evaluate(),
      isDraining: () => this.draining,
      probes: {
        ready: options.probes?.readiness && probeGroup(options.probes.readiness, 'probes.readiness'),
        live: options.probes?.liveness && probeGroup(options.probes.liveness, 'probes.liveness'),
      },
      notReadyReason: () => this.notReadyReason,
      onError: options.onError,
    });
  }

  // ── declaring the tree ────────────────────────────────────────────────────────────────────

  /** A static value (`version`, `hostName`). Mark identity fields `{ summary: true }` to keep them in summaries. */
  value(path: string, value: unknown, options?: NodeOptions): this {
    this.tree.mountLeaf(path, { kind: 'value', value }, options);
    return this;
  }

  /** A function (sync or async) read each time a document is assembled. */
  provider(path: string, read: () => unknown, options?: NodeOptions): this {
    this.tree.mountLeaf(path, { kind: 'provider', read }, options);
    return this;
  }

  /** Mounts anything: a meta leaf (`overallStatus()`), a function, an object with `readStatus()`, or a value. */
  mount(path: string, source: unknown, options?: NodeOptions): this {
    this.tree.mountLeaf(path, toLeaf(source), options);
    return this;
  }

  /** A check. Returns its runner (for `runs`, `peek()`, `run()`). */
  check(path: string, fn: CheckFunction, options: CheckOptions & NodeOptions = {}): CheckRunner {
    return this.tree.mountCheck(path, fn, { ...this.checkDefaults, ...options });
  }

  /** A group whose level aggregates the checks below it; `showStatus` renders its word. */
  group(path: string, options?: NodeOptions): this {
    this.tree.group(path, options);
    return this;
  }

  remove(path: string): boolean {
    return this.tree.remove(path);
  }

  /**
   * Holds readiness back, or releases it: `setReadiness(false, 'warming caches')` before `listen()`
   * and `setReadiness(true)` once the app can serve, or to drain traffic on demand. While held back,
   * `/health/ready` answers 503 with the reason; the status document is unaffected.
   */
  setReadiness(ready: boolean, reason = 'not ready'): void {
    this.notReadyReason = ready ? undefined : String(reason);
  }

  /** Forces the next document to be assembled anew (for levels changed from outside, e.g. maintenance). */
  invalidate(): void {
    this.evaluator.invalidate();
  }

  /**
   * Adds a level override consulted for every node (maintenance windows use one). Several may be
   * active; each sees the level the previous one left. Returns its removal.
   */
  addOverride(override: LevelOverride): Removal {
    return this.evaluator.addOverride(override);
  }

  // ── reading ───────────────────────────────────────────────────────────────────────────────

  async snapshot(): Promise<Snapshot> {
    return this.evaluator.evaluate();
  }

  // ── the plug-in seam (StatusHost) ──────────────────────────────────────────────────────────

  get paths(): Readonly<EndpointPaths> {
    return this.endpoint.config.paths;
  }

  get httpCodes(): HttpCodeMap {
    return this.endpoint.config.httpCodes;
  }

  get access(): AccessControl | undefined {
    return this.endpoint.config.access;
  }

  get envelope(): EnvelopeOptions | undefined {
    return this.endpoint.config.envelope;
  }

  /** Adds a route answered before the status routes (maintenance admin, dashboard, ...). Returns its removal. */
  addRoute(route: Route): Removal {
    return this.endpoint.addRoute(route);
  }

  /** Wraps every request statuskit's adapters hand over (rate limits, maintenance); first added is outermost. */
  use(middleware: Middleware): Removal {
    return this.endpoint.use(middleware);
  }

  /** Reviews `/health/ready`'s verdict drawn from the snapshot (the cluster's correlated-failure guard). */
  addReadinessReview(review: ReadinessReview): Removal {
    return this.endpoint.addReadinessReview(review);
  }

  /**
   * Puts a value computed per request at `path` of status documents (the caller's `account`). The
   * rest of the document stays cached; `read` gets the request's context. Returns its removal.
   */
  decorate(path: string, read: (context: RequestContext) => unknown): Removal {
    return this.endpoint.decorate(path, read);
  }

  /** An error answer in this status's format (seed 002's error envelope when configured). */
  error(info: ErrorInfo): StatusResponse {
    return this.endpoint.error(info);
  }

  /** The transport-neutral handler: undefined when the request is not statuskit's. Never rejects. */
  async handle(request: StatusRequest): Promise<StatusResponse | undefined> {
    return this.endpoint.handle(request);
  }

  /** The same handler as a plain function, for adapters of your own. */
  get handler(): StatusEndpoint['handle'] {
    return this.endpoint.handle;
  }

  // ── adapters ──────────────────────────────────────────────────────────────────────────────

  /** A `node:http` listener; requests that are not statuskit's go to `fallback` (404 JSON without one). */
  nodeListener(fallback?: RequestListener): RequestListener {
    return nodeAdapter(
      this.endpoint.handle,
      fallback ?? ((req, res) => writeResponse(res, this.noRoute(req.url))),
    );
  }

  fetch(): (request: Request, remoteAddress?: string) => Promise<Response | undefined> {
    return fetchAdapter(this.endpoint.handle);
  }

  express() {
    return expressAdapter(this.endpoint.handle);
  }

  koa() {
    return koaAdapter(this.endpoint.handle);
  }

  fastify() {
    return fastifyAdapter(this.endpoint.handle);
  }

  hono() {
    return honoAdapter(this.endpoint.handle);
  }

  private noRoute(url: string | undefined): StatusResponse {
    return this.endpoint.error({
      status: 404,
      code: 'not_found',
      message: `no route for ${String(url).slice(0, 200)}`,
    });
  }

  /** Serves the status endpoints on their own HTTP server. */
  async listen(options: ListenOptions = {}): Promise<RunningServer> {
    const server = createServer(options.listener ?? this.nodeListener(options.fallback));
    const host = options.host ?? '127.0.0.1';
    const { port, url } = await listenOn(server, options.port ?? 0, host);
    const running: RunningServer = {
      server,
      port,
      host,
      url,
      close: () => this.closeServer(running),
    };
    this.servers.add(running);
    return running;
  }

  /** Graceful shutdown: not ready first, in-flight requests finish, servers stop, background checks stop. */
  async close(): Promise<void> {
    this.draining = true;
    await Promise.all([...this.servers].map((s) => this.closeServer(s)));
    this.tree.stop();
  }

  get isDraining(): boolean {
    return this.draining;
  }

  private async closeServer(running: RunningServer): Promise<void> {
    this.draining = true;
    if (!this.servers.delete(running)) return;
    const { server } = running;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive connections become idle as their in-flight requests finish: close them as they do,
      // and cut whatever is left after the grace period.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const cut = setTimeout(() => server.closeAllConnections(), this.shutdownGraceMs);
      server.once('close', () => {
        clearInterval(sweep);
        clearTimeout(cut);
      });
      server.closeIdleConnections();
    });
  }
}

export function createStatus(options?: StatusOptions): StatusKit {
  return new StatusKit(options);
}
