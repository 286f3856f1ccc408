/**
 * A watched target, fully resolved: every setting decided, layer by layer. The first layer that sets
 * a value wins: the target's own settings, then the command line, then the file's defaults, then
 * statuskit's. Credentials are the exception (see `resolveTarget`).
 */
import { createRedactor } from '../access/redact.js';
import { type AuthFlags, credentialSecrets } from '../client/credentials.js';
import type { Level } from '../model/levels.js';
import { type CustomWords, DEFAULT_STATUS_PATHS } from './judge.js';
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

export interface WatchTarget {
  name: string;
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
}

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
export function resolveTarget(name: string, url: string, layers: readonly TargetLayer[]): WatchTarget {
  const pick = <K extends keyof TargetLayer>(key: K): TargetLayer[K] =>
    layers.find((layer) => layer[key] !== undefined)?.[key];
  const auth = pick('auth') ?? {};
  const path = pick('path');
  const redact = createRedactor({ secrets: credentialSecrets(auth) });
  return {
    name,
    url,
    displayUrl: redact(maskUserInfo(url)),
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
    redact,
  };
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
