import { createServer, type RequestListener, type Server } from 'node:http';
import { redact as defaultRedact } from './access/redact.js';
import { type AccessControl, type AccessDecision, type Disclosure, FULL_DISCLOSURE } from './access/types.js';
import type { LevelOverride, StatusHost } from './host.js';
import { expressAdapter } from './http/adapters/express.js';
import { fastifyAdapter } from './http/adapters/fastify.js';
import { fetchAdapter } from './http/adapters/fetch.js';
import { honoAdapter } from './http/adapters/hono.js';
import { koaAdapter } from './http/adapters/koa.js';
import { nodeAdapter, writeResponse } from './http/adapters/node.js';
import type { MaybePromise, RequestContext } from './http/context.js';
import {
  DEFAULT_PATHS,
  type EndpointPaths,
  type MetricsRenderer,
  type Middleware,
  type Removal,
  type Route,
  StatusEndpoint,
} from './http/handler.js';
import { Probes, type ReadinessReview } from './http/probe-answers.js';
import {
  compileGroup,
  GROUP_NAME,
  GROUP_NAME_RULE,
  type GroupDefaults,
  GroupJudge,
  type HealthGroup,
  type HealthGroupOptions,
  type ProbeGroupOptions,
  shadowedGroups,
} from './http/probes.js';
import type { StatusRequest, StatusResponse } from './http/types.js';
import type { BuildInfo } from './info/build-info.js';
import { readBuildInfo } from './info/build-info.js';
import { infoDocument } from './info/info.js';
import type { DrainableServer } from './lifecycle/drain.js';
import { InFlight } from './lifecycle/in-flight.js';
import { Lifecycle } from './lifecycle/lifecycle.js';
import { Shutdown } from './lifecycle/shutdown.js';
import { StartupGate, type StartupOptions } from './lifecycle/startup.js';
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
import { statusSource } from './watchdog/status-source.js';
import { Watchdog, type WatchdogOptions, type WatchdogSource } from './watchdog/watchdog.js';

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
   * makes `/health/live` run them (by default it runs nothing). `startup: true` keeps the status
   * `starting` until `markStarted()`; `startup: { include: ['database'] }` until those components pass.
   */
  probes?: { readiness?: ProbeGroupOptions; liveness?: ProbeGroupOptions; startup?: StartupOptions };
  /**
   * Named health groups, each at `/health/<name>` and `/status?group=<name>`, with its own members,
   * aggregation, HTTP codes and disclosure: `{ payments: { include: ['database', 'stripe'] } }`.
   */
  groups?: Record<string, HealthGroupOptions>;
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
  /**
   * On close, readiness answers 503 for this long before the listeners stop accepting, so load
   * balancers stop routing here first (lightship's `shutdownDelay`). Default 0; 5-15 s behind one.
   */
  drainDelay?: Duration;
  /** On close, in-flight requests get this long to finish before what still runs is aborted. Default 10 s. */
  shutdownGrace?: Duration;
  /**
   * A watchdog thread with its own port that answers `/health/live`, `/health/ready`,
   * `/health/started` and `/status` while the main loop is blocked (`true`, options, or a
   * `Watchdog` shared across statuses, which `close()` then leaves running).
   */
  watchdog?: boolean | WatchdogOptions | Watchdog;
  /** `/info`: `true` reads package.json, the environment and build-info.json (`readBuildInfo()`); or the facts. */
  info?: true | BuildInfo;
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

export type { DrainableServer };

export interface CloseOptions {
  /** The app's servers: they stop accepting after the drain delay and drain with the status's own. */
  servers?: readonly DrainableServer[];
  /** Called when the listeners stop accepting: close what holds connections open (WebSocket feeds). */
  onStopAccepting?: () => unknown;
  /** Instead of the status's `drainDelay` (`0` for a status nothing routes to any more). */
  drainDelay?: Duration;
  /** Skip the drain delay and the grace period (a second Ctrl-C); hurries a close in progress. */
  immediate?: boolean;
}

/**
 * A service's status: the tree you declare, how it is worded and laid out, and the doors that
 * serve it. Create one with `createStatus()`.
 */
