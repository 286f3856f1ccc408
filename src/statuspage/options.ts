/** The `statusPage:` section resolved: every default decided once. */
import type { ApiKeyEntry } from '../access/api-key.js';
import type { WindowConfig } from '../watch/windows.js';
import { type BarDays, DEFAULT_PAGE_PATH, DEFAULT_PAGE_TITLE, type StatusPageConfig } from './config.js';

export const DEFAULT_REFRESH_MS = 10_000;

export interface PublicTarget {
  /** The configured (internal) name: the page's id for it in URLs and the JSON API. */
  id: string;
  name: string;
  description?: string;
  message?: string;
}

export interface PageGroup {
  name: string;
  description?: string;
  targets: string[];
}

export interface PageOptions {
  path: string;
  title: string;
  description?: string;
  days: BarDays;
  refreshMs: number;
  publicUrl?: string;
  autoIncidents: boolean;
  groups: PageGroup[];
  /** Public facts by target name; a target without an entry is shown by its name. */
  targets: ReadonlyMap<string, Omit<PublicTarget, 'id'>>;
  hidden: ReadonlySet<string>;
  adminKeys: ApiKeyEntry[];
  /** The watcher's own maintenance windows, as configured. */
  windows: readonly WindowConfig[];
}

export function resolvePageOptions(
  config: StatusPageConfig = {},
  windows: readonly WindowConfig[] = [],
): PageOptions {
  const targets = new Map<string, Omit<PublicTarget, 'id'>>();
  const hidden = new Set<string>();
  for (const [id, entry] of Object.entries(config.targets ?? {})) {
    if (entry.hidden) hidden.add(id);
    targets.set(id, {
      name: entry.name ?? id,
      ...(entry.description === undefined ? {} : { description: entry.description }),
      ...(entry.message === undefined ? {} : { message: entry.message }),
    });
  }
  return {
    path: config.path ?? DEFAULT_PAGE_PATH,
    title: config.title ?? DEFAULT_PAGE_TITLE,
    ...(config.description === undefined ? {} : { description: config.description }),
    days: config.days ?? 90,
    refreshMs: config.refresh ?? DEFAULT_REFRESH_MS,
    ...(config.publicUrl === undefined ? {} : { publicUrl: config.publicUrl.replace(/\/+$/, '') }),
    autoIncidents: config.autoIncidents ?? true,
    groups: (config.groups ?? []).map((group) => ({
      name: group.name,
      ...(group.description === undefined ? {} : { description: group.description }),
      targets: group.targets,
    })),
    targets,
    hidden,
    adminKeys: (config.adminKeys ?? []).map((entry, index) => ({
      name: entry.name ?? `admin-${index}`,
      ...(entry.key === undefined ? {} : { key: entry.key }),
      ...(entry.sha256 === undefined ? {} : { sha256: entry.sha256 }),
    })),
    windows,
  };
}

export function publicTarget(options: PageOptions, id: string): PublicTarget {
  return { id, ...(options.targets.get(id) ?? { name: id }) };
}
