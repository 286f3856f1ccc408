/**
 * The cluster view: every instance's report merged into one picture of the service. Pure: the
 * reports and their ages in, the view out; the member merges once per interval and every request
 * reads the result.
 */
import { type Level, worst } from '../model/levels.js';
import { type InstanceCounts, type QuorumRule, quorumVerdict } from './quorum.js';
import type { InstanceReport } from './report.js';

/** A report as the store returned it: its age by the store's clock (Redis `TIME`, NATS arrival). */
export interface StoredReport {
  report: InstanceReport;
  ageMs: number;
}

/** `missing`: not heard from within the TTL. Its level is then `unknown`, never `critical`. */
export type InstanceViewState = 'serving' | 'leaving' | 'missing';

export interface InstanceView {
  id: string;
  level: Level;
  state: InstanceViewState;
  version?: string;
  startedAt: number;
  /** Event-loop utilisation in its last report (absent for a missing instance). */
  elu?: number;
  /** How old its last report is. */
  ageMs: number;
  /** This process. */
  self: boolean;
}

export interface ComponentView {
  path: string;
  /** critical when failing on every instance that has it, warning when on some, else the worst level. */
  level: Level;
  /** The instances where it is critical. */
  failing: string[];
  /** Serving instances, heard from within the TTL, that have this component. */
  reporting: number;
}

export interface ClusterView {
  service: string;
  /** Which store the reports came from (`redis`, `nats`). */
  store: string;
  level: Level;
  reason?: string;
  /** False when the store could not be read: the view knows nothing but the reason. */
  available: boolean;
  rule: QuorumRule;
  required: number;
  up: number;
  total: number;
  instances: InstanceView[];
  components: ComponentView[];
  /** Version -> instances running it (serving and leaving ones). */
  versions: Record<string, number>;
  /** When it was merged (epoch ms). */
  time: number;
}

export interface MergeOptions {
  service: string;
  store: string;
  rule: QuorumRule;
  /** A report older than this is missing (a leaving one is dropped). */
  ttlMs: number;
  selfId?: string;
  now: number;
}

export function mergeView(stored: readonly StoredReport[], options: MergeOptions): ClusterView {
  const instances = stored
    .map((entry) => instanceView(entry, options))
    .filter((instance): instance is InstanceView => instance !== undefined)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const serving = new Set(instances.filter((i) => i.state === 'serving').map((i) => i.id));
  const counts = countInstances(instances);
  const verdict = quorumVerdict(options.rule, counts);
  const view: ClusterView = {
    service: options.service,
    store: options.store,
    level: verdict.level,
    available: true,
    rule: options.rule,
    required: verdict.required,
    up: counts.up,
    total: verdict.total,
    instances,
    components: componentViews(stored.filter((entry) => serving.has(entry.report.id))),
    versions: versionsOf(instances),
    time: options.now,
  };
  if (verdict.reason !== undefined) view.reason = verdict.reason;
  return view;
}

/** What is known when the store cannot be read: nothing about the others, and why. */
export function unavailableView(options: MergeOptions, reason: string): ClusterView {
  return {
    service: options.service,
    store: options.store,
    level: 'unknown',
    reason,
    available: false,
    rule: options.rule,
    required: 0,
    up: 0,
    total: 0,
    instances: [],
    components: [],
    versions: {},
    time: options.now,
  };
}

function instanceView({ report, ageMs }: StoredReport, options: MergeOptions): InstanceView | undefined {
  const stale = ageMs > options.ttlMs;
  // A leaving instance said goodbye: once its last report expires it is gone, not missing.
  if (stale && report.state === 'leaving') return undefined;
  const view: InstanceView = {
    id: report.id,
    level: stale ? 'unknown' : report.level,
    state: stale ? 'missing' : report.state,
    startedAt: report.startedAt,
    ageMs: Math.max(0, Math.round(ageMs)),
    self: report.id === options.selfId,
  };
  if (report.version !== undefined) view.version = report.version;
  if (!stale) view.elu = report.elu;
  return view;
}

function countInstances(instances: readonly InstanceView[]): InstanceCounts {
  const counts: InstanceCounts = { up: 0, maintenance: 0, missing: 0, down: 0, ok: 0 };
  for (const instance of instances) {
    if (instance.state === 'leaving') continue;
    if (instance.state === 'missing') counts.missing++;
    else if (instance.level === 'critical') counts.down++;
    else if (instance.level === 'maintenance') counts.maintenance++;
    else {
      counts.up++;
      if (instance.level === 'ok') counts.ok++;
    }
  }
  return counts;
}

function componentViews(serving: readonly StoredReport[]): ComponentView[] {
  const byPath = new Map<string, { failing: string[]; reporting: number; worst: Level }>();
  for (const { report } of serving) {
    for (const [path, level] of Object.entries(report.components)) {
      let entry = byPath.get(path);
      if (!entry) {
        entry = { failing: [], reporting: 0, worst: 'ok' };
        byPath.set(path, entry);
      }
      entry.reporting++;
      entry.worst = worst(entry.worst, level);
      if (level === 'critical') entry.failing.push(report.id);
    }
  }
  return [...byPath]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, { failing, reporting, worst: level }]) => ({
      path,
      level: failing.length === 0 ? level : failing.length === reporting ? 'critical' : 'warning',
      failing: failing.sort(),
      reporting,
    }));
}

function versionsOf(instances: readonly InstanceView[]): Record<string, number> {
  const versions: Record<string, number> = Object.create(null);
  for (const instance of instances) {
    if (instance.state === 'missing' || instance.version === undefined) continue;
    versions[instance.version] = (versions[instance.version] ?? 0) + 1;
  }
  return versions;
}
