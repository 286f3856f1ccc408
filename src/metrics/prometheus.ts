import { type Level, SEVERITY } from '../model/index.js';
import type { KeyedCounter } from './keyed-counter.js';
import type { Meter } from './meter.js';
import type { Metric } from './metric.js';
import { readProcessVitals } from './process-vitals.js';
import type { MetricsRegistry } from './registry.js';
import { type HistogramStats, QUANTILES } from './snapshot.js';
import type { Timer } from './timer.js';

export const PROMETHEUS_TEXT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

export interface PrometheusCheck {
  path: string;
  level: Level;
  critical: boolean;
  durationMs: number;
}

export interface PrometheusOptions {
  /** OpenMetrics 1.0 instead of the 0.0.4 text format. */
  openMetrics?: boolean;
  /** Check results, written as `statuskit_check_status` and `statuskit_check_duration_seconds`. */
  checks?: readonly PrometheusCheck[];
  /** Prepended to every registry metric's name (not to `statuskit_*`, `process_*`, `nodejs_*`). */
  prefix?: string;
  /** Also write meters' 1/5/15-minute and mean rates as `<name>_rate{window=…}` gauges (default false). */
  meterRates?: boolean;
  /** Write `process_*` and `nodejs_*` vitals (default true). */
  processMetrics?: boolean;
}

export interface PrometheusDocument {
  contentType: string;
  body: string;
}

/** Picks the format from an Accept header: OpenMetrics only when asked for, as Prometheus does. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  let openMetricsQ = 0;
  let textQ = 0;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q)) continue;
    if (type === 'application/openmetrics-text') openMetricsQ = Math.max(openMetricsQ, q);
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*') textQ = Math.max(textQ, q);
  }
  return openMetricsQ > 0 && openMetricsQ >= textQ;
}

export function renderPrometheusForAccept(
  registry: MetricsRegistry,
  accept: string | undefined,
  options: Omit<PrometheusOptions, 'openMetrics'> = {},
): PrometheusDocument {
  return renderPrometheus(registry, { ...options, openMetrics: wantsOpenMetrics(accept) });
}

export function renderPrometheus(
  registry: MetricsRegistry,
  options: PrometheusOptions = {},
): PrometheusDocument {
  const prefix = options.prefix ?? '';
  if (prefix !== '' && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) {
    throw new TypeError(`renderPrometheus: invalid prefix ${JSON.stringify(prefix)}`);
  }
  const w = new Writer(options.openMetrics === true);
  for (const { prometheusName, metric } of registry.entries()) {
    writeMetric(w, prefix + prometheusName, metric, options.meterRates === true);
  }
  if (options.checks !== undefined) writeChecks(w, options.checks);
  if (options.processMetrics !== false) writeProcess(w);
  if (w.openMetrics) w.out += '# EOF\n';
  return { contentType: w.openMetrics ? OPENMETRICS_TYPE : PROMETHEUS_TEXT_TYPE, body: w.out };
}

/** Accumulates the exposition; knows the two formats' few differences. */
class Writer {
  out = '';
  constructor(readonly openMetrics: boolean) {}

  /** Writes HELP and TYPE; returns the sample name stem (counters: with `_total`). */
  family(name: string, type: 'counter' | 'gauge' | 'summary' | 'info', help: string, unit = ''): string {
    const stem =
      type === 'counter' ? stripSuffix(name, '_total') : type === 'info' ? stripSuffix(name, '_info') : name;
    let familyName = stem;
    if (!this.openMetrics && type === 'counter') familyName = `${stem}_total`;
    if (!this.openMetrics && type === 'info') familyName = `${stem}_info`;
    const promType = !this.openMetrics && type === 'info' ? 'gauge' : type;
    this.out += `# HELP ${familyName} ${escapeHelp(help, this.openMetrics)}\n# TYPE ${familyName} ${promType}\n`;
    if (this.openMetrics && unit !== '') this.out += `# UNIT ${familyName} ${unit}\n`;
    if (type === 'counter') return `${stem}_total`;
    if (type === 'info') return `${stem}_info`;
    return stem;
  }

  sample(name: string, value: number, labels = ''): void {
    this.out += `${name}${labels === '' ? '' : `{${labels}}`} ${formatNumber(value)}\n`;
  }
}

function writeMetric(w: Writer, name: string, metric: Metric, meterRates: boolean): void {
  const help = metric.help ?? name;
  switch (metric.kind) {
    case 'counter':
      w.sample(w.family(name, 'counter', help), metric.count);
      return;
    case 'gauge':
    case 'derived':
      w.sample(w.family(name, 'gauge', help), metric.value);
      return;
    case 'meter':
      w.sample(w.family(name, 'counter', help), metric.count);
      if (meterRates) writeRates(w, stripSuffix(name, '_total'), metric, help);
      return;
    case 'keyed':
      writeKeyed(w, name, metric, help);
      return;
    case 'histogram':
      writeSummary(
        w,
        withUnit(name, metric.unit),
        metric.snapshot(),
        metric.lastWindowSize,
        metric.sum,
        help,
        metric.unit,
      );
      return;
    case 'timer': {
      const base = stripSuffix(stripSuffix(name, '_seconds'), '_ms');
      const stats = metric.snapshot(1 / 1000);
      writeSummary(w, `${base}_seconds`, stats, metric.lastWindowSize, metric.sum / 1000, help, 'seconds');
      // Histogram's `kind` is widened for its Timer subclass, so narrow by hand.
      if (meterRates) writeRates(w, base, (metric as Timer).meter, help);
      return;
    }
  }
}