export class StatusKit implements StatusHost {
  readonly tree: StatusTree;
  readonly vocabulary: Vocabulary;
  readonly style: DocumentStyle;
  /** starting -> ready -> draining -> stopped; mount it to show it: `status.mount('lifecycle', status.lifecycle)`. */
  readonly lifecycle: Lifecycle;

  private readonly endpoint: StatusEndpoint;
  private readonly evaluator: Evaluator;
  private readonly checkDefaults: CheckOptions;
  private readonly probes: Probes;
  private startup: StartupGate | undefined;
  private notReadyReason: string | undefined;
  private readonly servers = new Set<RunningServer>();
  private readonly inFlight = new InFlight();
  private readonly drainDelayMs: number;
  private readonly shutdownGraceMs: number;
  private attachedWatchdog: Watchdog | undefined;
  private ownsWatchdog = false;
  private detachWatchdog: (() => void) | undefined;
  private shutdown: Shutdown | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: StatusOptions = {}) {
    const now = options.clock ?? Date.now;
    this.tree = new StatusTree({ now, redact: options.redact ?? ((text) => defaultRedact(text)) });
    this.vocabulary = resolveVocabulary(options.vocabulary);
    this.checkDefaults = options.checkDefaults ?? {};
    this.drainDelayMs = optionalDuration(options.drainDelay, 0, 'drainDelay');
    this.shutdownGraceMs = optionalDuration(options.shutdownGrace, 10_000, 'shutdownGrace');
    const aggregate = options.aggregate ?? worstOfCritical;
    this.evaluator = new Evaluator(this.tree, {
      aggregate,
      deadlineMs: optionalDuration(options.deadline, 10_000, 'deadline'),
      now,
    });
    const style: DocumentStyle = { vocabulary: this.vocabulary, layout: resolveLayout(options.layout) };
    this.style = style;
    const httpCodes = resolveHttpCodes(options.httpCodes);
    const judge = new GroupJudge(aggregate);
    const defaults: GroupDefaults = { aggregate, httpCodes, details: false };
    this.lifecycle = new Lifecycle(options.probes?.startup ? 'starting' : 'ready', now);
    this.startup = startupGate(options.probes?.startup, this.lifecycle, judge, defaults);
    this.probes = this.probesOf(options.probes, defaults, judge);
    const groups = namedGroups(options.groups, { ...defaults, details: true });
    const paths = { ...DEFAULT_PATHS, ...options.paths };
    checkGroupPaths(paths, groups);
    const info = options.info === true ? readBuildInfo() : options.info;
    this.endpoint = new StatusEndpoint({
      paths,
      style,
      httpCodes,
      envelope: options.envelope === true ? {} : options.envelope || undefined,
      identity: options.identity ?? {},
      access: options.access,
      disclosure: options.disclosure,
      metrics: options.metrics,
      snapshot: () => this.takeSnapshot(),
      probes: this.probes,
      groups,
      info: info && (() => infoDocument(info)),
      onError: options.onError,
    });
    this.lifecycle.onChange(() => this.attachedWatchdog?.republish());
    const watchdog = options.watchdog;
    if (watchdog instanceof Watchdog) this.attachWatchdog(watchdog);
    else if (watchdog) {
      this.attachWatchdog(new Watchdog({ onError: options.onError, ...(watchdog === true ? {} : watchdog) }));
      this.ownsWatchdog = true;
    }
  }

  private probesOf(options: StatusOptions['probes'], defaults: GroupDefaults, judge: GroupJudge): Probes {
    const probe = (group: ProbeGroupOptions | undefined, what: string) =>
      group && compileGroup(what, group, defaults, `probes.${what}`);
    return new Probes({
      vocabulary: this.vocabulary,
      httpCodes: defaults.httpCodes,
      live: probe(options?.liveness, 'liveness'),
      ready: probe(options?.readiness, 'readiness'),
      everything: compileGroup('ready', {}, defaults, 'probes.readiness'),
      judge,
      state: {
        lifecycle: () => this.lifecycle.state,
        heldBack: () => this.notReadyReason,
        startupWaitsFor: () => this.startup?.waitsFor() ?? '',
        startupJudgesComponents: () => this.startup?.judgesComponents ?? false,
      },
      snapshot: () => this.takeSnapshot(),
    });
  }

  /** The watchdog this status publishes to, when it has one; mount it to show its block counts. */
  get watchdog(): Watchdog | undefined {
    return this.attachedWatchdog;
  }

  /**
   * Publishes to `watchdog` from now on (a status has one at most; `close()` leaves this one
   * running). The agent attaches each status it builds once it serves, so the watchdog never
   * describes a status that failed to build.
   */
  attachWatchdog(watchdog: Watchdog): void {
    if (this.attachedWatchdog) throw new Error('attachWatchdog: this status already has a watchdog');
    this.attachedWatchdog = watchdog;
    this.detachWatchdog = watchdog.attach(this.watchdogSource());
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
    this.attachedWatchdog?.republish();
  }

  /**
   * The app has started (with `probes.startup`): `/health/started` turns 200, readiness follows its
   * checks, the lifecycle is `ready`. Without `probes.startup` the status is started from the outset.
   */
  markStarted(): void {
    this.lifecycle.advance('ready');
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
    return this.takeSnapshot();
  }

  /**
   * The snapshot every door serves. While the start waits for components, each snapshot is judged;
   * the one that completes the start is taken again, so a mounted lifecycle already says `ready`.
   */
  private takeSnapshot(): MaybePromise<Snapshot> {
    const snapshot = this.evaluator.evaluate();
    if (!this.startup) return snapshot;
    const judged = (taken: Snapshot): MaybePromise<Snapshot> => {
      if (!this.startup?.observe(taken)) return taken;
      this.startup = undefined;
      return this.evaluator.evaluate();
    };
    return snapshot instanceof Promise ? snapshot.then(judged) : judged(snapshot);
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
    return this.probes.addReadinessReview(review);
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
    return this.answer(request);
  }

  /** The same handler as a plain function, for adapters of your own. */
  get handler(): StatusEndpoint['handle'] {
    return this.answer;
  }

  /**
   * Every adapter's handler: the endpoint's, with asynchronous answers counted so that shutdown
   * lets them finish before it aborts the checks they wait for.
   */
  private readonly answer: StatusEndpoint['handle'] = (request) => {
    const response = this.endpoint.handle(request);
    if (response instanceof Promise) this.inFlight.track(response);
    return response;
  };

  // ── adapters ──────────────────────────────────────────────────────────────────────────────

  /** A `node:http` listener; requests that are not statuskit's go to `fallback` (404 JSON without one). */
  nodeListener(fallback?: RequestListener): RequestListener {
    return nodeAdapter(this.answer, fallback ?? ((req, res) => writeResponse(res, this.noRoute(req.url))));
  }

  fetch(): (request: Request, remoteAddress?: string) => Promise<Response | undefined> {
    return fetchAdapter(this.answer);
  }

  express() {
    return expressAdapter(this.answer);
  }

  koa() {
    return koaAdapter(this.answer);
  }

  fastify() {
    return fastifyAdapter(this.answer);
  }

  hono() {
    return honoAdapter(this.answer);
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

  /**
   * Graceful shutdown: readiness answers 503 at once; after `drainDelay` the listeners (and
   * `options.servers`) stop accepting; in-flight requests get `shutdownGrace` to finish; what still
   * runs then is aborted; background checks and the watchdog stop. Calling it again returns the same
   * promise (`{ immediate: true }` hurries it).
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (!this.closing) {
      const servers = [...this.servers];
      this.servers.clear();
      this.shutdown = this.shutdownOf([...servers.map((s) => s.server), ...(options.servers ?? [])], {
        drainDelayMs: optionalDuration(options.drainDelay, this.drainDelayMs, 'close: drainDelay'),
        onStopAccepting: options.onStopAccepting,
        abort: () => this.tree.stop(),
      });
      this.closing = this.shutdown.done.then(() => this.stopped());
    }
    if (options.immediate) this.shutdown!.hurry();
    return this.closing;
  }

  /** Draining or stopped: readiness answers 503. */
  get isDraining(): boolean {
    const state = this.lifecycle.state;
    return state === 'draining' || state === 'stopped';
  }

  private async stopped(): Promise<void> {
    this.lifecycle.advance('stopped');
    // A vitals sampler shared with other statuses must not keep this one's evaluator listening.
    this.evaluator.close();
    this.detachWatchdog?.();
    if (this.ownsWatchdog) await this.attachedWatchdog!.close();
  }

  /** One server of `listen()` closed on its own: the same drain, without stopping the status. */
  private async closeServer(running: RunningServer): Promise<void> {
    if (!this.servers.delete(running)) return this.closing;
    await this.shutdownOf([running.server], { drainDelayMs: this.drainDelayMs, abort: () => {} }).done;
  }

  private shutdownOf(
    servers: readonly DrainableServer[],
    steps: { drainDelayMs: number; onStopAccepting?: () => unknown; abort: () => unknown },
  ): Shutdown {
    return new Shutdown({
      lifecycle: this.lifecycle,
      graceMs: this.shutdownGraceMs,
      servers,
      inFlight: this.inFlight,
      onError: this.options.onError,
      ...steps,
    });
  }
  private watchdogSource(): WatchdogSource {
    return statusSource({
      snapshot: () => this.takeSnapshot(),
      probes: this.probes,
      lifecycle: this.lifecycle,
      heldBack: () => this.notReadyReason,
      style: this.style,
      httpCodes: this.httpCodes,
      envelope: this.envelope,
      paths: this.paths,
      anonymous: () => this.anonymousDisclosure(),
    });
  }

  /** What a caller without credentials gets: the access control decides (as for any request without them). */
  private anonymousDisclosure(): MaybePromise<Disclosure | undefined> {
    const access = this.options.access;
    if (!access) return this.options.disclosure ?? FULL_DISCLOSURE;
    const request: StatusRequest = { method: 'GET', url: this.paths.status || '/status', headers: {} };
    const disclosureOf = (decision: AccessDecision) => (decision.allowed ? decision.disclosure : undefined);
    const decision = access.authorize(request);
    return decision instanceof Promise ? decision.then(disclosureOf) : disclosureOf(decision);
  }
}

