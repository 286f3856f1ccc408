/**
 * The `statusPage:` section of the watch config: what the public page shows and how it names it.
 * Everything here is meant for the public: a target's public name, description and message replace
 * what the watcher knows of it (URL, credentials, error text), which the page never shows.
 */
import { z } from 'zod';
import type { ConfigProblem } from '../config/errors.js';
import { formatPath } from '../config/errors.js';
import { duration, WHOLE_MESSAGE } from '../config/fields.js';

export const DEFAULT_PAGE_PATH = '/status-page';
export const DEFAULT_PAGE_TITLE = 'Service status';
/** Bar lengths the page offers. */
export const BAR_DAYS = [30, 60, 90] as const;
export type BarDays = (typeof BAR_DAYS)[number];

/** A problem worded here in full (the config's formatter adds nothing to it). */
function wholly(test: (text: string) => boolean, message: string) {
  return z.string().superRefine((text, ctx) => {
    if (!test(text)) ctx.addIssue({ code: 'custom', message, params: WHOLE_MESSAGE });
  });
}

const pagePath = wholly(
  (text) => /^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(text),
  'expected a path like /status-page (not / itself)',
);

const publicTarget = z.strictObject({
  /** The name shown (default: the target's name). */
  name: z.string().min(1).max(100).optional(),
  description: z.string().max(500).optional(),
  /** Shown while the target is not ok, instead of anything the target said. */
  message: z.string().max(500).optional(),
  /** Left off the page (and its feeds and badges). */
  hidden: z.boolean().optional(),
});

const group = z.strictObject({
  name: z.string().min(1).max(100),
  description: z.string().max(500).optional(),
  targets: z.array(z.string()).min(1),
});

const adminKey = z
  .strictObject({
    name: z.string().min(1).optional(),
    key: wholly((text) => text.length >= 16, 'an admin key needs at least 16 characters').optional(),
    sha256: z.string().optional(),
  })
  .refine((entry) => entry.key !== undefined || entry.sha256 !== undefined, {
    message: 'needs key or sha256',
    params: WHOLE_MESSAGE,
  });

export const statusPageField = z.strictObject({
  path: pagePath.optional(),
  title: z.string().min(1).max(200).optional(),
  description: z.string().max(1000).optional(),
  /** The bar's default length: 30, 60 or 90 days (the page links to the others). */
  days: z.union([z.literal(30), z.literal(60), z.literal(90)]).optional(),
  /** How often the page (with JavaScript) asks the JSON API whether anything changed; default 10s. */
  refresh: duration.refine((ms) => ms >= 200, { message: 'expected at least 200ms' }).optional(),
  /** The page's public address, for the feeds' links (default: the request's Host). */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Open an incident on a transition to critical, resolve it on recovery; default true. */
  autoIncidents: z.boolean().optional(),
  groups: z.array(group).optional(),
  targets: z.record(z.string(), publicTarget).optional(),
  /** Keys for the admin endpoint (`X-Api-Key` or `Authorization: Bearer`); none: no admin endpoint. */
  adminKeys: z.array(adminKey).optional(),
});

export type StatusPageConfig = z.output<typeof statusPageField>;

/** Groups and public names must name targets of the file. */
export function statusPageProblems(raw: Record<string, unknown>): ConfigProblem[] {
  const page = raw.statusPage as StatusPageConfig | undefined;
  const targets = raw.targets;
  if (!isRecord(page) || !isRecord(targets)) return [];
  const known = new Set(Object.keys(targets));
  const problems: ConfigProblem[] = [];
  const groups = Array.isArray(page.groups) ? page.groups : [];
  groups.forEach((group, index) => {
    if (!isRecord(group) || !Array.isArray(group.targets)) return;
    group.targets.forEach((name, position) => {
      if (typeof name === 'string' && !known.has(name))
        problems.push({
          path: formatPath(['statusPage', 'groups', index, 'targets', position]),
          message: `no target is named "${name}"`,
        });
    });
  });
  for (const name of Object.keys(isRecord(page.targets) ? page.targets : {})) {
    if (!known.has(name))
      problems.push({
        path: formatPath(['statusPage', 'targets', name]),
        message: `no target is named "${name}"`,
      });
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
