/**
 * Threshold checks over vitals, as `CheckFunction`s for the status tree. Each outcome carries the
 * observed value and its unit (for health+json and Prometheus) and the figures behind the verdict.
 */
import {
  CheckOptionError,
  checkThresholdOrder,
  levelAbove,
  levelBelow,
  type ThresholdOption,
} from '../checks/thresholds.js';
import { type CheckFunction, type CheckOutcome, type Level, worst } from '../model/index.js';
import { sustainedAboveMs } from './cpu.js';
import { derived } from './precision.js';
import { PRESSURE_RESOURCES, type PressureResource } from './pressure.js';
import type { DiskInfo, PressureReading } from './types.js';
import type { Vitals } from './vitals.js';

export interface DiskSpaceCheckOptions {
  /** Warning when a mount's available space is at or below this percent (default 10). */
  warnFreePercent?: number;
  /** Critical at or below this percent (default 5). */
  critFreePercent?: number;
  /** Warning when available bytes are at or below this (default: not checked). */
  warnFreeBytes?: number;
  /** Critical when available bytes are at or below this (default: not checked). */
  critFreeBytes?: number;
  /** Only these mount points (default: every reported mount). A listed mount that is absent is `unknown`. */
  mounts?: string[];
  /** Level of a mount whose statfs timed out or failed (default `warning`: a hung share is a problem). */
  staleLevel?: Level;
}

/** The disk check's thresholds, checked; throws a CheckOptionError naming the option. */
export function diskSettings(options: DiskSpaceCheckOptions = {}) {
  const warnPct = given(options, 'warnFreePercent', 10, percent);
  const critPct = given(options, 'critFreePercent', 5, percent);
  checkThresholdOrder('lower', warnPct, critPct);
  const warnBytes = given(options, 'warnFreeBytes', undefined, nonNegative);
  const critBytes = given(options, 'critFreeBytes', undefined, nonNegative);
  checkThresholdOrder('lower', warnBytes, critBytes);
  return {
    percent: { warn: warnPct.value, crit: critPct.value },
    bytes: { warn: warnBytes.value, crit: critBytes.value },
    staleLevel: options.staleLevel ?? 'warning',
  };
}

export function diskSpaceCheck(vitals: Vitals, options: DiskSpaceCheckOptions = {}): CheckFunction {
  const settings = diskSettings(options);

  const judge = (disk: DiskInfo): { level: Level; freePercent: number | null } => {
    if (disk.state !== 'ok' || disk.available === null || disk.used === null) {
      return {
        level: disk.total === null && disk.state === 'ok' ? 'unknown' : settings.staleLevel,
        freePercent: null,
      };
    }
    const size = disk.used + disk.available;
    const freePercent = size > 0 ? (disk.available / size) * 100 : 100;
    const level = worst(
      levelBelow(freePercent, settings.percent),
      levelBelow(disk.available, settings.bytes),
    );
    return { level, freePercent };
  };

  return async ({ signal }) => {
    let disks = vitals.disks();
    if (disks.length === 0 || disks.some((d) => d.state === 'pending')) {
      disks = await untilAborted(vitals.refreshDisks(), signal);
    }
    const wanted = options.mounts;
    const selected = wanted ? disks.filter((d) => wanted.includes(d.mount)) : disks;
    const missing = wanted ? wanted.filter((m) => !disks.some((d) => d.mount === m)) : [];
    let level: Level = missing.length > 0 || selected.length === 0 ? 'unknown' : 'ok';
    let lowest: { disk: DiskInfo; freePercent: number } | undefined;
    const rows = selected.map((disk) => {
      const verdict = judge(disk);
      level = worst(level, verdict.level);
      if (verdict.freePercent !== null && (!lowest || verdict.freePercent < lowest.freePercent)) {
        lowest = { disk, freePercent: verdict.freePercent };
      }
      return {
        mount: disk.mount,
        name: disk.name,
        state: disk.state,
        level: verdict.level,
        freePercent: verdict.freePercent === null ? null : derived(verdict.freePercent),
        freeBytes: disk.available,
        totalBytes: disk.total,
      };
    });
    const notes = [
      ...rows.filter((r) => r.state !== 'ok').map((r) => `${r.mount}: statfs ${r.state}`),
      ...missing.map((m) => `${m}: not mounted`),
    ];
    const headline = lowest
      ? `${lowest.disk.mount} ${derived(lowest.freePercent)}% free (${formatBytes(lowest.disk.available!)})`
      : 'no disk figures';
    return {
      level,
      message: [headline, ...notes].join('; '),
      observedValue: lowest ? derived(lowest.freePercent) : undefined,
      observedUnit: '%',
      fields: { disks: rows },
    };
  };
}

export interface MemoryCheckOptions {
  /** Warning when used memory (total - available) is at or above this percent (default 90). */
  warnPercent?: number;
  /** Critical at or above this percent (default 95). */
  critPercent?: number;
}

export function memorySettings(options: MemoryCheckOptions = {}) {
  return usageThresholds(options, 90, 95);
}