function writeRates(w: Writer, base: string, meter: Meter, help: string): void {
  const stem = w.family(`${base}_rate`, 'gauge', `${help} (events per second)`);
  w.sample(stem, meter.oneMinuteRate, 'window="1m"');
  w.sample(stem, meter.fiveMinuteRate, 'window="5m"');
  w.sample(stem, meter.fifteenMinuteRate, 'window="15m"');
  w.sample(stem, meter.meanRate, 'window="mean"');
}

function writeKeyed(w: Writer, name: string, metric: KeyedCounter, help: string): void {
  const stem = w.family(name, 'counter', help);
  for (const [key, n] of metric.entries()) w.sample(stem, n, `${metric.label}="${escapeLabel(key)}"`);
}

function writeSummary(
  w: Writer,
  name: string,
  stats: HistogramStats,
  windowSize: number,
  sum: number,
  help: string,
  unit: string,
): void {
  const stem = w.family(name, 'summary', help, unit);
  // An empty window has no quantiles: NaN, as the Prometheus client libraries write it, not 0.
  for (const [field, q] of QUANTILES)
    w.sample(stem, windowSize > 0 ? stats[field] : Number.NaN, `quantile="${q}"`);
  w.sample(`${stem}_sum`, sum);
  w.sample(`${stem}_count`, stats.count);
}

function writeChecks(w: Writer, checks: readonly PrometheusCheck[]): void {
  const status = w.family(
    'statuskit_check_status',
    'gauge',
    'Level of each check: 0 ok, 1 unknown, 2 warning, 3 maintenance, 4 critical',
  );
  for (const c of checks) {
    const severity = SEVERITY[c.level] ?? SEVERITY.unknown;
    w.sample(status, severity, `check="${escapeLabel(String(c.path))}",critical="${c.critical === true}"`);
  }
  const duration = w.family(
    'statuskit_check_duration_seconds',
    'gauge',
    'Duration of the last evaluation of each check',
  );
  for (const c of checks) w.sample(duration, c.durationMs / 1000, `check="${escapeLabel(String(c.path))}"`);
}

/** The process series, as prom-client names them: [name, type, help, value]. */
const PROCESS_SERIES: ReadonlyArray<
  readonly [
    string,
    'counter' | 'gauge',
    string,
    (v: ReturnType<typeof readProcessVitals>) => number | undefined,
  ]
> = [
  ['process_cpu_user_seconds_total', 'counter', 'User CPU time spent in seconds', (v) => v.cpuUserSeconds],
  [
    'process_cpu_system_seconds_total',
    'counter',
    'System CPU time spent in seconds',
    (v) => v.cpuSystemSeconds,
  ],
  [
    'process_cpu_seconds_total',
    'counter',
    'Total user and system CPU time spent in seconds',
    (v) => v.cpuUserSeconds + v.cpuSystemSeconds,
  ],
  [
    'process_start_time_seconds',
    'gauge',
    'Start time of the process since unix epoch in seconds',
    (v) => v.startTimeSeconds,
  ],
  ['process_uptime_seconds', 'gauge', 'Seconds since the process started', (v) => v.uptimeSeconds],
  ['process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes', (v) => v.residentMemoryBytes],
  ['process_open_fds', 'gauge', 'Number of open file descriptors', (v) => v.openFds],
  ['nodejs_heap_size_total_bytes', 'gauge', 'V8 heap size in bytes', (v) => v.heapTotalBytes],
  ['nodejs_heap_size_used_bytes', 'gauge', 'V8 heap used in bytes', (v) => v.heapUsedBytes],
  [
    'nodejs_external_memory_bytes',
    'gauge',
    'Memory of C++ objects bound to JavaScript in bytes',
    (v) => v.externalMemoryBytes,
  ],
  [
    'nodejs_array_buffers_bytes',
    'gauge',
    'Memory of ArrayBuffers and SharedArrayBuffers in bytes',
    (v) => v.arrayBuffersBytes,
  ],
];

function writeProcess(w: Writer): void {
  const v = readProcessVitals();
  for (const [name, type, help, read] of PROCESS_SERIES) {
    const value = read(v);
    // Absent readings (open fds off Linux) are left out rather than written as NaN.
    if (value !== undefined) w.sample(w.family(name, type, help), value);
  }
  const [major, minor, patch] = v.nodeVersion.split('.');
  w.sample(
    w.family('nodejs_version_info', 'info', 'Node.js version'),
    1,
    `version="v${escapeLabel(v.nodeVersion)}",major="${major}",minor="${minor}",patch="${patch}"`,
  );
}

/** Prometheus names carry their unit: `payload` with unit `bytes` is `payload_bytes`. */
function withUnit(name: string, unit: string): string {
  return unit === '' || name.endsWith(`_${unit}`) ? name : `${name}_${unit}`;
}

function stripSuffix(name: string, suffix: string): string {
  return name.endsWith(suffix) && name.length > suffix.length ? name.slice(0, -suffix.length) : name;
}

export function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function escapeHelp(help: string, openMetrics: boolean): string {
  const pattern = openMetrics ? /[\\"\n]/g : /[\\\n]/g;
  return help.replace(pattern, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}
