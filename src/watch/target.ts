/**
 * A watched target, fully resolved: every setting decided, layer by layer. The first layer that sets
 * a value wins: the target's own settings, then the command line, then the file's defaults, then
 * statuskit's. Credentials are the exception (see `resolveTarget`).
 */
import { createRedactor } from '../access/redact.js';
import { type AuthFlags, credentialSecrets } from '../client/credentials.js';
import type { Level } from '../model/levels.js';
import { type CustomWords, DEFAULT_STATUS_PATHS } from './judge.js';
import { compileRules, type RuleSet, type RuleSpec } from './rules/rule-set.js';
import type { Debounce } from './transitions.js';

export const TARGET_NAME_HINT =
  'a target name may hold only letters, digits, "_" and "-" (it becomes a component key)';

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

export function isTargetName(name: string): boolean {
  return NAME.test(name);
}

/** What a webhook's body looks like: statuskit's event, or a chat tool's incoming-webhook message. */
export const WEBHOOK_FORMATS = ['json', 'slack', 'discord'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface WebhookSpec {
  url: string;
  headers: Record<string, string>;
  /** Default `json`. */
  format?: WebhookFormat;
}

/** `argv` runs without a shell; a string runs in `/bin/sh -c`. Transition data only ever goes in env. */
export type HookCommand = string | readonly string[];

/**
 * Where a target's answer comes from: an HTTP / WebSocket status URL, a built-in check kind of
 * src/checks (tcp, dns, tls, postgres, redis, …), or pings a job pushes (a dead man's switch).
 */
export type TargetSource =
  | { kind: 'url' }
  | { kind: 'check'; check: string; options: Readonly<Record<string, unknown>> }
  | { kind: 'push'; token: string; periodMs: number; graceMs: number };

export interface WatchTarget {
  name: string;
  source: TargetSource;
  /** As configured: it may carry credentials, so show `displayUrl` instead. */
  url: string;
  displayUrl: string;
  intervalMs: number;
  timeoutMs: number;
  statusPaths: readonly string[];
  /** The target's own status words, matched before the built-in vocabularies. */
  words: CustomWords;
  /** Judged by the HTTP code alone: no status word is read. */
  byHttpCode: boolean;
  auth: AuthFlags;
  insecure: boolean;
  debounce: Debounce;
  onChange?: HookCommand;
  webhooks: readonly WebhookSpec[];
  /** The rules as written (compared at a reload) and compiled (once, here). */
  ruleSpecs: readonly RuleSpec[];
  rules: RuleSet;
  /**
   * Whether the status word (or the HTTP code, with `byHttpCode`) judges the answer. Without
   * rules it always does; with rules only when the target asks for it (`path`, `words`,
   * `byHttpCode`), the rules judging alone otherwise.
   */
  readsWord: boolean;
  /** Follow the target's own maintenance (its `maintenance` level, seed 002's notice). */
  targetMaintenance: boolean;
  /** Targets this one needs: while one is down, this one's alerts are folded into its. */
  dependsOn: readonly string[];
  /** A fleet polls it from each of these regions; its level is their quorum's (fleet/quorum.ts). */
  quorum?: { regions: readonly string[]; downWhen: number };
  /** Masks this target's secrets in every message it produces. */
  redact: (text: string) => string;
}

/** One source of settings; undefined means "not set here". */
export interface TargetLayer {
  intervalMs?: number;
  timeoutMs?: number;
  path?: string;
  words?: CustomWords;
  byHttpCode?: boolean;
  auth?: AuthFlags;
  insecure?: boolean;
  failAfter?: number;
  recoverAfter?: number;
  onChange?: HookCommand;
  webhooks?: readonly WebhookSpec[];
  rules?: readonly RuleSpec[];
  targetMaintenance?: boolean;
}

/** What only a target itself says: where its answer comes from, and what it depends on. */
export interface TargetOwn {
  source?: TargetSource;
  dependsOn?: readonly string[];
  quorum?: { regions: readonly string[]; downWhen: number };
}

/** The secrets a source holds (check passwords, a push token), masked in its messages. */
const SECRET_OPTIONS = ['password', 'pass', 'token', 'connectionString', 'uri', 'url'];

export const TARGET_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 5000,
  failAfter: 1,
  recoverAfter: 1,
} as const;

