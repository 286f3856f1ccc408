/**
 * What to watch and how: the command line and the config file merged into resolved targets and the
 * watcher's options. Per target the first layer that sets a value wins: the target's own settings in
 * the file, then the command line, then the file's top-level defaults, then statuskit's. Credentials
 * stay with the targets they were written for: the command line's with the typed URLs, the file's
 * with the file's targets.
 */
import type { AuthFlags } from '../client/credentials.js';
import type { TargetConfig, TargetSettingsConfig, WatchConfig, WebhookConfig } from './config.js';
import type { FleetSettings } from './fleet/coordinator.js';
import { DEFAULT_HOOK_OPTIONS, type HookOptions } from './hooks.js';
import { MIN_GRACE_MS } from './push.js';
import { DEFAULT_RETAIN_MS } from './retention.js';
import {
  isTargetName,
  nameFromUrl,
  resolveTarget,
  TARGET_NAME_HINT,
  type TargetLayer,
  type TargetOwn,
  uniqueName,
  type WatchTarget,
  type WebhookSpec,
} from './target.js';
import { type WatchWindows, watchWindows } from './windows.js';

export const DEFAULT_SERVE_HOST = '127.0.0.1';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface CommandLineSettings {
  /** `URL` or `NAME=URL`. */
  urls: readonly string[];
  /** Settings from flags; `auth` applies to the command line's own URLs only. */
  layer: TargetLayer;
  history?: string;
  fleet?: FleetSettings;
  retainMs?: number;
  hookTimeoutMs?: number;
  groupWaitMs?: number;
  serve?: ListenAddress;
  /** `watch test` / `watch replay`: nothing is polled nor served. */
  offline?: boolean;
}

/** Notifications wait this long by default to gather what fails together. */
export const DEFAULT_GROUP_WAIT_MS = 10_000;

export interface WatchPlan {
  targets: WatchTarget[];
  /** A SQLite file or a `postgres://` URL (which may hold a password: print it only redacted). */
  history?: string;
  /** Writes buffered while a PostgreSQL history is unreachable. */
  historyBuffer?: number;
  /** Membership settings, used with a PostgreSQL history. */
  fleet: FleetSettings;
  retainMs: number;
  hooks: HookOptions;
  groupWaitMs: number;
  windows: WatchWindows;
  serve?: ListenAddress;
  /** The public status page's section, as configured (src/statuspage). */
  statusPage?: WatchConfig['statusPage'];
}

/** A plan that cannot work (no target, a bad name): a usage problem. */
export class PlanError extends Error {
  override name = 'PlanError';
}

export function planWatch(cli: CommandLineSettings, config?: WatchConfig): WatchPlan {
  const fileDefaults = config ? layerOf(config) : {};
  const { auth: cliAuth, ...cliShared } = cli.layer;
  const targets: WatchTarget[] = [];
  const taken = new Set<string>();
  for (const [name, target] of Object.entries(config?.targets ?? {})) {
    targets.push(
      resolveTarget(name, target.url ?? '', [layerOf(target), cliShared, fileDefaults], ownOf(target)),
    );
    taken.add(name);
  }
  for (const argument of cli.urls) {
    const { name, url, named } = splitNamedUrl(argument);
    if (named && taken.has(name)) throw new PlanError(`target name "${name}" is used twice`);
    const unique = uniqueName(name, taken);
    taken.add(unique);
    // Credentials go only where they were written: the file's `auth` is not for typed URLs either.
    const { auth: _fileAuth, ...fileShared } = fileDefaults;
    targets.push(resolveTarget(unique, url, [{ ...cliShared, auth: cliAuth }, fileShared]));
  }
  if (targets.length === 0) throw new PlanError('nothing to watch: give URLs, or --config FILE with targets');
  const serve = cli.serve ?? serveOf(config?.serve);
  const pushed = targets.filter((target) => target.source.kind === 'push');
  if (pushed.length > 0 && !serve && !cli.offline) {
    throw new PlanError(
      `push targets (${pushed.map((t) => t.name).join(', ')}) are pinged on --serve: give --serve [HOST:]PORT or serve in the file`,
    );
  }
  return {
    targets,
    history: cli.history ?? historyOf(config?.history),
    ...(typeof config?.history === 'object' && config.history.buffer !== undefined
      ? { historyBuffer: config.history.buffer }
      : {}),
    fleet: {
      ...fleetOf(config?.fleet),
      ...Object.fromEntries(Object.entries(cli.fleet ?? {}).filter(([, value]) => value !== undefined)),
    },
    retainMs: cli.retainMs ?? config?.retain ?? DEFAULT_RETAIN_MS,
    hooks: {
      ...DEFAULT_HOOK_OPTIONS,
      timeoutMs: cli.hookTimeoutMs ?? config?.hookTimeout ?? DEFAULT_HOOK_OPTIONS.timeoutMs,
    },
    groupWaitMs: cli.groupWaitMs ?? config?.groupWait ?? DEFAULT_GROUP_WAIT_MS,
    windows: watchWindows(config?.maintenance),
    serve,
    ...(config?.statusPage ? { statusPage: config.statusPage } : {}),
  };
}

