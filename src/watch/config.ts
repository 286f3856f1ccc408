/**
 * The `statuskit watch --config FILE` file: defaults at the top, targets by name below. Read by the
 * agent's config reader (src/config/reader.ts): YAML or JSON, `${VAR}` secrets from the environment,
 * strict zod validation, every problem listed at once with its path.
 */
import { z } from 'zod';
import { parseJsonPath } from '../checks/json-path.js';
import { type ConfigProblem, formatPath } from '../config/errors.js';
import { duration, port } from '../config/fields.js';
import { configReader, type ReadResult } from '../config/reader.js';
import { LEVELS } from '../model/levels.js';
import { statusPageField, statusPageProblems } from '../statuspage/config.js';
import {
  checkKind,
  checkOptions,
  crossProblems,
  dependsOnField,
  pushField,
  rulesField,
  windowField,
} from './config-fields.js';
import { isTargetName, TARGET_NAME_HINT, WEBHOOK_FORMATS } from './target.js';

const positiveDuration = duration.refine((ms) => ms > 0, { message: 'expected a duration above 0' });

function urlWith(schemes: RegExp, message: string) {
  return z.string().superRefine((text, ctx) => {
    let scheme: string | undefined;
    try {
      scheme = new URL(text).protocol;
    } catch {}
    if (!scheme || !schemes.test(scheme)) ctx.addIssue({ code: 'custom', message });
  });
}

const targetUrl = urlWith(/^(https?|wss?):$/, 'expected an http://, https://, ws:// or wss:// URL');
const webhookUrl = urlWith(/^https?:$/, 'expected an http:// or https:// URL');

