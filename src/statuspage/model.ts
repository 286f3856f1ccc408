/**
 * The page's data: what the HTML shows, the JSON API serves and the badges and feeds read. Built
 * from the source alone, with public names; no URL, credential or message of a target is in it
 * (there is none in the source to begin with, and the texts come from the config).
 */
import { LEVELS, type Level, SEVERITY } from '../model/levels.js';
import { mapLimited } from '../util/map-limited.js';
import { type PageMaintenance, pageMaintenance, type ResolvedWindows } from './maintenance.js';
import { type PageOptions, publicTarget } from './options.js';
import { DAY_MS, dayStart, HOUR_MS } from './rollup.js';
import type { DayRollup, Incident, IncidentImpact, IncidentStatus, StatusPageSource } from './source.js';

/** The JSON API's version: a field added keeps it, a change of meaning bumps it. */
export const API_VERSION = 1;
export const MAX_DAYS = 90;

/** A day's colour: the worst level seen (maintenance only when nothing else was), or no data. */
export type DayLevel = Level | 'nodata';

export interface PageDay {
  date: string;
  level: DayLevel;
  /** ok / (observed − maintenance); absent when nothing was judged. */
  uptime?: number;
  observedMs: number;
  okMs: number;
  maintenanceMs: number;
  /** Time the watcher was not looking (after the target's first sample). */
  gapMs: number;
  downMs: number;
  degradedMs: number;
}

export interface PageTarget {
  id: string;
  name: string;
  description?: string;
  level: Level;
  status: string;
  since?: string;
  /** The configured public message, while the target is not ok. */
  message?: string;
  uptime: { days30?: number; days60?: number; days90?: number };
  /** Oldest first; always 90 (the page shows the last 30, 60 or 90). */
  days: PageDay[];
  responseTime: { meanMs?: number; hours: { hour: string; meanMs: number; maxMs: number }[] };
}

export interface PageIncident {
  id: number;
  title: string;
  status: IncidentStatus;
  impact: IncidentImpact;
  automatic: boolean;
  targets: { id: string; name: string }[];
  openedAt: string;
  resolvedAt?: string;
  updates: { at: string; status: IncidentStatus; message: string }[];
}

export interface PageMaintenanceItem extends Omit<PageMaintenance, 'start' | 'end' | 'targets'> {
  start: string;
  end?: string;
  targets: 'all' | { id: string; name: string }[];
}

export interface PageData {
  apiVersion: number;
  title: string;
  description?: string;
  generatedAt: string;
  overall: { level: Level; status: string };
  groups: { name?: string; description?: string; targets: PageTarget[] }[];
  incidents: { open: PageIncident[]; recent: PageIncident[] };
  maintenance: { inProgress: PageMaintenanceItem[]; scheduled: PageMaintenanceItem[] };
}

export const LEVEL_TEXT: Record<DayLevel, string> = {
  ok: 'Operational',
  warning: 'Degraded performance',
  critical: 'Major outage',
  maintenance: 'Under maintenance',
  unknown: 'Status unknown',
  nodata: 'No data',
};

const OVERALL_TEXT: Record<Level, string> = {
  ok: 'All systems operational',
  warning: 'Some systems are degraded',
  critical: 'Some systems are down',
  maintenance: 'Maintenance in progress',
  unknown: 'Some systems have an unknown status',
};

/** Resolved incidents stay on the page this long. */
const RECENT_MS = 14 * DAY_MS;

export interface ModelInputs {
  source: StatusPageSource;
  options: PageOptions;
  /** The watched targets, in the config's order. */
  targets: readonly string[];
  windows: ResolvedWindows;
  now: number;
  /** Days computed another way (the benchmark's raw baseline); default the source's rollups. */
  daily?: StatusPageSource['daily'];
  responseTimes?: StatusPageSource['responseTimes'];
}

export function shownTargets(options: PageOptions, watched: readonly string[]): string[] {
  return watched.filter((id) => !options.hidden.has(id));
}

/**
 * Targets are read a few at a time: a PostgreSQL source answers them in parallel on its pool's
 * connections (more at once would only queue there); a SQLite source answers each at once.
 */
const TARGETS_AT_ONCE = 4;

export async function buildPageData(inputs: ModelInputs): Promise<PageData> {
  const { source, options, now } = inputs;
  const shown = shownTargets(options, inputs.targets);
  const states = await source.current();
  const build = (id: string) => pageTarget(inputs, id, states.get(id)?.level, states.get(id)?.since);
  const built = await mapLimited(shown, TARGETS_AT_ONCE, build);
  const byId = new Map(shown.map((id, i) => [id, built[i]!]));
  const grouped = new Set<string>();
  const groups: PageData['groups'] = options.groups.map((group) => ({
    name: group.name,
    ...(group.description === undefined ? {} : { description: group.description }),
    targets: group.targets.flatMap((id) => {
      const target = byId.get(id);
      if (!target) return [];
      grouped.add(id);
      return [target];
    }),
  }));
  const rest = shown.filter((id) => !grouped.has(id)).map((id) => byId.get(id)!);
  if (rest.length > 0)
    groups.push({ ...(groups.length > 0 ? { name: 'Other services' } : {}), targets: rest });
  const overall = [...byId.values()].reduce<Level>(
    (acc, target) => (SEVERITY[target.level] > SEVERITY[acc] ? target.level : acc),
    'ok',
  );
  const visible = new Set(shown);
  const toPublic = (incident: Incident) => publicIncident(inputs, incident, visible);
  const [openIncidents, recentIncidents] = await Promise.all([
    source.incidents({ openOnly: true }),
    source.incidents({ since: now - RECENT_MS, limit: 50 }),
  ]);
  const open = openIncidents.map(toPublic);
  const recent = recentIncidents.filter((incident) => incident.resolvedAt !== undefined).map(toPublic);
  const maintenance = pageMaintenance(inputs.windows, states, shown, now).map((item) =>
    publicMaintenance(inputs, item),
  );
  return {
    apiVersion: API_VERSION,
    title: options.title,
    ...(options.description === undefined ? {} : { description: options.description }),
    generatedAt: new Date(now).toISOString(),
    overall: { level: overall, status: OVERALL_TEXT[overall] },
    groups: groups.filter((group) => group.targets.length > 0),
    incidents: { open, recent },
    maintenance: {
      inProgress: maintenance.filter((item) => item.status === 'in_progress'),
      scheduled: maintenance.filter((item) => item.status === 'scheduled'),
    },
  };
}

