/**
 * A validated config -> a running status: the tree (identity, vitals, components), its doors and
 * access. Pure wiring: every behaviour lives in the areas it wires together. Areas a config does not
 * use are never imported: the embedded default loads neither zod, jose nor the dependency checks,
 * which keeps the agent's cold start and idle memory close to a bare node:http server.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import type { Authenticator } from '../access/index.js';
import type { AccessControl } from '../access/types.js';
import { pathnameOf } from '../http/context.js';
import { DEFAULT_PATHS, type MetricsRenderer, type Route } from '../http/handler.js';
import type { HealthGroupOptions } from '../http/probes.js';
import { type BuildInfo, readBuildInfo } from '../info/build-info.js';
import type { DrainableServer } from '../lifecycle/drain.js';
import type { RateLimiter } from '../limits/limiter.js';
import type { LiveFeed } from '../live/index.js';
import { MetricsRegistry, metricsEndpoint } from '../metrics/index.js';
import { TimedCache } from '../metrics/render-cache.js';
import type { CheckFunction } from '../model/index.js';
import { createStatus, type StatusKit, type StatusOptions } from '../status.js';
import type { CheckOptions } from '../tree/check-runner.js';
import { overallStatus } from '../tree/leaves.js';
import type { NodeOptions } from '../tree/nodes.js';
import { optionalDuration } from '../util/duration.js';
import {
  cpuCheck,
  createVitals,
  diskSpaceCheck,
  eventLoopCheck,
  memoryCheck,
  type PressureCheckOptions,
  pressureCheck,
  type Vitals,
} from '../vitals/index.js';
import type { Watchdog } from '../watchdog/watchdog.js';
import type { AgentConfig } from './schema.js';
import { type VitalsKind, vitalsApiOptions } from './vitals-options.js';

/** One URL the agent answers, for the list printed at start. */
export interface Door {
  path: string;
  scheme: 'http' | 'ws';
  what: string;
}

export interface BuiltAgent {
  status: StatusKit;
  vitals: Vitals | undefined;
  metrics: MetricsRegistry | undefined;
  doors: Door[];
  /** The live feed (WebSocket and SSE), once a client has asked for it. */
  live(): LiveFeed | undefined;
  /** WebSocket upgrades: true when a door took the request. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** The request listener serving the status doors (and the maintenance admin endpoint). */
  nodeListener(fallback: RequestListener): RequestListener;
  /** Streaming requests (SSE), answered outside the status handler: true when taken. */
  stream(request: IncomingMessage, response: ServerResponse): boolean;
  /**
   * The graceful shutdown (SIGTERM): readiness 503, `server.drainDelay`, then `servers` stop
   * accepting and the live feeds close, in-flight requests finish within `server.shutdownGrace`,
   * what still runs is aborted; then checks and samplers stop. `immediate` skips the waits.
   */
  shutdown(servers: readonly DrainableServer[], options?: { immediate?: boolean }): Promise<void>;
  /**
   * Stops a status no server routes to any more (the previous one after a reload): its in-flight
   * requests finish (no drain delay: nothing routes here), then its checks and samplers stop.
   */
  close(): Promise<void>;
}

/** What the agent around the build hears about. */
export interface BuildHooks {
  /**
   * Problems that do not stop the agent, such as a maintenance state-file entry that was skipped
   * or a state file that could not be written. Default: dropped.
   */
  onWarning?: (message: string) => void;
  /**
   * The agent's watchdog, which outlives reloads: the document shows it and metrics count its
   * blocks; the agent attaches each status once it serves (`status.attachWatchdog`).
   */
  watchdog?: Watchdog;
}

const VITALS_CHECK_DEFAULTS = { interval: 5000, timeout: 3000 } as const;

