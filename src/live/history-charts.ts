/**
 * What the history records of the feed's sources: pure functions from one reading to the points of
 * one chart. The figures are the sources' own (the memory chart is `usedPercent`, the same number
 * the status document shows), so the dashboard and the document never disagree.
 */
import { derived } from '../vitals/precision.js';
import type { Aggregate } from './history-store.js';
import { resolveSources, type SourceInputs, type TopicSource } from './sources.js';

/** A chart's points of one sample: series label -> value (null or absent: no value this time). */
export type ChartPoints = Array<[label: string, value: number | null | undefined]>;

/** A chart the history records: how to read it, and how its figures are written. */
export interface HistoryChart {
  /** Reads this sample's points; undefined (or throwing) records nothing for the chart this time. */
  read(): ChartPoints | undefined;
  /** Unit of the values, for clients that format them: `%`, `B/s`, `ms`, `/s`, `level`. */
  unit: string;
  /** How points fold into the coarse ring: the mean (default) or the worst (`max`, for levels). */
  aggregate?: Aggregate;
}

/** Cores charted beside the total: enough to see one core pinned, bounded on a 128-core host. */
export const MAX_CORES = 16;

type Dict = Record<string, unknown>;

const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null;
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** `Vitals.cpus()`: the total, then each core (up to `maxCores`). Seed 003's `cpus` list works too. */
export function cpuPoints(reading: unknown, maxCores = MAX_CORES): ChartPoints | undefined {
  if (!isDict(reading)) return undefined;
  const cores = Array.isArray(reading.cores)
    ? reading.cores
    : Array.isArray(reading.cpus)
      ? reading.cpus
      : [];
  const usages = cores.map((core) => (isDict(core) ? num(core.usage) : undefined));
  const total =
    (isDict(reading.total) ? num(reading.total.usage) : undefined) ??
    (usages.length > 0
      ? derived(usages.reduce<number>((sum, u) => sum + (u ?? 0), 0) / usages.length)
      : undefined);
  if (total === undefined) return undefined;
  const points: ChartPoints = [['total', total]];
  cores.slice(0, maxCores).forEach((core, i) => {
    const name = isDict(core) && typeof core.name === 'string' ? core.name : String(i + 1);
    points.push([`core ${name}`, usages[i]]);
  });
  return points;
}

/** `Vitals.memory()`: `usedPercent` as the document has it, and swap used in percent. */
export function memoryPoints(memory: unknown): ChartPoints | undefined {
  if (!isDict(memory) || num(memory.usedPercent) === undefined) return undefined;
  const swapTotal = num(memory.swapTotal) ?? 0;
  const swap = swapTotal > 0 ? derived(((num(memory.swapUsed) ?? 0) / swapTotal) * 100) : 0;
  return [
    ['memory', num(memory.usedPercent)],
    ['swap', swap],
  ];
}

/** `Vitals.network()`: received and sent bytes per second, summed over every interface but `lo`. */
export function networkPoints(reading: unknown): ChartPoints | undefined {
  if (!isDict(reading) || !Array.isArray(reading.interfaces) || reading.supported === false) return undefined;
  let rx = 0;
  let tx = 0;
  for (const nic of reading.interfaces) {
    if (!isDict(nic) || nic.name === 'lo') continue;
    rx += num(nic.rxBytesPerSec) ?? 0;
    tx += num(nic.txBytesPerSec) ?? 0;
  }
  return [
    ['rx', derived(rx)],
    ['tx', derived(tx)],
  ];
}

/** An event-loop delay reading (`Vitals.process().eventLoop`): p50, p99 and max, in ms. */
export function eventLoopPoints(loop: unknown): ChartPoints | undefined {
  if (!isDict(loop) || num(loop.p99) === undefined) return undefined;
  return [
    ['p50', rounded(loop.p50)],
    ['p99', rounded(loop.p99)],
    ['max', rounded(loop.max)],
  ];
}

/** Linux pressure stalls (`Vitals.pressure()`): the share of the last 10 s some task waited, per resource. */
export function pressurePoints(pressure: unknown): ChartPoints | undefined {
  if (!isDict(pressure)) return undefined;
  const points: ChartPoints = [];
  for (const [resource, label] of [
    ['cpu', 'cpu'],
    ['memory', 'memory'],
    ['io', 'I/O'],
  ] as const) {
    const figures = pressure[resource];
    const some = isDict(figures) && isDict(figures.some) ? num(figures.some.avg10) : undefined;
    if (some !== undefined) points.push([label, some]);
  }
  return points.length > 0 ? points : undefined;
}