const statusPath = z.string().superRefine((text, ctx) => {
  try {
    parseJsonPath(text);
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a path like data.status (${(error as Error).message})`,
    });
  }
});

const headerMap = z.record(z.string(), z.string());

/** A target's own status words: `{ Connected: ok, "": ok, stopped: critical }`. */
const words = z.record(z.string(), z.enum(LEVELS));

const auth = z
  .strictObject({
    apiKey: z.string().optional(),
    /** Default `X-Api-Key`. */
    apiKeyHeader: z.string().optional(),
    headers: headerMap.optional(),
    /** Sent as `Authorization: Bearer …`. */
    token: z.string().optional(),
    user: z.string().optional(),
    password: z.string().optional(),
    /** Answer the server's Digest challenge with user / password instead of sending Basic. */
    digest: z.boolean().optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.digest || value.password !== undefined) && value.user === undefined) {
      ctx.addIssue({ code: 'custom', path: ['user'], message: 'required with password or digest' });
    }
  });

/** A command run on each transition: a shell command line, or argv run without a shell. */
const command = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const webhook = z.union([
  webhookUrl,
  z.strictObject({
    url: webhookUrl,
    headers: headerMap.optional(),
    /** `json` (statuskit's event, default), `slack` (`{text}`), `discord` (`{content}`). */
    format: z.enum(WEBHOOK_FORMATS).optional(),
  }),
]);

const targetSettings = {
  interval: positiveDuration.optional(),
  timeout: positiveDuration.optional(),
  path: statusPath.optional(),
  words: words.optional(),
  /** Judge by the HTTP code alone (below 400 ok), reading no status word. */
  byHttpCode: z.boolean().optional(),
  auth: auth.optional(),
  insecure: z.boolean().optional(),
  failAfter: z.number().int().min(1).optional(),
  recoverAfter: z.number().int().min(1).optional(),
  onChange: command.optional(),
  webhook: z.union([webhook, z.array(webhook)]).optional(),
  /** Conditions and events over the answer (src/watch/rules). */
  rules: rulesField.optional(),
  /** Follow the target's own word for maintenance (seed 002's notice, statuskit's level); default true. */
  targetMaintenance: z.boolean().optional(),
};

/** One of `url`, `check` (with `options`) or `push` (checked in config-fields.ts). */
const target = z
  .strictObject({
    url: targetUrl.optional(),
    check: checkKind.optional(),
    options: checkOptions.optional(),
    push: pushField.optional(),
    dependsOn: dependsOnField.optional(),
    /** Polled from each of these regions by a fleet on PostgreSQL (one member of each region). */
    regions: z
      .array(z.string().regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and - only'))
      .min(1)
      .optional(),
    /** How many regions must see it down for it to be down (default: all of them). */
    downWhen: z.number().int().min(1).optional(),
    ...targetSettings,
  })
  .superRefine((value, ctx) => {
    if (value.downWhen !== undefined && value.regions === undefined)
      ctx.addIssue({ code: 'custom', path: ['downWhen'], message: 'needs regions' });
    if (value.regions && value.downWhen !== undefined && value.downWhen > value.regions.length)
      ctx.addIssue({
        code: 'custom',
        path: ['downWhen'],
        message: `at most the ${value.regions.length} regions listed`,
      });
  });

/** A SQLite file, or `postgres://…` / `{ url }` for a PostgreSQL history shared by a fleet. */
const history = z.union([
  z.string().min(1),
  z.strictObject({
    url: z.string().min(1),
    /** Writes kept while the database is unreachable (oldest dropped past it); default 50000. */
    buffer: z.number().int().min(1).optional(),
  }),
]);

/** This watcher as a member of a fleet sharing one PostgreSQL history. */
const fleet = z.strictObject({
  /** Unique in the fleet; default host-pid-random. */
  member: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits and _.:- only')
    .optional(),
  /** Default `default`. */
  region: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and - only')
    .optional(),
  /** How long a lease lasts without renewal (default 15s): a dead member's targets move after it. */
  lease: positiveDuration.optional(),
  /** How often a member beats and renews its leases (default a third of the lease). */
  heartbeat: positiveDuration.optional(),
});

export const watchConfigSchema = z.strictObject({
  ...targetSettings,
  history: history.optional(),
  fleet: fleet.optional(),
  retain: positiveDuration.optional(),
  hookTimeout: positiveDuration.optional(),
  serve: z.union([port, z.strictObject({ host: z.string().optional(), port })]).optional(),
  /** How long notifications wait to gather what fails together; default 10s. */
  groupWait: duration.optional(),
  /** The watcher's own maintenance windows (src/maintenance's one-off and recurring windows). */
  maintenance: z.array(windowField).optional(),
  /** The public status page on `--serve` (docs/statuspage.md). */
  statusPage: statusPageField.optional(),
  targets: z.record(z.string(), target),
});

export type WatchConfig = z.output<typeof watchConfigSchema>;
export type TargetConfig = z.output<typeof target>;
export type TargetSettingsConfig = Omit<TargetConfig, 'url' | 'check' | 'options' | 'push' | 'dependsOn'>;
export type WebhookConfig = z.output<typeof webhook>;

export type WatchConfigResult = ReadResult<WatchConfig>;

/** The agent's reader (src/config/reader.ts) with this file's schema and its cross-field checks. */
const reader = configReader(watchConfigSchema, (raw) => [
  ...nameProblems(raw),
  ...judgingProblems(raw),
  ...(isRecord(raw) ? crossProblems(raw) : []),
  ...(isRecord(raw) ? statusPageProblems(raw) : []),
]);

export function parseWatchConfig(text: string, env: NodeJS.ProcessEnv = process.env): WatchConfigResult {
  return reader.parse(text, env);
}

export function validateWatchConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): WatchConfigResult {
  return reader.validate(raw, env);
}

export function loadWatchConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<WatchConfig> {
  return reader.load(file, env);
}

/** Names become component keys of the served document, so they are checked here, with their path. */
function nameProblems(raw: unknown): ConfigProblem[] {
  const targets = (raw as { targets?: unknown }).targets;
  if (targets === null || typeof targets !== 'object' || Array.isArray(targets)) return [];
  return Object.keys(targets)
    .filter((name) => !isTargetName(name))
    .map((name) => ({ path: formatPath(['targets', name]), message: TARGET_NAME_HINT }));
}

/**
 * `byHttpCode` reads no word, so a `path` or `words` written next to it (in the same target, or both
 * at the top) would silently do nothing: that is a mistake to point out. Across layers it is not: a
 * target may judge by code while the file's defaults name a path for the others.
 */
function judgingProblems(raw: unknown): ConfigProblem[] {
  if (!isRecord(raw)) return [];
  const places: [PropertyKey[], unknown][] = [[[], raw]];
  if (isRecord(raw.targets)) {
    for (const [name, target] of Object.entries(raw.targets)) places.push([['targets', name], target]);
  }
  return places.flatMap(([path, settings]) =>
    isRecord(settings) && settings.byHttpCode === true
      ? ['path', 'words']
          .filter((key) => settings[key] !== undefined)
          .map((key) => ({
            path: formatPath([...path, key]),
            message: 'not read with byHttpCode: true (the HTTP code alone judges the target)',
          }))
      : [],
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