/** Host memory use; inside a cgroup with a memory limit, usage against the limit counts too (the worse wins). */
export function memoryCheck(vitals: Vitals, options: MemoryCheckOptions = {}): CheckFunction {
  const thresholds = memorySettings(options);
  return () => {
    const memory = vitals.memory();
    const cgroup = vitals.host().cgroup;
    let observed = memory.usedPercent;
    let scope = 'host';
    if (cgroup?.memoryLimit && cgroup.memoryUsage !== null) {
      const cgroupPercent = (cgroup.memoryUsage / cgroup.memoryLimit) * 100;
      if (cgroupPercent > observed) {
        observed = cgroupPercent;
        scope = 'cgroup';
      }
    }
    return {
      level: levelAbove(observed, thresholds),
      message: `${scope} memory ${derived(observed)}% used (${formatBytes(memory.available)} available)`,
      observedValue: derived(observed),
      observedUnit: '%',
      fields: {
        usedPercent: derived(memory.usedPercent),
        used: memory.used,
        available: memory.available,
        total: memory.total,
        swapUsed: memory.swapUsed,
        ...(cgroup?.memoryLimit ? { cgroupLimit: cgroup.memoryLimit, cgroupUsage: cgroup.memoryUsage } : {}),
      },
    } satisfies CheckOutcome;
  };
}

export interface EventLoopCheckOptions {
  /** Warning when the event-loop delay p99 of the latest window is at or above this (default 200 ms). */
  warnP99Ms?: number;
  /** Critical at or above this (default 1000 ms). */
  critP99Ms?: number;
}

export function eventLoopSettings(options: EventLoopCheckOptions = {}) {
  const warn = given(options, 'warnP99Ms', 200, nonNegative);
  const crit = given(options, 'critP99Ms', 1000, nonNegative);
  checkThresholdOrder('higher', warn, crit);
  return { warn: warn.value, crit: crit.value };
}

export function eventLoopCheck(vitals: Vitals, options: EventLoopCheckOptions = {}): CheckFunction {
  const thresholds = eventLoopSettings(options);
  return () => {
    const { eventLoop, windowMs } = vitals.process();
    return {
      level: levelAbove(eventLoop.p99, thresholds),
      message: `event-loop delay p99 ${derived(eventLoop.p99)} ms over ${Math.round(windowMs)} ms`,
      observedValue: derived(eventLoop.p99),
      observedUnit: 'ms',
      fields: {
        p50: derived(eventLoop.p50),
        p99: derived(eventLoop.p99),
        max: derived(eventLoop.max),
        utilization: derived(eventLoop.utilization, 4),
      },
    } satisfies CheckOutcome;
  };
}

export interface CpuCheckOptions {
  /** Warning when total CPU usage stays at or above this percent (default 90). */
  warnPercent?: number;
  /** Critical at or above this percent (default 98). */
  critPercent?: number;
  /** For how long the usage must stay above a threshold before the level changes (default 60 000 ms; 0 = now). */
  sustainedMs?: number;
}

export function cpuSettings(options: CpuCheckOptions = {}) {
  const { warn, crit } = usageThresholds(options, 90, 98);
  const sustainedMs = given(options, 'sustainedMs', 60_000, nonNegative).value;
  return { warn, crit, sustainedMs };
}

export function cpuCheck(vitals: Vitals, options: CpuCheckOptions = {}): CheckFunction {
  const { warn, crit, sustainedMs } = cpuSettings(options);
  return () => {
    const usage = vitals.cpus().total.usage;
    const history = vitals.cpuHistory();
    const aboveWarnMs = sustainedAboveMs(history, warn);
    const aboveCritMs = sustainedAboveMs(history, crit);
    const reached = (ms: number, threshold: number) =>
      sustainedMs === 0 ? usage >= threshold : ms >= sustainedMs;
    const level: Level = reached(aboveCritMs, crit)
      ? 'critical'
      : reached(aboveWarnMs, warn)
        ? 'warning'
        : 'ok';
    const since = aboveWarnMs > 0 ? `, >= ${warn}% for ${Math.round(aboveWarnMs / 1000)} s` : '';
    return {
      level,
      message: `CPU ${derived(usage)}% used${since}`,
      observedValue: derived(usage),
      observedUnit: '%',
      fields: { usage: derived(usage), aboveWarnMs, aboveCritMs, sustainedMs },
    } satisfies CheckOutcome;
  };
}

export const PRESSURE_KINDS = ['some', 'full'] as const;
export const PRESSURE_WINDOWS = ['avg10', 'avg60', 'avg300'] as const;
export const PRESSURE_SCOPES = ['auto', 'system', 'cgroup'] as const;

export interface PressureCheckOptions {
  /** The resource whose stall time is judged. */
  resource: PressureResource;
  /** `some` (at least one task stalled) or `full` (all non-idle tasks stalled). Default: `some` for cpu, `full` otherwise. */
  kind?: (typeof PRESSURE_KINDS)[number];
  /** Averaging window (default `avg60`). */
  window?: (typeof PRESSURE_WINDOWS)[number];
  /** Warning above this percent of wall time (default 5 for `full`, 40 for `some`). */
  warn?: number;
  /** Critical above this percent (default 20 for `full`, 80 for `some`). */
  crit?: number;
  /** `auto` (default): the process's cgroup v2 when it has PSI, the system otherwise; or exactly one of them. */
  scope?: (typeof PRESSURE_SCOPES)[number];
}