/**
 * Credentials are never inherited from the command line by targets of a file: `-u` meant the URLs
 * typed next to it, and sending it to every host of the file would leak it. The caller leaves `auth`
 * out of the command-line layer for file targets.
 */
export function resolveTarget(
  name: string,
  url: string,
  layers: readonly TargetLayer[],
  own: TargetOwn = {},
): WatchTarget {
  const pick = <K extends keyof TargetLayer>(key: K): TargetLayer[K] =>
    layers.find((layer) => layer[key] !== undefined)?.[key];
  const auth = pick('auth') ?? {};
  const path = pick('path');
  const source = own.source ?? { kind: 'url' };
  const redact = createRedactor({ secrets: [...credentialSecrets(auth), ...sourceSecrets(source)] });
  const ruleSpecs = pick('rules') ?? [];
  const judgesByWord = path !== undefined || pick('words') !== undefined || pick('byHttpCode') !== undefined;
  return {
    name,
    source,
    url,
    displayUrl: redact(source.kind === 'url' ? maskUserInfo(url) : sourceLabel(name, source)),
    intervalMs: pick('intervalMs') ?? TARGET_DEFAULTS.intervalMs,
    timeoutMs: pick('timeoutMs') ?? TARGET_DEFAULTS.timeoutMs,
    statusPaths: path === undefined ? DEFAULT_STATUS_PATHS : [path],
    words: pick('words') ?? new Map<string, Level>(),
    byHttpCode: pick('byHttpCode') ?? false,
    auth,
    insecure: pick('insecure') ?? false,
    debounce: {
      failAfter: pick('failAfter') ?? TARGET_DEFAULTS.failAfter,
      recoverAfter: pick('recoverAfter') ?? TARGET_DEFAULTS.recoverAfter,
    },
    onChange: pick('onChange'),
    webhooks: pick('webhooks') ?? [],
    ruleSpecs,
    rules: compileRules(ruleSpecs),
    readsWord: ruleSpecs.length === 0 || judgesByWord,
    targetMaintenance: pick('targetMaintenance') ?? true,
    dependsOn: own.dependsOn ?? [],
    ...(own.quorum ? { quorum: own.quorum } : {}),
    redact,
  };
}

/** How a check or push target is shown where a URL would be: `tcp://db:5432`, `push:backup`. */
function sourceLabel(name: string, source: TargetSource): string {
  if (source.kind === 'push') return `push:${name}`;
  if (source.kind === 'url') return name;
  const options = source.options;
  const address = ['url', 'connectionString', 'uri', 'server']
    .map((key) => options[key])
    .find((v) => typeof v === 'string');
  if (typeof address === 'string') return maskUserInfo(address);
  const host = options.host ?? options.hostname;
  if (typeof host === 'string')
    return `${source.check}://${host}${options.port === undefined ? '' : `:${options.port}`}`;
  if (typeof options.command === 'string') return `command:${options.command}`;
  return `${source.check}:`;
}

function sourceSecrets(source: TargetSource): string[] {
  if (source.kind === 'push') return [source.token];
  if (source.kind === 'url') return [];
  const secrets: string[] = [];
  for (const key of SECRET_OPTIONS) {
    const value = source.options[key];
    if (typeof value !== 'string' || value === '') continue;
    // A URL's password is the secret, not the whole URL (which is shown, masked).
    if (key === 'password' || key === 'pass' || key === 'token') secrets.push(value);
    else {
      try {
        const password = decodeURIComponent(new URL(value).password);
        if (password) secrets.push(password);
      } catch {}
    }
  }
  return secrets;
}

/** A name for a URL typed on the command line: host, port and path, in component-key characters. */
export function nameFromUrl(url: string): string {
  const parsed = new URL(url);
  const text = `${parsed.host}${parsed.pathname}`
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return isTargetName(text) ? text : 'target';
}

/** Names stay unique: a second `api` becomes `api-2`. */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name.slice(0, 60)}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function maskUserInfo(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