export async function buildAgent(config: AgentConfig, hooks: BuildHooks = {}): Promise<BuiltAgent> {
  const registry = config.metrics === false ? undefined : new MetricsRegistry();
  const vitalsConfig = config.vitals === false ? undefined : (config.vitals ?? {});
  const needsVitals = vitalsConfig !== undefined || usesVitalsKinds(config);
  // The sampler runs whenever the agent has vitals: requests, scrapes and checks then read its
  // latest tick, never /proc, and the document stays byte-identical between ticks.
  const vitals = needsVitals
    ? createVitals({ intervalMs: vitalsConfig?.interval ?? 1000 }).start()
    : undefined;
  const status = createStatus(statusOptions(config, registry, await accessOf(config)));
  mountIdentity(status, config);
  if (config.lifecycle !== false)
    status.mount(config.lifecycle?.mount ?? 'lifecycle', status.lifecycle, { summary: true });
  if (hooks.watchdog) status.mount('watchdog', hooks.watchdog);
  if (vitals && vitalsConfig) mountVitals(status, vitals, vitalsConfig);
  if (vitals && registry) registerVitalsGauges(registry, vitals);
  await mountComponents(status, config, vitals);
  const onWarning = hooks.onWarning;
  const maintenance = config.maintenance
    ? (await import('../maintenance/index.js')).createMaintenance(status, {
        ...config.maintenance,
        onError: onWarning && ((error) => onWarning((error as Error).message)),
      })
    : undefined;
  let rateLimiter: RateLimiter | undefined;
  if (config.rateLimits) {
    const { createRateLimiter, guardStatus } = await import('../limits/index.js');
    const { account, ...limits } = config.rateLimits;
    // One limiter for /status and the live feed: a caller's connects and commands spend the same budget.
    rateLimiter = createRateLimiter(limits);
    guardStatus(status, rateLimiter, { account });
  }
  const cluster = config.cluster ? await joinCluster(status, config, onWarning) : undefined;
  const otlp = config.otel
    ? await exportOtlp(status, registry, config, cluster?.settings.instance)
    : undefined;
  // Last: a build that failed above leaves no listener on the agent's watchdog.
  const unwatchBlocks = hooks.watchdog && registry && countBlocks(registry, hooks.watchdog);
  const livePaths = livePathsOf(config);
  // The history records from the start (the feed itself is made on first use), so the dashboard
  // opens on the past whenever it is opened.
  const historyConfig = config.live === false ? false : (config.live?.history ?? {});
  const history =
    historyConfig === false
      ? undefined
      : (await import('../live/history.js')).createHistory({ ...historyConfig, status, vitals });
  const live = new Lazy(async () => {
    const { createLiveFeed } = await import('../live/index.js');
    // The `metrics` topic carries the event-loop and PSI readings too, so the dashboard charts
    // them, and the feed's own counters (slow clients cut, rate-limit refusals).
    const metrics = metricsTopic(registry, vitals, metricsCacheOf(config), () => feed.stats());
    const feed = createLiveFeed({
      ...(config.live || {}),
      status,
      vitals,
      sources: { metrics },
      rateLimiter,
      history: history ?? false,
    });
    return feed;
  });
  if (config.dashboard !== false) status.addRoute(lazyDashboard(status, config, livePaths));
  return {
    status,
    vitals,
    metrics: registry,
    live: () => live.value,
    // The maintenance admin endpoint reads POST bodies, which the status handler alone does not.
    nodeListener: (fallback) => (maintenance ?? status).nodeListener(fallback),
    doors: doorsOf(config, registry !== undefined, livePaths),
    upgrade(request, socket, head) {
      if (!livePaths.ws || pathnameOf(request.url) !== livePaths.ws) return false;
      live.get().then(
        (feed) => feed.handleUpgrade(request, socket, head) || refuseUpgrade(socket),
        () => refuseUpgrade(socket),
      );
      return true;
    },
    stream(request, response) {
      if (!livePaths.sse || pathnameOf(request.url) !== livePaths.sse) return false;
      live.get().then(
        (feed) => feed.handleSse(request, response) || notFound(response),
        () => notFound(response),
      );
      return true;
    },
    async shutdown(servers, options = {}) {
      const stopAccepting = async () => {
        // The others learn that this instance is leaving when it stops taking new work.
        await cluster?.close();
        await otlp?.close();
        maintenance?.close();
        await live.value?.close();
      };
      await status.close({ servers, onStopAccepting: stopAccepting, immediate: options.immediate });
      history?.stop();
      unwatchBlocks?.();
      vitals?.close();
    },
    async close() {
      // First: the others learn at once that this instance is leaving.
      await cluster?.close();
      await otlp?.close();
      maintenance?.close();
      await live.value?.close();
      history?.stop();
      await status.close({ drainDelay: 0 });
      unwatchBlocks?.();
      vitals?.close();
    },
  };
}