export function pressureSettings(options: PressureCheckOptions) {
  const resource = oneOf('resource', options?.resource, PRESSURE_RESOURCES);
  const kind = oneOf('kind', options.kind ?? (resource === 'cpu' ? 'some' : 'full'), PRESSURE_KINDS);
  const window = oneOf('window', options.window ?? 'avg60', PRESSURE_WINDOWS);
  const scope = oneOf('scope', options.scope ?? 'auto', PRESSURE_SCOPES);
  const warn = given(options, 'warn', kind === 'full' ? 5 : 40, percent);
  const crit = given(options, 'crit', kind === 'full' ? 20 : 80, percent);
  checkThresholdOrder('higher', warn, crit);
  if (resource === 'cpu' && kind === 'full' && scope === 'system') {
    throw new CheckOptionError(
      ['kind'],
      'cpu "full" is undefined system-wide (the kernel reports 0); use "some" or scope "cgroup"',
    );
  }
  return { resource, kind, window, scope, thresholds: { warn: warn.value, crit: crit.value } };
}

/** Stall time of one resource (PSI) against thresholds; `unknown` where the kernel does not report it. */
export function pressureCheck(vitals: Vitals, options: PressureCheckOptions): CheckFunction {
  const { resource, kind, window, scope, thresholds } = pressureSettings(options);
  const name = `${resource} ${kind} pressure`;
  return () => {
    const source = pressureSource(vitals.pressure(), resource, scope);
    if (typeof source === 'string') return { level: 'unknown', message: `${name}: ${source}` };
    if (resource === 'cpu' && kind === 'full' && source.scope === 'system') {
      return {
        level: 'unknown',
        message: `${name}: undefined system-wide, and this process has no cgroup v2 PSI`,
      };
    }
    const figures = source.set[resource]?.[kind];
    if (!figures) {
      return { level: 'unknown', message: `${name}: the kernel reports no "${kind}" line (${source.label})` };
    }
    const value = figures[window];
    return {
      level: levelAbove(value, thresholds),
      message: `${name} ${value}% (${window}, ${source.label})`,
      observedValue: value,
      observedUnit: '%',
      fields: {
        resource,
        kind,
        window,
        scope: source.scope,
        ...(source.path ? { cgroup: source.path } : {}),
        ...figures,
      },
    } satisfies CheckOutcome;
  };
}

interface PressureSource {
  set: PressureReading | NonNullable<PressureReading['cgroup']>;
  scope: 'system' | 'cgroup';
  label: string;
  path?: string;
}

/** The figures a check reads for `scope`, or why there are none. */
function pressureSource(
  reading: PressureReading,
  resource: PressureResource,
  scope: (typeof PRESSURE_SCOPES)[number],
): PressureSource | string {
  const cgroup = reading.cgroup;
  if (cgroup && (scope === 'cgroup' || (scope === 'auto' && cgroup[resource]))) {
    if (!cgroup[resource]) return `${cgroup.path}/${resource}.pressure is not readable`;
    return { set: cgroup, scope: 'cgroup', label: `cgroup ${cgroup.path}`, path: cgroup.path };
  }
  if (scope === 'cgroup') return 'this process is not in a cgroup v2 with PSI';
  if (!reading[resource]) {
    return process.platform === 'linux'
      ? `/proc/pressure/${resource} is not readable (kernel before 4.20, built without PSI, or booted with psi=0)`
      : 'not available (PSI is Linux-only)';
  }
  return { set: reading, scope: 'system', label: 'system' };
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw new CheckOptionError(
      [name],
      `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value) ?? 'undefined'}`,
    );
  }
  return value as T;
}

function usageThresholds(
  options: { warnPercent?: number; critPercent?: number },
  warnDefault: number,
  critDefault: number,
) {
  const warn = given(options, 'warnPercent', warnDefault, percent);
  const crit = given(options, 'critPercent', critDefault, percent);
  checkThresholdOrder('higher', warn, crit);
  return { warn: warn.value, crit: crit.value };
}

/** An option as written (checked by `valid`), or its default: what threshold errors need to name it. */
function given<O, K extends keyof O & string, D extends number | undefined>(
  options: O,
  name: K,
  fallback: D,
  valid: (name: string, value: number) => number,
): ThresholdOption & { value: number | D } {
  const written = options[name] as number | undefined;
  if (written === undefined) return { path: [name], value: fallback, defaulted: true };
  return { path: [name], value: valid(name, written) };
}

function percent(name: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 100)) {
    throw new CheckOptionError([name], `expected a percentage between 0 and 100, got ${String(value)}`);
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new CheckOptionError([name], `expected a number >= 0, got ${String(value)}`);
  }
  return value;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(value: number): string {
  let v = value;
  let unit = 0;
  while (v >= 1024 && unit < UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${unit === 0 ? v : v.toFixed(1)} ${UNITS[unit]}`;
}

/** Resolves with `promise`, or rejects with the signal's reason once it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