export function createStatus(options?: StatusOptions): StatusKit {
  return new StatusKit(options);
}

/** Named groups, compiled; a name must be a plain path segment. */
function namedGroups(
  options: Record<string, HealthGroupOptions> | undefined,
  defaults: GroupDefaults,
): Map<string, HealthGroup> {
  const groups = new Map<string, HealthGroup>();
  for (const [name, group] of Object.entries(options ?? {})) {
    if (!GROUP_NAME.test(name)) throw new TypeError(`groups.${name}: ${GROUP_NAME_RULE}`);
    groups.set(name, compileGroup(name, group, defaults, `groups.${name}`));
  }
  return groups;
}

/** `/health/<group>` must not shadow the probes served under the same prefix. */
function checkGroupPaths(paths: EndpointPaths, groups: ReadonlyMap<string, HealthGroup>): void {
  if (paths.groups && paths.groups === paths.status) {
    throw new TypeError(
      `paths.groups: ${paths.groups} is the status path; groups there would hide components`,
    );
  }
  const [shadowed] = shadowedGroups(paths, groups.keys());
  if (shadowed) throw new TypeError(`groups.${shadowed.name}: ${shadowed.message}`);
}

/** The start's gate, when `probes.startup` asks for one: `true` waits for `markStarted()`, `{ include }` for components. */
function startupGate(
  startup: StartupOptions | undefined,
  lifecycle: Lifecycle,
  judge: GroupJudge,
  defaults: GroupDefaults,
): StartupGate | undefined {
  if (!startup) return undefined;
  if (startup === true) return new StartupGate(lifecycle, undefined, judge);
  if (typeof startup !== 'object' || startup.include === undefined) {
    throw new TypeError('probes.startup: expected true, or { include: [component paths] }');
  }
  return new StartupGate(lifecycle, compileGroup('startup', startup, defaults, 'probes.startup'), judge);
}