/** The `cluster:` section: joined after the components are mounted, so the first report has them. */
async function joinCluster(status: StatusKit, config: AgentConfig, onWarning: BuildHooks['onWarning']) {
  const { createCluster } = await import('../cluster/index.js');
  const identity = config.identity ?? {};
  return createCluster(status, {
    ...config.cluster,
    service: config.cluster?.service ?? identity.serviceId ?? identity.name,
    version: identity.version,
    onError: onWarning && ((error) => onWarning(`cluster: ${(error as Error).message}`)),
  });
}

/** The `otel:` section: the registry, the checks and the runtime, sent to a collector. */
async function exportOtlp(
  status: StatusKit,
  registry: MetricsRegistry | undefined,
  config: AgentConfig,
  instance: string | undefined,
) {
  const { startOtlpExport } = await import('../metrics/otel-export.js');
  const otel = config.otel!;
  const identity = config.identity ?? {};
  const resource: Record<string, string> = {
    'service.name': identity.serviceId ?? identity.name ?? 'statuskit',
  };
  if (identity.version) resource['service.version'] = identity.version;
  resource['service.instance.id'] = instance ?? `${hostname()}-${process.pid}`;
  return startOtlpExport(registry, status, {
    endpoint: otel.endpoint,
    intervalMs: otel.interval ?? 10_000,
    headers: otel.headers,
    resource: { ...resource, ...otel.resource },
    runtime: otel.runtime,
  });
}

/** Blocks of the main loop as metrics: how many, and how long the latest lasted. */
function countBlocks(registry: MetricsRegistry, watchdog: Watchdog): () => void {
  const blocks = registry.counter('watchdog.blocks', {
    help: 'Blocks of the main event loop longer than the watchdog threshold',
  });
  registry.gauge('watchdog.block.last.ms', () => watchdog.readStatus().lastBlock?.durationMs ?? 0, {
    help: 'How long the latest block of the main event loop lasted',
  });
  return watchdog.addBlockListener(() => blocks.inc());
}

function statusOptions(
  config: AgentConfig,
  registry: MetricsRegistry | undefined,
  access: AccessControl | undefined,
): StatusOptions {
  const identity = config.identity ?? {};
  const envelope =
    config.envelope === undefined || typeof config.envelope === 'boolean' ? config.envelope : config.envelope;
  return {
    vocabulary: config.vocabulary,
    layout: config.layout,
    envelope,
    httpCodes: config.httpCodes,
    deadline: config.deadline,
    checkDefaults: config.checkDefaults,
    drainDelay: config.server?.drainDelay,
    shutdownGrace: config.server?.shutdownGrace ?? AGENT_SHUTDOWN_GRACE_MS,
    identity: {
      version: identity.version,
      releaseId: identity.releaseId,
      serviceId: identity.serviceId ?? identity.name,
      description: identity.description,
    },
    paths: config.paths,
    probes: config.probes,
    groups: config.groups as Record<string, HealthGroupOptions> | undefined,
    info: config.info === false ? undefined : agentInfo(config),
    access,
    metrics: registry ? metricsRenderer(registry, config) : undefined,
  };
}

/** The agent's in-flight requests get 5 s on SIGTERM unless `server.shutdownGrace` says otherwise. */
const AGENT_SHUTDOWN_GRACE_MS = 5000;

/** statuskit's own package.json: the agent is the service `/info` describes, unless the config says more. */
const AGENT_PACKAGE_JSON = new URL('../../package.json', import.meta.url);

/** `/info`: identity and `info:` first, then the environment (GIT_COMMIT, …), a build file, package.json. */
function agentInfo(config: AgentConfig): BuildInfo {
  const options = config.info || {};
  const read = readBuildInfo({
    packageJson: options.packageJson ?? AGENT_PACKAGE_JSON.pathname,
    file: options.file ?? false,
  });
  const given: BuildInfo = {
    name: options.name ?? config.identity?.name,
    version: options.version ?? config.identity?.version,
    commit: options.commit,
    branch: options.branch,
    buildTime: options.buildTime,
    extra: options.extra,
  };
  const defined = Object.entries(given).filter(([, value]) => value !== undefined);
  return { ...read, ...Object.fromEntries(defined) };
}

