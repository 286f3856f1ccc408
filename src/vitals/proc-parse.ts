/**
 * Pure parsers for the Linux `/proc` files the vitals read. They take the file text and return plain
 * data, so they are tested with fixed strings and cost no I/O.
 */
import type { NetDevCounters, PressureFigures, ResourcePressure } from './types.js';

/** Cumulative CPU times of one core, in clock ticks (any unit works: only ratios of deltas are used). */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** Per-core times from `/proc/stat` (`cpu0`, `cpu1`, ... lines; the aggregate `cpu` line is skipped). */
export function parseProcStat(text: string): CpuTimes[] {
  const cores: CpuTimes[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) {
      if (cores.length > 0) break; // the cpu lines come first; stop at the first other line
      continue;
    }
    if (line.charCodeAt(3) === 32) continue; // "cpu  ..." is the aggregate
    const f = line.split(/\s+/);
    const index = Number(f[0].slice(3));
    cores[index] = {
      user: Number(f[1]) || 0,
      nice: Number(f[2]) || 0,
      system: Number(f[3]) || 0,
      idle: Number(f[4]) || 0,
      iowait: Number(f[5]) || 0,
      irq: Number(f[6]) || 0,
      softirq: Number(f[7]) || 0,
      steal: Number(f[8]) || 0,
    };
  }
  return cores.filter(Boolean);
}

/** `/proc/meminfo` as a map of field -> bytes (the kB unit is applied). */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', start);
    if (colon > start && colon < end) {
      const rest = text.slice(colon + 1, end).trim();
      const space = rest.indexOf(' ');
      const value = Number(space < 0 ? rest : rest.slice(0, space));
      const kb = space >= 0 && rest.endsWith('kB');
      if (Number.isFinite(value)) fields.set(text.slice(start, colon), kb ? value * 1024 : value);
    }
    start = end + 1;
  }
  return fields;
}

/** `/proc/net/dev`: two header lines, then `iface: rx(8 fields) tx(8 fields)`. */
export function parseNetDev(text: string): NetDevCounters[] {
  const result: NetDevCounters[] = [];
  const lines = text.split('\n');
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (f.length < 16) continue;
    result.push({
      name: line.slice(0, colon).trim(),
      rxBytes: f[0],
      rxPackets: f[1],
      rxErrors: f[2],
      rxDropped: f[3],
      txBytes: f[8],
      txPackets: f[9],
      txErrors: f[10],
      txDropped: f[11],
    });
  }
  return result;
}

export interface MountEntry {
  device: string;
  mount: string;
  type: string;
  options: string;
}

/** `/proc/self/mounts` (fstab format). Spaces and other bytes in paths are octal-escaped (`\040`). */
export function parseMounts(text: string): MountEntry[] {
  const result: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length < 4) continue;
    result.push({ device: unescapeOctal(f[0]), mount: unescapeOctal(f[1]), type: f[2], options: f[3] });
  }
  return result;
}

function unescapeOctal(field: string): string {
  return field.includes('\\')
    ? field.replace(/\\([0-7]{3})/g, (_, code: string) => String.fromCharCode(Number.parseInt(code, 8)))
    : field;
}

/**
 * A pressure-stall (PSI) file: `/proc/pressure/<resource>` or a cgroup v2 `<resource>.pressure`.
 * Lines `some avg10=.. avg60=.. avg300=.. total=..` and `full ...` (cpu has no `full` line before
 * Linux 5.13). `null` unless a well-formed `some` line is present; a malformed `full` line is `null`.
 * Unknown keys are ignored, so fields a later kernel adds do not break the reading.
 */
export function parsePressure(text: string): ResourcePressure | null {
  if (typeof text !== 'string') return null;
  let some: PressureFigures | null | undefined;
  let full: PressureFigures | null | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('some ') && some === undefined) some = parsePressureLine(line.slice(5));
    else if (line.startsWith('full ') && full === undefined) full = parsePressureLine(line.slice(5));
  }
  return some ? { some, full: full ?? null } : null;
}

const PERCENT = /^\d{1,3}(?:\.\d+)?$/;
const INTEGER = /^\d+$/;

/** `avg10=0.12 avg60=0.30 avg300=0.05 total=12345`: all four fields, each well formed, or `null`. */
function parsePressureLine(rest: string): PressureFigures | null {
  // -1 until a key is seen, so the first occurrence wins; a malformed value is NaN and fails below.
  let avg10 = -1;
  let avg60 = -1;
  let avg300 = -1;
  let totalMicros = -1;
  for (const pair of rest.trim().split(/\s+/)) {
    const eq = pair.indexOf('=');
    const value = pair.slice(eq + 1);
    switch (eq > 0 ? pair.slice(0, eq) : '') {
      case 'avg10':
        if (avg10 < 0) avg10 = share(value);
        break;
      case 'avg60':
        if (avg60 < 0) avg60 = share(value);
        break;
      case 'avg300':
        if (avg300 < 0) avg300 = share(value);
        break;
      case 'total':
        if (totalMicros < 0) totalMicros = INTEGER.test(value) ? Number(value) : Number.NaN;
        break;
    }
  }
  return avg10 >= 0 && avg60 >= 0 && avg300 >= 0 && totalMicros >= 0
    ? { avg10, avg60, avg300, totalMicros }
    : null;
}

/** A percentage of wall time, 0-100 with decimals; NaN for anything else. */
function share(text: string): number {
  const value = PERCENT.test(text) ? Number(text) : Number.NaN;
  return value <= 100 ? value : Number.NaN;
}
