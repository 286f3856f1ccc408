/**
 * `statuskit watch URL...`: poll status APIs, log and run hooks on each transition, keep a history,
 * optionally serve the watched targets as a status document. `--once` polls once and exits like a
 * Nagios plugin. `statuskit watch history` reports transitions and availability from a history file.
 * With `--config`, SIGHUP reloads the file (src/watch/reload.ts).
 */
import { parseJsonPath } from '../checks/json-path.js';
import type { AuthFlags } from '../client/credentials.js';
import type { ConfigProblem } from '../config/errors.js';
import { isLevel, LEVELS, type Level, SEVERITY, worst } from '../model/levels.js';
import { parseDuration } from '../util/duration.js';
import type { WatchConfig } from '../watch/config.js';
import type { FleetSettings } from '../watch/fleet/coordinator.js';
import { DEFAULT_LEASE_MS } from '../watch/fleet/lease-defaults.js';
import type { FleetRuntime } from '../watch/fleet/runtime.js';
import type { HistoryStore } from '../watch/history-store.js';
import {
  type CommandLineSettings,
  type ListenAddress,
  PlanError,
  parseListenAddress,
  planWatch,
  type WatchPlan,
} from '../watch/plan.js';
import { isPostgresUrl } from '../watch/postgres/connection.js';
import type { PgHistoryStore } from '../watch/postgres/store.js';
import { RuleError } from '../watch/rules/parse.js';
import { compileRules, type RuleSpec } from '../watch/rules/rule-set.js';
import { HistoryUnavailableError } from '../watch/sqlite.js';
import type { WatchServer } from '../watch/status-server.js';
import { formatSpan, formatTable } from '../watch/table.js';
import { type TargetLayer, WEBHOOK_FORMATS, type WebhookFormat } from '../watch/target.js';
import { type TargetView, Watcher } from '../watch/watcher.js';
import { type CommandContext, type OptionSpec, UsageError } from './context.js';
import { LEVEL_STATES, type NagiosState, UNKNOWN } from './nagios.js';
import { AUTH_OPTIONS, authFlags } from './request-flags.js';

const WATCH_OPTIONS: OptionSpec = {
  ...AUTH_OPTIONS,
  interval: { type: 'string' },
  path: { type: 'string' },
  word: { type: 'string', multiple: true },
  'by-http-code': { type: 'boolean' },
  'fail-after': { type: 'string' },
  'recover-after': { type: 'string' },
  'on-change': { type: 'string' },
  webhook: { type: 'string', multiple: true },
  'webhook-format': { type: 'string' },
  'hook-timeout': { type: 'string' },
  when: { type: 'string', multiple: true },
  'warn-when': { type: 'string', multiple: true },
  notify: { type: 'string', multiple: true },
  'group-wait': { type: 'string' },
  history: { type: 'string' },
  member: { type: 'string' },
  region: { type: 'string' },
  lease: { type: 'string' },
  retain: { type: 'string' },
  serve: { type: 'string' },
  once: { type: 'boolean' },
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  target: { type: 'string' },
  since: { type: 'string' },
  sample: { type: 'string' },
  previous: { type: 'string' },
  status: { type: 'string' },
  time: { type: 'string' },
};

const HISTORY_ONLY = ['target', 'since', 'sample', 'previous', 'status', 'time'];
const HISTORY_OPTIONS = new Set([
  'history',
  'config',
  'json',
  'quiet',
  'log',
  'help',
  'version',
  ...HISTORY_ONLY,
]);