function mountIdentity(status: StatusKit, config: AgentConfig): void {
  status.mount('status', overallStatus(), { summary: true });
  const identity = { hostName: true as const, ...config.identity };
  for (const [key, value] of Object.entries(identity)) {
    if (value === undefined) continue;
    status.value(key, key === 'hostName' && value === true ? hostname() : value, { summary: true });
  }
}

type VitalsConfig = Exclude<NonNullable<AgentConfig['vitals']>, false>;

function mountVitals(status: StatusKit, vitals: Vitals, config: VitalsConfig): void {
  const base = config.mount ?? 'host';
  status.mount(`${base}.system`, vitals.view('host'));
  status.mount(`${base}.cpus`, vitals.view('cpus'));
  status.mount(`${base}.memory`, vitals.view('memory'));
  status.mount(`${base}.pressure`, vitals.view('pressure'));
  status.mount(`${base}.disks`, vitals.view('disks'));
  status.mount(`${base}.network`, vitals.view('network'));
  if (config.processMount !== false) status.mount(config.processMount ?? 'process', vitals.view('process'));
  const checks: Array<[string, false | Record<string, unknown> | undefined]> = [
    ['disk', config.disk],
    ['memory', config.memory],
    ['eventLoop', config.eventLoop],
    // CPU is off by default: a busy host is not a broken one. Turn it on with `cpu: {}`.
    ['cpu', config.cpu ?? false],
  ];
  for (const [kind, options] of checks) {
    if (options === false) continue;
    const { check, runner, node } = vitalsCheck(vitals, { check: kind, ...options });
    status.check(`checks.${kind}`, check, { ...VITALS_CHECK_DEFAULTS, ...runner, ...node });
  }
}

const RUNNER_KEYS = new Set([
  'timeout',
  'cache',
  'interval',
  'staleAfter',
  'critical',
  'failureThreshold',
  'successThreshold',
  'description',
]);

/** Splits a component's config into the check's own options, runner options and node options. */
function splitComponent(component: Record<string, unknown>) {
  const own: Record<string, unknown> = {};
  const runner: Record<string, unknown> = {};
  const node: NodeOptions = {};
  for (const [key, value] of Object.entries(component)) {
    if (key === 'check') continue;
    if (key === 'summary') node.summary = value as boolean;
    else if (RUNNER_KEYS.has(key)) runner[key] = value;
    else own[key] = value;
  }
  return { own, runner: runner as CheckOptions, node };
}

/** The config validated these options with the checks' own rules (vitals-options.ts). */
function vitalsCheck(vitals: Vitals, component: Record<string, unknown> & { check: string }) {
  const { own, runner, node } = splitComponent(component);
  const options = vitalsApiOptions(component.check as VitalsKind, own);
  let check: CheckFunction;
  switch (component.check) {
    case 'disk':
      check = diskSpaceCheck(vitals, options);
      break;
    case 'memory':
      check = memoryCheck(vitals, options);
      break;
    case 'cpu':
      check = cpuCheck(vitals, options);
      break;
    case 'eventLoop':
      check = eventLoopCheck(vitals, options);
      break;
    case 'pressure':
      check = pressureCheck(vitals, options as unknown as PressureCheckOptions);
      break;
    default:
      throw new Error(`unknown vitals check "${component.check}"`);
  }
  return { check, runner, node };
}

const VITALS_KINDS = new Set(['disk', 'memory', 'cpu', 'eventLoop', 'pressure']);

function usesVitalsKinds(config: AgentConfig): boolean {
  return Object.values(config.components ?? {}).some((c) => VITALS_KINDS.has((c as { check: string }).check));
}

async function mountComponents(status: StatusKit, config: AgentConfig, vitals: Vitals | undefined) {
  const components = Object.values(config.components ?? {}) as Array<{ check: string }>;
  const createCheck = components.some((c) => !VITALS_KINDS.has(c.check))
    ? (await import('../checks/index.js')).createCheck
    : undefined;
  for (const [path, component] of Object.entries(config.components ?? {})) {
    const spec = component as Record<string, unknown> & { check: string };
    try {
      if (VITALS_KINDS.has(spec.check)) {
        const { check, runner, node } = vitalsCheck(vitals!, spec);
        status.check(path, check, { ...runner, ...node });
      } else {
        const { own, runner, node } = splitComponent(spec);
        status.check(path, createCheck!(spec.check, own), { ...runner, ...node });
      }
    } catch (error) {
      // Options zod accepts can still be refused by the check itself (crit < warn, ...).
      throw new Error(`components.${path}: ${(error as Error).message}`);
    }
  }
}

