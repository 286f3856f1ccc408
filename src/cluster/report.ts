/**
 * An instance's compact report: what each instance publishes for the others once per interval.
 * Levels only (no messages, fields or observed values leave the instance), and read back as
 * untrusted input: any process that can write to the store can write a report.
 */
import { isLevel, type Level } from '../model/levels.js';
import { formatPath } from '../tree/paths.js';
import type { Snapshot, SnapshotNode } from '../tree/snapshot.js';

/** How an instance names itself and its service: safe as a Redis field, a NATS KV key and a label. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Components listed per report at most (the tree's first ones, depth first). */
export const MAX_COMPONENTS = 256;
/** A stored report longer than this is not parsed. */
export const MAX_REPORT_BYTES = 64 * 1024;
const MAX_PATH_LENGTH = 256;
const MAX_VERSION_LENGTH = 128;
const MAX_INSTANT_MS = 8.64e15;

/** `leaving`: the instance is shutting down; the cluster no longer counts on it. */
export type InstanceState = 'serving' | 'leaving';

export interface InstanceReport {
  /** Format version. */
  v: 1;
  id: string;
  /** The instance's overall level. */
  level: Level;
  state: InstanceState;
  version?: string;
  /** When the instance's process started (epoch ms). */
  startedAt: number;
  /** Event-loop utilisation over the last interval, 0 to 1. */
  elu: number;
  /** Dotted component path -> level, for every node with a level (checks and the groups above them). */
  components: Readonly<Record<string, Level>>;
}

export interface ReportInputs {
  id: string;
  version?: string;
  startedAt: number;
  elu: number;
  state: InstanceState;
}

/** Throws unless `name` can name an instance or a service. */
export function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new TypeError(
      `${what}: expected 1-128 letters, digits, ".", "_" or "-" (starting with a letter or digit), got ${JSON.stringify(String(name).slice(0, 140))}`,
    );
  }
  return name;
}

/** The report of this instance, from its current snapshot. */
export function reportOf(snapshot: Snapshot, inputs: ReportInputs): InstanceReport {
  const components: Record<string, Level> = Object.create(null);
  let listed = 0;
  const visit = (node: SnapshotNode) => {
    for (const child of node.children) {
      if (listed >= MAX_COMPONENTS) return;
      if (child.level !== undefined) {
        components[formatPath(child.path)] = child.level;
        listed++;
      }
      visit(child);
    }
  };
  visit(snapshot.root);
  const report: InstanceReport = {
    v: 1,
    id: inputs.id,
    level: snapshot.level,
    state: inputs.state,
    startedAt: inputs.startedAt,
    elu: clampUnit(inputs.elu),
    components,
  };
  if (inputs.version !== undefined) report.version = inputs.version.slice(0, MAX_VERSION_LENGTH);
  return report;
}

/**
 * A stored report, or undefined when it is not one: wrong shape, unknown level, another id than
 * the one it is stored under. Unusable component entries are dropped, not the whole report.
 */
export function parseReport(text: unknown, storedId: string): InstanceReport | undefined {
  if (typeof text !== 'string' || text.length > MAX_REPORT_BYTES) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(raw) || raw.v !== 1 || raw.id !== storedId || !NAME_PATTERN.test(storedId)) return undefined;
  if (!isLevel(raw.level) || (raw.state !== 'serving' && raw.state !== 'leaving')) return undefined;
  if (!isInstant(raw.startedAt)) return undefined;
  if (typeof raw.elu !== 'number' || !isObject(raw.components)) return undefined;
  const report: InstanceReport = {
    v: 1,
    id: storedId,
    level: raw.level,
    state: raw.state,
    startedAt: raw.startedAt,
    elu: clampUnit(raw.elu),
    components: parseComponents(raw.components),
  };
  if (typeof raw.version === 'string') report.version = raw.version.slice(0, MAX_VERSION_LENGTH);
  return report;
}

function parseComponents(raw: Record<string, unknown>): Record<string, Level> {
  // A null prototype: a component named `__proto__` stays an entry.
  const components: Record<string, Level> = Object.create(null);
  let listed = 0;
  for (const [path, level] of Object.entries(raw)) {
    if (listed >= MAX_COMPONENTS) break;
    if (path === '' || path.length > MAX_PATH_LENGTH || !isLevel(level)) continue;
    components[path] = level;
    listed++;
  }
  return components;
}

/** Epoch ms that `toISOString()` can write. */
function isInstant(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= MAX_INSTANT_MS;
}

function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