export async function watchCommand(ctx: CommandContext): Promise<number> {
  // A Nagios caller of `--once` must see UNKNOWN for bad input, never 2 (CRITICAL).
  const once = ctx.args.includes('--once');
  // The status page's incidents have options of their own (src/cli/watch-incident.ts).
  if (ctx.args.find((arg) => !arg.startsWith('-')) === 'incident') {
    return (await import('./watch-incident.js')).incidentCommand(ctx);
  }
  try {
    const { values, positionals } = ctx.parse(WATCH_OPTIONS);
    if (positionals[0] === 'history') return await historyCommand(ctx, values, positionals.slice(1));
    if (positionals[0] === 'migrate') return await migrateCommand(ctx, values, positionals.slice(1));
    if (positionals[0] === 'test' || positionals[0] === 'replay') {
      const { replayCommand, testCommand } = await import('./watch-rules.js');
      const command = positionals[0] === 'test' ? testCommand : replayCommand;
      return await command(ctx, values, positionals.slice(1), (file) => readPlan(ctx, file));
    }
    for (const option of HISTORY_ONLY) {
      if (values[option] !== undefined)
        throw new UsageError(`--${option} applies to "watch history", "watch test" or "watch replay" only`);
    }
    if (values.json && !once) throw new UsageError('--json applies to --once and "watch history"');
    return await watchTargets(ctx, values, positionals, once);
  } catch (error) {
    if (!once || !(error instanceof UsageError)) throw error;
    ctx.stderr(`statuskit: ${error.message}\nRun "statuskit watch --help" for usage.\n`);
    return UNKNOWN;
  }
}

async function watchTargets(
  ctx: CommandContext,
  values: Record<string, unknown>,
  urls: string[],
  once: boolean,
): Promise<number> {
  const failed = once ? UNKNOWN : 2;
  const cli = commandLineSettings(ctx, values, urls);
  const config = await readConfig(ctx, values.config as string | undefined);
  if (config === 'invalid') return failed;
  let plan: WatchPlan;
  try {
    plan = planWatch(cli, config);
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(error.message);
    throw error;
  }
  let store: HistoryStore | undefined;
  try {
    store =
      plan.history === undefined
        ? undefined
        : await openHistory(plan.history, {
            log: ctx.log,
            bufferLimit: plan.historyBuffer,
            // Below the lease: a paused member's open transaction never blocks the takeover.
            idleTransactionMs: Math.max(500, (plan.fleet.leaseMs ?? DEFAULT_LEASE_MS) / 3),
          });
  } catch (error) {
    if (!(error instanceof HistoryUnavailableError)) throw error;
    ctx.log.error(error.message);
    return once ? UNKNOWN : 1;
  }
  const savedTargets = store?.kind === 'postgres' ? await store.targets() : undefined;
  // A PostgreSQL history makes this watcher a fleet member, even alone (one code path); `--once`
  // is a look, not a member: it polls everything and writes unfenced.
  const { memberId } = await import('../watch/fleet/coordinator.js');
  const fleet =
    store?.kind === 'postgres' && !once
      ? { ...plan.fleet, member: plan.fleet.member ?? memberId() }
      : undefined;
  const watcher = new Watcher({
    targets: plan.targets,
    log: ctx.log,
    store,
    savedTargets,
    ...(fleet ? { fleet: { member: fleet.member, ...(fleet.region ? { region: fleet.region } : {}) } } : {}),
    retainMs: plan.retainMs,
    hooks: plan.hooks,
    groupWaitMs: plan.groupWaitMs,
    windows: plan.windows,
  });
  try {
    if (once) return await pollOnce(ctx, watcher, plan, values.json === true);
    const file = values.config as string | undefined;
    const member = fleet && store ? await fleetRuntime(ctx, store, watcher, fleet, plan) : undefined;
    return await runUntilSignal(ctx, watcher, plan, file === undefined ? undefined : { file, cli }, {
      shown: store?.file,
      member,
      store,
    });
  } finally {
    await store?.close();
  }
}