/** The host-wide PSI figures (not the cgroup's), or undefined where the kernel has none. */
function systemPressure(vitals: Vitals) {
  const { cpu, memory, io } = vitals.pressure();
  return cpu || memory || io ? { cpu, memory, io } : undefined;
}

/**
 * The live `metrics` topic: the registry's readings, with the event-loop and PSI figures so the
 * dashboard charts them. Built at most once per `/metrics` cache interval, however many
 * subscribers and WebSocket `metrics` commands ask; the vitals come from the sampler's tick.
 */
function metricsTopic(
  registry: MetricsRegistry | undefined,
  vitals: Vitals | undefined,
  cacheMs: number,
  feedStats: () => unknown,
) {
  const cache = new TimedCache<'metrics', Record<string, unknown>>(cacheMs);
  return () =>
    cache.get('metrics', () => ({
      ...(registry?.readStatus() ?? {}),
      ...(vitals ? { eventLoop: vitals.process().eventLoop, pressure: systemPressure(vitals) } : {}),
      liveFeed: feedStats(),
    }));
}

/** Host gauges read the sampler's latest tick: a scrape reads no /proc file. */
function registerVitalsGauges(registry: MetricsRegistry, vitals: Vitals): void {
  const gauge = (name: string, help: string, read: () => number) => registry.gauge(name, read, { help });
  gauge(
    'host.cpu.usage.percent',
    'CPU usage of the whole host over the latest window',
    () => vitals.cpus().total.usage,
  );
  gauge('host.memory.used.bytes', 'Host memory in use (total - available)', () => vitals.memory().used);
  gauge('host.memory.total.bytes', 'Host memory', () => vitals.memory().total);
  gauge('host.swap.used.bytes', 'Swap in use', () => vitals.memory().swapUsed);
  gauge('host.load1', 'Load average over 1 minute', () => vitals.host().loadAverage[0]);
  registerPressureGauges(gauge, vitals);
}

/** PSI averages over 60 s, for the series the kernel has (all five share the sampler's one reading). */
function registerPressureGauges(
  gauge: (name: string, help: string, read: () => number) => void,
  vitals: Vitals,
): void {
  const present = vitals.pressure();
  const series = [
    ['cpu', 'some'],
    ['memory', 'some'],
    ['memory', 'full'],
    ['io', 'some'],
    ['io', 'full'],
  ] as const;
  for (const [resource, kind] of series) {
    if (!present[resource]?.[kind]) continue;
    gauge(
      `host.pressure.${resource}.${kind}.avg60.percent`,
      `Share of the last 60 s in which ${kind === 'some' ? 'some' : 'all non-idle'} tasks stalled on ${resource} (PSI)`,
      () => vitals.pressure()[resource]?.[kind]?.avg60 ?? 0,
    );
  }
}

/** The agent caches `/metrics` renderings for 1 s unless `metrics.cache` says otherwise. */
const AGENT_METRICS_CACHE = '1s';

function metricsCacheOf(config: AgentConfig): number {
  const cache = typeof config.metrics === 'object' ? config.metrics.cache : undefined;
  return optionalDuration(cache ?? AGENT_METRICS_CACHE, 0, 'metrics.cache');
}

function metricsRenderer(registry: MetricsRegistry, config: AgentConfig): MetricsRenderer {
  const options = typeof config.metrics === 'object' ? config.metrics : {};
  return metricsEndpoint(registry, { ...options, cache: metricsCacheOf(config) });
}