export function historyOf(history: WatchConfig['history']): string | undefined {
  return typeof history === 'object' ? history.url : history;
}

function fleetOf(fleet: WatchConfig['fleet']): FleetSettings {
  if (!fleet) return {};
  return {
    ...(fleet.member === undefined ? {} : { member: fleet.member }),
    ...(fleet.region === undefined ? {} : { region: fleet.region }),
    ...(fleet.lease === undefined ? {} : { leaseMs: fleet.lease }),
    ...(fleet.heartbeat === undefined ? {} : { heartbeatMs: fleet.heartbeat }),
  };
}

/** Where a file target's answer comes from, and its parents. */
function ownOf(target: TargetConfig): TargetOwn {
  const own: TargetOwn = { dependsOn: target.dependsOn };
  if (target.regions !== undefined)
    own.quorum = {
      regions: [...new Set(target.regions)],
      downWhen: target.downWhen ?? new Set(target.regions).size,
    };
  if (target.check !== undefined)
    own.source = { kind: 'check', check: target.check, options: target.options ?? {} };
  if (target.push !== undefined) {
    const { token, period, grace } = target.push;
    own.source = {
      kind: 'push',
      token,
      periodMs: period,
      graceMs: grace ?? Math.max(MIN_GRACE_MS, period / 10),
    };
  }
  return own;
}

/** `api=https://…` names a target; a bare URL is named after its host and path. */
export function splitNamedUrl(argument: string): { name: string; url: string; named: boolean } {
  const named = /^([^=:/]+)=(.+)$/.exec(argument);
  const url = named ? named[2] : argument;
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new PlanError(`not a URL: "${url}"`);
  }
  if (!/^(https?|wss?):$/.test(scheme)) throw new PlanError(`not an http(s) or ws(s) URL: "${url}"`);
  if (!named) return { name: nameFromUrl(url), url, named: false };
  if (!isTargetName(named[1])) throw new PlanError(`"${named[1]}": ${TARGET_NAME_HINT}`);
  return { name: named[1], url, named: true };
}

/** `8080`, `0.0.0.0:8080`, `[::1]:8080`. */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]:|([^:[\]]+):)?(\d+)$/.exec(text.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || !Number.isInteger(port) || port > 65_535) {
    throw new PlanError(`--serve: expected PORT or HOST:PORT, got "${text}"`);
  }
  return { host: match[1] ?? match[2] ?? DEFAULT_SERVE_HOST, port };
}

function serveOf(serve: WatchConfig['serve']): ListenAddress | undefined {
  if (serve === undefined) return undefined;
  if (typeof serve === 'number') return { host: DEFAULT_SERVE_HOST, port: serve };
  return { host: serve.host ?? DEFAULT_SERVE_HOST, port: serve.port };
}

function layerOf(settings: TargetSettingsConfig): TargetLayer {
  const webhook = settings.webhook;
  return {
    intervalMs: settings.interval,
    timeoutMs: settings.timeout,
    path: settings.path,
    words: settings.words && new Map(Object.entries(settings.words)),
    byHttpCode: settings.byHttpCode,
    auth: settings.auth && authOf(settings.auth),
    insecure: settings.insecure,
    failAfter: settings.failAfter,
    recoverAfter: settings.recoverAfter,
    onChange: settings.onChange,
    rules: settings.rules,
    targetMaintenance: settings.targetMaintenance,
    webhooks:
      webhook === undefined ? undefined : (Array.isArray(webhook) ? webhook : [webhook]).map(webhookOf),
  };
}

function authOf(auth: NonNullable<TargetSettingsConfig['auth']>): AuthFlags {
  return {
    apiKey: auth.apiKey,
    apiKeyHeader: auth.apiKeyHeader,
    headers: Object.entries(auth.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    token: auth.token,
    user: auth.user === undefined ? undefined : `${auth.user}:${auth.password ?? ''}`,
    digest: auth.digest,
  };
}

function webhookOf(webhook: WebhookConfig): WebhookSpec {
  return typeof webhook === 'string'
    ? { url: webhook, headers: {} }
    : {
        url: webhook.url,
        headers: webhook.headers ?? {},
        ...(webhook.format ? { format: webhook.format } : {}),
      };
}