async function pollOnce(ctx: CommandContext, watcher: Watcher, plan: WatchPlan, json: boolean) {
  const views = await watcher.pollAll();
  ctx.display(json ? `${JSON.stringify(views.map(sampleJson), null, 2)}\n` : `${onceTable(views)}\n`);
  const { timeoutMs, retries, backoffMs } = plan.hooks;
  // Hooks of a one-shot run get their whole retry schedule before the process ends.
  const bound = timeoutMs * (retries + 1) + backoffMs * (2 ** retries - 1) + 1000;
  await watcher.stop(bound, { abandonRetries: false });
  const level = views.reduce((acc, view) => worst(acc, view.last?.level ?? 'unknown'), 'ok' as Level);
  return LEVEL_STATES[level] as NagiosState;
}

/** The fleet's parts, loaded only for a PostgreSQL history. */
async function fleetRuntime(
  ctx: CommandContext,
  store: HistoryStore,
  watcher: Watcher,
  settings: FleetSettings & { member: string },
  plan: WatchPlan,
): Promise<FleetRuntime> {
  const { FleetRuntime } = await import('../watch/fleet/runtime.js');
  return new FleetRuntime(store as PgHistoryStore, watcher, ctx.log, settings, plan.hooks);
}

async function runUntilSignal(
  ctx: CommandContext,
  watcher: Watcher,
  plan: WatchPlan,
  reloadFrom: { file: string; cli: CommandLineSettings } | undefined,
  history: { shown?: string; member?: FleetRuntime; store?: HistoryStore },
): Promise<number> {
  const { member } = history;
  let server: WatchServer | undefined;
  if (plan.serve) {
    try {
      const { serveWatcher } = await import('../watch/status-server.js');
      // A SQLite history holds the page's own tables; a PostgreSQL one is read through its store.
      const page = plan.statusPage && {
        config: plan.statusPage,
        ...(plan.history ? { history: plan.history } : {}),
        ...(history.store ? { store: history.store } : {}),
        windows: plan.windows.configured,
      };
      server = await serveWatcher(watcher, plan.serve, { ...member?.serveExtras(), statusPage: page });
    } catch (error) {
      ctx.log.error(`cannot listen: ${(error as Error).message}`);
      return 1;
    }
  }
  if (plan.statusPage && !plan.serve)
    ctx.log.warn('statusPage: the page is served with --serve (or serve: in the config)');
  const reloader = reloadFrom && (await startReloader(ctx, watcher, plan, reloadFrom));
  let shuttingDown = false;
  const onHangUp = () => {
    // Still listened to while shutting down: without a listener, SIGHUP would kill the drain.
    if (shuttingDown) ctx.log.info('SIGHUP ignored: shutting down');
    else if (reloader) void reloader.reload();
    else
      ctx.log.warn(
        'SIGHUP: nothing to reload (the targets come from the command line; reloading needs --config FILE)',
      );
  };
  // Handlers before the URL is printed: whoever reads it may signal at once.
  process.on('SIGHUP', onHangUp);
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // Every door, one per line, the status document first (as `serve` prints its own).
  if (server) ctx.stdout(`${server.urls().join('\n')}\n`);
  if (member) await member.start();
  else watcher.start();
  ctx.log.info(`watching ${plan.targets.length} target${plan.targets.length === 1 ? '' : 's'}`, {
    targets: plan.targets.map((t) => `${t.name} ${t.displayUrl} every ${formatSpan(t.intervalMs)}`),
    ...(history.shown ? { history: history.shown } : {}),
    ...(member
      ? {
          member: member.coordinator.member,
          region: member.coordinator.region,
          owned: member.coordinator.owned,
        }
      : {}),
    ...(server ? { serve: server.urls()[0], listen: `${server.server.host}:${server.server.port}` } : {}),
    pid: process.pid,
  });
  const signal = await stopSignal;
  shuttingDown = true;
  ctx.log.info('shutting down', { signal });
  // Commands get their own timeout and a second to be killed; webhook retries are given up.
  const { hooks } = reloader?.plan ?? plan;
  const drained = await watcher.stop(hooks.timeoutMs + 1000);
  if (!drained) ctx.log.warn('shutdown: some hooks had not finished and were abandoned');
  await member?.stop();
  await server?.close();
  process.off('SIGHUP', onHangUp);
  return 0;
}