async function accessOf(config: AgentConfig): Promise<AccessControl | undefined> {
  const auth = config.auth;
  if (!auth && !config.tiers) return undefined;
  const { apiKeyAuth, basicAuth, createAccess, digestAuth, jwtAuth, tokenPairAuth } = await import(
    '../access/index.js'
  );
  const authenticators: Authenticator[] = [];
  if (auth?.apiKeys) authenticators.push(apiKeyAuth(auth.apiKeys));
  if (auth?.tokenPairs) authenticators.push(tokenPairAuth(auth.tokenPairs));
  if (auth?.jwt) {
    const { clockTolerance, ...jwt } = auth.jwt;
    authenticators.push(
      jwtAuth({
        ...jwt,
        clockToleranceSec: clockTolerance === undefined ? undefined : clockTolerance / 1000,
      }),
    );
  }
  if (auth?.digest) {
    const { nonceLifetime, ...digest } = auth.digest;
    authenticators.push(digestAuth({ ...digest, nonceLifetimeMs: nonceLifetime }));
  }
  if (auth?.basic) authenticators.push(basicAuth(auth.basic));
  const throttle = auth?.throttle;
  return createAccess({
    authenticators,
    anonymous: auth?.anonymous,
    tiers: config.tiers,
    throttle:
      throttle === false || throttle === undefined
        ? throttle
        : {
            maxFailures: throttle.maxFailures,
            maxTargetFailures: throttle.maxTargetFailures,
            windowMs: throttle.window,
            blockMs: throttle.block,
          },
  });
}

/**
 * The live feed and the dashboard are built on first use: until a client asks, they cost neither
 * memory (ws, the page's gzipped assets) nor start-up time.
 */
class Lazy<T> {
  value: T | undefined;
  private pending: Promise<T> | undefined;

  constructor(private readonly create: () => Promise<T>) {}

  get(): Promise<T> {
    this.pending ??= this.create().then((value) => {
      this.value = value;
      return value;
    });
    return this.pending;
  }
}

interface LivePaths {
  ws: string | false;
  sse: string | false;
}

function livePathsOf(config: AgentConfig): LivePaths {
  if (config.live === false) return { ws: false, sse: false };
  return { ws: config.live?.wsPath ?? '/api/health/ws', sse: config.live?.ssePath ?? '/status/stream' };
}

function lazyDashboard(status: StatusKit, config: AgentConfig, livePaths: LivePaths): Route {
  const options = config.dashboard || {};
  const statusPaths = Object.values({ ...DEFAULT_PATHS, ...config.paths }).filter((p): p is string => !!p);
  const route = new Lazy(async () => {
    const { createDashboard } = await import('../dashboard/index.js');
    return createDashboard({
      prefix: options.path ?? '/',
      title: options.title ?? config.identity?.name,
      transport: options.transport,
      feedPath: livePaths.ws,
      ssePath: livePaths.sse,
      status,
    });
  });
  return (context) => {
    const { pathname } = context;
    if (statusPaths.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return undefined;
    return route.value ? route.value(context) : route.get().then((dashboard) => dashboard(context));
  };
}

function refuseUpgrade(socket: Duplex): void {
  socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}

function notFound(response: ServerResponse): void {
  if (response.headersSent) return;
  response.writeHead(404, { 'content-type': 'application/json' });
  response.end('{"error":"not_found"}');
}

function doorsOf(config: AgentConfig, metrics: boolean, live: LivePaths): Door[] {
  const paths = { ...DEFAULT_PATHS, ...config.paths };
  const doors: Door[] = [];
  if (paths.status) doors.push({ path: paths.status, scheme: 'http', what: 'status document' });
  if (paths.status && config.cluster)
    doors.push({ path: `${paths.status}?scope=cluster`, scheme: 'http', what: 'cluster view' });
  if (paths.live) doors.push({ path: paths.live, scheme: 'http', what: 'liveness' });
  if (paths.ready) doors.push({ path: paths.ready, scheme: 'http', what: 'readiness' });
  if (paths.started) doors.push({ path: paths.started, scheme: 'http', what: 'startup' });
  if (paths.groups)
    for (const name of Object.keys(config.groups ?? {}))
      doors.push({ path: `${paths.groups}/${name}`, scheme: 'http', what: `health group ${name}` });
  if (paths.metrics && metrics)
    doors.push({ path: paths.metrics, scheme: 'http', what: 'Prometheus metrics' });
  if (paths.info && config.info !== false)
    doors.push({ path: paths.info, scheme: 'http', what: 'build info' });
  if (live.sse) doors.push({ path: live.sse, scheme: 'http', what: 'Server-Sent Events' });
  if (live.ws) doors.push({ path: live.ws, scheme: 'ws', what: 'WebSocket feed' });
  if (config.dashboard !== false)
    doors.push({ path: config.dashboard?.path ?? '/', scheme: 'http', what: 'dashboard' });
  return doors;
}