async function pageTarget(
  inputs: ModelInputs,
  id: string,
  level: Level | undefined,
  since: number | undefined,
): Promise<PageTarget> {
  const { source, options, now } = inputs;
  const facts = publicTarget(options, id);
  const today = dayStart(now);
  const daily = inputs.daily ?? ((t, a, b, n) => source.daily(t, a, b, n));
  const times = inputs.responseTimes ?? ((t, s) => source.responseTimes(t, s));
  const [rollups, hours] = await Promise.all([
    daily(id, today - (MAX_DAYS - 1) * DAY_MS, today, now),
    times(id, now - 24 * HOUR_MS),
  ]);
  const days = rollups.map(pageDay);
  const count = hours.reduce((sum, hour) => sum + hour.count, 0);
  const current = level ?? 'unknown';
  return {
    id,
    name: facts.name,
    ...(facts.description === undefined ? {} : { description: facts.description }),
    level: current,
    status: LEVEL_TEXT[current],
    ...(since === undefined ? {} : { since: new Date(since).toISOString() }),
    ...(current !== 'ok' && facts.message !== undefined ? { message: facts.message } : {}),
    uptime: {
      days30: uptimeOf(days.slice(-30)),
      days60: uptimeOf(days.slice(-60)),
      days90: uptimeOf(days),
    },
    days,
    responseTime: {
      ...(count > 0
        ? { meanMs: Math.round(hours.reduce((sum, h) => sum + h.meanMs * h.count, 0) / count) }
        : {}),
      hours: hours.map((hour) => ({
        hour: new Date(hour.hour).toISOString(),
        meanMs: hour.meanMs,
        maxMs: hour.maxMs,
      })),
    },
  };
}

function pageDay(rollup: DayRollup): PageDay {
  const observedMs = LEVELS.reduce((sum, level) => sum + rollup.byLevel[level], 0);
  const judgedMs = observedMs - rollup.byLevel.maintenance;
  const seen = (['critical', 'warning', 'unknown', 'ok'] as const).find((level) => rollup.byLevel[level] > 0);
  const level: DayLevel = seen ?? (rollup.byLevel.maintenance > 0 ? 'maintenance' : 'nodata');
  return {
    date: new Date(rollup.day).toISOString().slice(0, 10),
    level,
    ...(judgedMs > 0 ? { uptime: rollup.byLevel.ok / judgedMs } : {}),
    observedMs,
    okMs: rollup.byLevel.ok,
    maintenanceMs: rollup.byLevel.maintenance,
    gapMs: rollup.gapMs,
    downMs: rollup.byLevel.critical,
    degradedMs: rollup.byLevel.warning,
  };
}

/** A window's uptime is the ratio of its sums, not a mean of daily ratios. */
export function uptimeOf(days: readonly PageDay[]): number | undefined {
  let ok = 0;
  let total = 0;
  for (const day of days) {
    ok += day.okMs;
    total += day.observedMs - day.maintenanceMs;
  }
  return total > 0 ? ok / total : undefined;
}

function named(inputs: ModelInputs, id: string) {
  const facts = publicTarget(inputs.options, id);
  return { id, name: facts.name };
}

function publicIncident(inputs: ModelInputs, incident: Incident, visible: ReadonlySet<string>): PageIncident {
  return {
    id: incident.id,
    title: incident.title,
    status: incident.status,
    impact: incident.impact,
    automatic: incident.automatic,
    // A hidden target is not named on the page, not even in an incident.
    targets: incident.targets.filter((id) => visible.has(id)).map((id) => named(inputs, id)),
    openedAt: new Date(incident.openedAt).toISOString(),
    ...(incident.resolvedAt === undefined ? {} : { resolvedAt: new Date(incident.resolvedAt).toISOString() }),
    updates: incident.updates.map((update) => ({
      at: new Date(update.at).toISOString(),
      status: update.status,
      message: update.message,
    })),
  };
}

function publicMaintenance(inputs: ModelInputs, item: PageMaintenance): PageMaintenanceItem {
  return {
    id: item.id,
    title: item.title,
    status: item.status,
    by: item.by,
    start: new Date(item.start).toISOString(),
    ...(item.end === undefined ? {} : { end: new Date(item.end).toISOString() }),
    targets: item.targets === 'all' ? 'all' : item.targets.map((id) => named(inputs, id)),
  };
}