/** Loaded only with a config file: without one there is nothing to reload. */
async function startReloader(
  ctx: CommandContext,
  watcher: Watcher,
  plan: WatchPlan,
  { file, cli }: { file: string; cli: CommandLineSettings },
) {
  const { WatchReloader } = await import('../watch/reload.js');
  return new WatchReloader(plan, { file, cli, env: ctx.env, watcher, log: ctx.log });
}

async function historyCommand(
  ctx: CommandContext,
  values: Record<string, unknown>,
  extra: string[],
): Promise<number> {
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  for (const option of Object.keys(values)) {
    if (!HISTORY_OPTIONS.has(option)) throw new UsageError(`--${option} does not apply to "watch history"`);
  }
  let file = values.history as string | undefined;
  if (file === undefined && values.config !== undefined) {
    const config = await readConfig(ctx, values.config as string);
    if (config === 'invalid') return 2;
    const { historyOf } = await import('../watch/plan.js');
    file = historyOf(config?.history);
  }
  if (file === undefined) throw new UsageError('watch history: --history FILE is required');
  const sinceMs = durationFlag(values.since as string | undefined, '--since') ?? 86_400_000;
  const end = Date.now();
  let store: HistoryStore | undefined;
  try {
    const { buildReport, reportJson, reportText } = await import('../watch/report.js');
    store = await openHistory(file, { log: ctx.log, forReading: true });
    const report = await buildReport(
      store,
      { start: end - sinceMs, end },
      values.target as string | undefined,
    );
    ctx.display(values.json ? `${JSON.stringify(reportJson(report), null, 2)}\n` : reportText(report));
    return 0;
  } catch (error) {
    if (!(error instanceof HistoryUnavailableError || (error as Error).name === 'UnknownTargetError'))
      throw error;
    ctx.stderr(`statuskit watch history: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

/**
 * `statuskit watch migrate --history postgres://…`: brings the schema to this statuskit's version
 * (the watcher does it too at start; this is for a deploy step run before the fleet rolls).
 */
async function migrateCommand(ctx: CommandContext, values: Record<string, unknown>, extra: string[]) {
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  for (const option of Object.keys(values)) {
    if (!['history', 'config', 'quiet', 'log', 'help', 'version'].includes(option))
      throw new UsageError(`--${option} does not apply to "watch migrate"`);
  }
  let url = values.history as string | undefined;
  if (url === undefined && values.config !== undefined) {
    const config = await readConfig(ctx, values.config as string);
    if (config === 'invalid') return 2;
    const { historyOf } = await import('../watch/plan.js');
    url = historyOf(config?.history);
  }
  if (url === undefined || !isPostgresUrl(url))
    throw new UsageError('watch migrate: --history postgres://… is required (a SQLite file migrates itself)');
  try {
    const { PgHistoryStore } = await import('../watch/postgres/store.js');
    const { from, to, shown } = await PgHistoryStore.migrateOnly(url);
    ctx.stdout(from === to ? `${shown}: schema ${to}, up to date\n` : `${shown}: schema ${from} -> ${to}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof HistoryUnavailableError)) throw error;
    ctx.stderr(`statuskit watch migrate: ${error.message}\n`);
    return 1;
  }
}

/** A config file alone as a plan (watch test / replay), `'invalid'` once its problems are logged. */
async function readPlan(ctx: CommandContext, file: string): Promise<WatchPlan | 'invalid'> {
  const config = await readConfig(ctx, file);
  if (config === 'invalid' || config === undefined) return 'invalid';
  try {
    return planWatch({ urls: [], layer: {}, offline: true }, config);
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(error.message);
    throw error;
  }
}

/** The history store and its driver (SQLite or pg) are loaded only when a history is used. */
async function openHistory(
  spec: string,
  options: {
    log: CommandContext['log'];
    forReading?: boolean;
    bufferLimit?: number;
    idleTransactionMs?: number;
  },
): Promise<HistoryStore> {
  const { openHistory: open } = await import('../watch/open-history.js');
  return open(spec, options);
}

/** The config file, `undefined` without one, or `'invalid'` once its problems are logged. */
async function readConfig(
  ctx: CommandContext,
  file: string | undefined,
): Promise<WatchConfig | undefined | 'invalid'> {
  if (file === undefined) return undefined;
  try {
    const { loadWatchConfig } = await import('../watch/config.js');
    return await loadWatchConfig(file, ctx.env);
  } catch (error) {
    const { name, problems } = error as { name?: string; problems?: ConfigProblem[] };
    if (name !== 'ConfigError' || !problems) throw error;
    ctx.log.error(`invalid configuration in ${file}`, {
      problems: problems.map((p) => `${p.path}: ${p.message}`),
    });
    return 'invalid';
  }
}

function commandLineSettings(
  ctx: CommandContext,
  values: Record<string, unknown>,
  urls: string[],
): CommandLineSettings {
  const path = values.path as string | undefined;
  if (path !== undefined) {
    try {
      parseJsonPath(path);
    } catch (error) {
      throw new UsageError(`--path: ${(error as Error).message}`);
    }
  }
  if (values['by-http-code'] && (path !== undefined || values.word !== undefined)) {
    throw new UsageError('--by-http-code reads no status word: --path and --word do not apply with it');
  }
  const format = webhookFormat(values['webhook-format'] as string | undefined);
  const webhooks = ((values.webhook as string[] | undefined) ?? []).map((url) => {
    if (!/^https?:$/.test(safeScheme(url)))
      throw new UsageError(`--webhook: expected an http(s) URL, got "${url}"`);
    return { url, headers: {}, ...(format ? { format } : {}) };
  });
  const layer: TargetLayer = {
    intervalMs: positiveDuration(values.interval as string | undefined, '--interval'),
    timeoutMs: positiveDuration(values.timeout as string | undefined, '--timeout'),
    path,
    words: customWords(values.word as string[] | undefined),
    byHttpCode: values['by-http-code'] === true ? true : undefined,
    auth: targetAuth(ctx, values),
    insecure: values.insecure === true ? true : undefined,
    failAfter: count(values['fail-after'] as string | undefined, '--fail-after'),
    recoverAfter: count(values['recover-after'] as string | undefined, '--recover-after'),
    onChange: values['on-change'] as string | undefined,
    webhooks: webhooks.length > 0 ? webhooks : undefined,
    rules: ruleFlags(values),
  };
  return {
    urls,
    layer,
    history: values.history as string | undefined,
    fleet: {
      member: values.member as string | undefined,
      region: values.region as string | undefined,
      leaseMs: positiveDuration(values.lease as string | undefined, '--lease'),
    },
    retainMs: positiveDuration(values.retain as string | undefined, '--retain'),
    hookTimeoutMs: positiveDuration(values['hook-timeout'] as string | undefined, '--hook-timeout'),
    groupWaitMs: durationFlag(values['group-wait'] as string | undefined, '--group-wait'),
    serve: values.serve === undefined ? undefined : listenAddress(values.serve as string),
  };
}

/** `--word WORD=LEVEL`, repeatable: split at the last `=` (a level has none), `=ok` for the empty word. */
function customWords(flags: string[] | undefined): Map<string, Level> | undefined {
  if (flags === undefined) return undefined;
  const words = new Map<string, Level>();
  for (const flag of flags) {
    const cut = flag.lastIndexOf('=');
    const level = flag.slice(cut + 1);
    if (cut < 0 || !isLevel(level)) {
      throw new UsageError(
        `--word: expected WORD=LEVEL with LEVEL one of ${LEVELS.join(', ')}, got "${flag}"`,
      );
    }
    words.set(flag.slice(0, cut), level);
  }
  return words;
}

/**
 * `--when 'EXPR'` (critical), `--warn-when 'EXPR'`, `--notify 'EXPR'`, each optionally named
 * `NAME: EXPR`; unnamed ones are `when-1`, `warn-when-1`, `notify-1`, … Checked here, so a bad
 * rule is a usage error naming the flag and the column.
 */
function ruleFlags(values: Record<string, unknown>): RuleSpec[] | undefined {
  const specs: RuleSpec[] = [];
  const flags = [
    ['when', (name: string, text: string): RuleSpec => ({ name, when: text })],
    ['warn-when', (name: string, text: string): RuleSpec => ({ name, when: text, severity: 'warning' })],
    ['notify', (name: string, text: string): RuleSpec => ({ name, notify: text })],
  ] as const;
  for (const [flag, make] of flags) {
    ((values[flag] as string[] | undefined) ?? []).forEach((argument, i) => {
      const named = /^([A-Za-z0-9_][A-Za-z0-9_-]*):\s(.*)$/s.exec(argument);
      const spec = named ? make(named[1], named[2]) : make(`${flag}-${i + 1}`, argument);
      if (specs.some((other) => other.name === spec.name))
        throw new UsageError(`--${flag}: the rule name "${spec.name}" is used twice`);
      try {
        compileRules([spec]);
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
        const offset = named ? named[0].length - named[2].length : 0;
        throw new UsageError(
          `--${flag}: column ${error.column + offset}: expected ${error.expected}, found ${error.found}`,
        );
      }
      specs.push(spec);
    });
  }
  return specs.length > 0 ? specs : undefined;
}

/** The command line's credentials, undefined when none are given (a file's targets keep theirs). */
function targetAuth(ctx: CommandContext, values: Record<string, unknown>): AuthFlags | undefined {
  const auth = authFlags(ctx, values);
  return Object.values(auth).some((value) => value !== undefined) ? auth : undefined;
}

function listenAddress(text: string): ListenAddress {
  try {
    return parseListenAddress(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function durationFlag(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDuration(text, flag);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function positiveDuration(text: string | undefined, flag: string): number | undefined {
  const ms = durationFlag(text, flag);
  if (ms !== undefined && ms <= 0)
    throw new UsageError(`${flag}: expected a duration above 0, got "${text}"`);
  return ms;
}

function count(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`${flag}: expected a whole number >= 1, got "${text}"`);
  }
  return Number(text);
}

function safeScheme(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}

function onceTable(views: readonly TargetView[]): string {
  const ordered = [...views].sort(
    (a, b) => SEVERITY[b.last?.level ?? 'unknown'] - SEVERITY[a.last?.level ?? 'unknown'],
  );
  return formatTable(
    ['TARGET', 'LEVEL', 'WORD', 'HTTP', 'TIME', 'MESSAGE'],
    ordered.map(({ target, last }) => [
      target.name,
      last?.level ?? 'unknown',
      last?.word ?? '',
      last?.httpCode === undefined ? '' : String(last.httpCode),
      last ? formatSpan(last.durationMs) : '',
      last?.message ?? '',
    ]),
  );
}

function sampleJson(view: TargetView) {
  const { target, state, last } = view;
  return {
    target: target.name,
    url: target.displayUrl,
    level: last?.level ?? 'unknown',
    reported: state.level ?? null,
    word: last?.word ?? null,
    httpCode: last?.httpCode ?? null,
    durationMs: last?.durationMs ?? null,
    message: last?.message ?? null,
    time: last ? new Date(last.time).toISOString() : null,
    // Each failed or unknown rule with its explanation; why the target is in maintenance.
    rules: last?.values?.failed ?? [],
    maintenance: last?.values?.maintenance ?? null,
  };
}

function webhookFormat(text: string | undefined): WebhookFormat | undefined {
  if (text === undefined) return undefined;
  if (!(WEBHOOK_FORMATS as readonly string[]).includes(text))
    throw new UsageError(`--webhook-format: expected one of ${WEBHOOK_FORMATS.join(', ')}, got "${text}"`);
  return text as WebhookFormat;
}