/** `Vitals.disks()`: used space per mount, `usedPercent` as the document has it. */
export function diskPoints(disks: unknown): ChartPoints | undefined {
  if (!Array.isArray(disks)) return undefined;
  const points: ChartPoints = [];
  for (const disk of disks) {
    if (!isDict(disk)) continue;
    const label =
      typeof disk.mount === 'string' ? disk.mount : typeof disk.name === 'string' ? disk.name : '';
    if (label && num(disk.usedPercent) !== undefined) points.push([label, num(disk.usedPercent)]);
  }
  return points.length > 0 ? points : undefined;
}

const RATE_KEYS: Record<string, readonly string[]> = {
  '1 min': ['oneMinuteRate', 'm1_rate'],
  '5 min': ['fiveMinuteRate', 'm5_rate'],
  '15 min': ['fifteenMinuteRate', 'm15_rate'],
};

/** `RequestMetrics.readStatus()`: requests per second (successes + errors + ignored) per window. */
export function requestPoints(status: unknown): ChartPoints | undefined {
  const meters = metersOf(status);
  if (meters.length === 0) return undefined;
  return Object.entries(RATE_KEYS).map(([label, keys]) => {
    let sum = 0;
    for (const meter of meters) sum += keys.map((key) => num(meter[key])).find((v) => v !== undefined) ?? 0;
    return [label, derived(sum)];
  });
}

/** `RequestMetrics.readStatus()`: the five-minute error ratio, in percent. */
export function errorPoints(status: unknown): ChartPoints | undefined {
  if (metersOf(status).length === 0 || !isDict(status)) return undefined;
  const ratio = num(status.fiveMinuteErrorsRatio);
  return ratio === undefined ? undefined : [['errors', derived(ratio * 100)]];
}

function metersOf(status: unknown): Dict[] {
  if (!isDict(status)) return [];
  return ['successes', 'errors', 'ignored'].map((key) => status[key]).filter(isDict);
}

function rounded(value: unknown): number | undefined {
  const n = num(value);
  return n === undefined ? undefined : derived(n);
}

/** The vitals the built-in charts read: `src/vitals`' `Vitals`, or anything with some of these. */
export interface HistoryVitals {
  intervalMs?: number;
  cpus?(): unknown;
  network?(): unknown;
  memory?(): unknown;
  process?(): { eventLoop?: unknown } | undefined;
  pressure?(): unknown;
  disks?(): unknown;
}

export interface HistorySources extends Omit<SourceInputs, 'vitals'> {
  vitals?: HistoryVitals;
}

type Reader = (() => ChartPoints | undefined) | undefined;

/**
 * The charts of the sources there are, in the order clients show them. `metrics` is the metrics
 * source's reading of this sample, the fallback for the event loop, PSI and request meters where
 * no vitals or request source gives them.
 */
export function sourceCharts(
  inputs: HistorySources,
  metrics: () => Dict | undefined,
): Map<string, HistoryChart> {
  const { vitals } = inputs;
  const sources = resolveSources({ requests: inputs.requests, sources: inputs.sources });
  const from = (
    read: TopicSource | undefined,
    points: (reading: unknown) => ChartPoints | undefined,
  ): Reader => (read ? () => points(read()) : undefined);
  const vital = (name: keyof HistoryVitals & string): TopicSource | undefined => {
    const read = vitals?.[name];
    return typeof read === 'function' ? () => (read as () => unknown).call(vitals) : undefined;
  };
  const requests = sources.requests ?? (() => metrics()?.requests);
  const eventLoop = () => (vitals?.process ? vitals.process()?.eventLoop : metrics()?.eventLoop);
  const pressure = vital('pressure') ?? (() => metrics()?.pressure);
  const readers: Array<[string, string, Reader]> = [
    ['cpu', '%', from(sources.cpu ?? vital('cpus'), (reading) => cpuPoints(reading))],
    ['memory', '%', from(vital('memory'), memoryPoints)],
    ['network', 'B/s', from(sources.network ?? vital('network'), networkPoints)],
    ['eventLoop', 'ms', from(eventLoop, eventLoopPoints)],
    ['pressure', '%', from(pressure, pressurePoints)],
    ['disks', '%', from(vital('disks'), diskPoints)],
    ['requests', '/s', from(requests, requestPoints)],
    ['errors', '%', from(requests, errorPoints)],
  ];
  const charts = new Map<string, HistoryChart>();
  for (const [name, unit, read] of readers) if (read) charts.set(name, { unit, read });
  return charts;
}
