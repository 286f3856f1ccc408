/**
 * Threshold checks over vitals, as `CheckFunction`s for the status tree. Each outcome carries the
 * observed value and its unit (for health+json and Prometheus) and the figures behind the verdict.
 */
import { type CheckFunction, type CheckOutcome, type Level, worst } from '../model/index.js';
import { sustainedAboveMs } from './cpu.js';
import type { DiskInfo } from './types.js';
import type { Vitals } from './vitals.js';

export interface DiskSpaceCheckOptions {
  /** Warning when a mount's available space is below this percent (default 10). */
  warnFreePercent?: number;
  /** Critical below this percent (default 5). */
  critFreePercent?: number;
  /** Warning when available bytes are below this (default: not checked). */
  warnFreeBytes?: number;
  /** Critical when available bytes are below this (default: not checked). */
  critFreeBytes?: number;
  /** Only these mount points (default: every reported mount). A listed mount that is absent is `unknown`. */
  mounts?: string[];
  /** Level of a mount whose statfs timed out or failed (default `warning`: a hung share is a problem). */
  staleLevel?: Level;
}

export function diskSpaceCheck(vitals: Vitals, options: DiskSpaceCheckOptions = {}): CheckFunction {
  const warnPct = percent('warnFreePercent', options.warnFreePercent ?? 10);
  const critPct = percent('critFreePercent', options.critFreePercent ?? 5);
  ordered('critFreePercent', critPct, '<=', 'warnFreePercent', warnPct);
  const warnBytes = bytes('warnFreeBytes', options.warnFreeBytes);
  const critBytes = bytes('critFreeBytes', options.critFreeBytes);
  if (warnBytes !== undefined && critBytes !== undefined) {
    ordered('critFreeBytes', critBytes, '<=', 'warnFreeBytes', warnBytes);
  }
  const staleLevel = options.staleLevel ?? 'warning';

  const judge = (disk: DiskInfo): { level: Level; freePercent: number | null } => {
    if (disk.state !== 'ok' || disk.available === null || disk.used === null) {
      return {
        level: disk.total === null && disk.state === 'ok' ? 'unknown' : staleLevel,
        freePercent: null,
      };
    }
    const size = disk.used + disk.available;
    const freePercent = size > 0 ? (disk.available / size) * 100 : 100;
    const below = (pct: number, byteLimit: number | undefined) =>
      freePercent < pct || (byteLimit !== undefined && disk.available! < byteLimit);
    const level: Level = below(critPct, critBytes)
      ? 'critical'
      : below(warnPct, warnBytes)
        ? 'warning'
        : 'ok';
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
        freePercent: verdict.freePercent === null ? null : round(verdict.freePercent),
        freeBytes: disk.available,
        totalBytes: disk.total,
      };
    });
    const notes = [
      ...rows.filter((r) => r.state !== 'ok').map((r) => `${r.mount}: statfs ${r.state}`),
      ...missing.map((m) => `${m}: not mounted`),
    ];
    const headline = lowest
      ? `${lowest.disk.mount} ${round(lowest.freePercent)}% free (${formatBytes(lowest.disk.available!)})`
      : 'no disk figures';
    return {
      level,
      message: [headline, ...notes].join('; '),
      observedValue: lowest ? round(lowest.freePercent) : undefined,
      observedUnit: '%',
      fields: { disks: rows },
    };
  };
}

export interface MemoryCheckOptions {
  /** Warning when used memory (total - available) is above this percent (default 90). */
  warnPercent?: number;
  /** Critical above this percent (default 95). */
  critPercent?: number;
}

/** Host memory use; inside a cgroup with a memory limit, usage against the limit counts too (the worse wins). */
export function memoryCheck(vitals: Vitals, options: MemoryCheckOptions = {}): CheckFunction {
  const { warn, crit } = usageThresholds(options, 90, 95);
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
      level: above(observed, warn, crit),
      message: `${scope} memory ${round(observed)}% used (${formatBytes(memory.available)} available)`,
      observedValue: round(observed),
      observedUnit: '%',
      fields: {
        usedPercent: round(memory.usedPercent),
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
  /** Warning when the event-loop delay p99 of the latest window is above this (default 200 ms). */
  warnP99Ms?: number;
  /** Critical above this (default 1000 ms). */
  critP99Ms?: number;
}

export function eventLoopCheck(vitals: Vitals, options: EventLoopCheckOptions = {}): CheckFunction {
  const warn = nonNegative('warnP99Ms', options.warnP99Ms ?? 200);
  const crit = nonNegative('critP99Ms', options.critP99Ms ?? 1000);
  ordered('warnP99Ms', warn, '<=', 'critP99Ms', crit);
  return () => {
    const { eventLoop, windowMs } = vitals.process();
    return {
      level: above(eventLoop.p99, warn, crit),
      message: `event-loop delay p99 ${round(eventLoop.p99)} ms over ${Math.round(windowMs)} ms`,
      observedValue: round(eventLoop.p99),
      observedUnit: 'ms',
      fields: {
        p50: round(eventLoop.p50),
        p99: round(eventLoop.p99),
        max: round(eventLoop.max),
        utilization: round(eventLoop.utilization, 4),
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

export function cpuCheck(vitals: Vitals, options: CpuCheckOptions = {}): CheckFunction {
  const { warn, crit } = usageThresholds(options, 90, 98);
  const sustainedMs = nonNegative('sustainedMs', options.sustainedMs ?? 60_000);
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
      message: `CPU ${round(usage)}% used${since}`,
      observedValue: round(usage),
      observedUnit: '%',
      fields: { usage: round(usage), aboveWarnMs, aboveCritMs, sustainedMs },
    } satisfies CheckOutcome;
  };
}

function above(value: number, warn: number, crit: number): Level {
  return value > crit ? 'critical' : value > warn ? 'warning' : 'ok';
}

function usageThresholds(
  options: { warnPercent?: number; critPercent?: number },
  warn: number,
  crit: number,
) {
  const w = percent('warnPercent', options.warnPercent ?? warn);
  const c = percent('critPercent', options.critPercent ?? crit);
  ordered('warnPercent', w, '<=', 'critPercent', c);
  return { warn: w, crit: c };
}

function percent(name: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 100)) {
    throw new Error(`${name}: expected a percentage between 0 and 100, got ${String(value)}`);
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new Error(`${name}: expected a number >= 0, got ${String(value)}`);
  }
  return value;
}

function bytes(name: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : nonNegative(name, value);
}

function ordered(aName: string, a: number, _op: '<=', bName: string, b: number): void {
  if (a > b) throw new Error(`${aName} (${a}) must be <= ${bName} (${b})`);
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
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
