import { readFileSync } from 'node:fs';
import os from 'node:os';
import { derived } from './precision.js';
import { type CpuTimes, parseProcStat } from './proc-parse.js';
import type { CpuCore, CpuReading } from './types.js';

/** Where the cumulative per-core times come from; injectable so tests can feed fixed figures. */
export type CpuTimesSource = () => CpuTimes[];

/** `/proc/stat` on Linux (faster than `os.cpus()` and it has iowait and steal), `os.cpus()` elsewhere. */
export function defaultCpuTimesSource(): CpuTimesSource {
  if (process.platform === 'linux') {
    try {
      if (parseProcStat(readFileSync('/proc/stat', 'latin1')).length > 0) {
        return () => parseProcStat(readFileSync('/proc/stat', 'latin1'));
      }
    } catch {
      // no /proc (restricted sandbox): fall through to os.cpus()
    }
  }
  return osCpuTimes;
}

function osCpuTimes(): CpuTimes[] {
  return os.cpus().map(({ times }) => ({
    user: times.user,
    nice: times.nice,
    system: times.sys,
    idle: times.idle,
    iowait: 0,
    irq: times.irq,
    softirq: 0,
    steal: 0,
  }));
}

type UsageFigures = Omit<CpuCore, 'index' | 'name' | 'model'>;

const ZERO: UsageFigures = { usage: 0, user: 0, system: 0, iowait: 0, steal: 0 };

/** Usage between two cumulative samples of one core, in percent. Pure. */
export function coreUsage(prev: CpuTimes, next: CpuTimes): UsageFigures {
  const d = (key: keyof CpuTimes) => Math.max(0, next[key] - prev[key]);
  const total =
    d('user') + d('nice') + d('system') + d('idle') + d('iowait') + d('irq') + d('softirq') + d('steal');
  if (total === 0) return { ...ZERO };
  const pct = (ticks: number) => derived((ticks / total) * 100);
  return {
    usage: pct(total - d('idle') - d('iowait')),
    user: pct(d('user') + d('nice')),
    system: pct(d('system') + d('irq') + d('softirq')),
    iowait: pct(d('iowait')),
    steal: pct(d('steal')),
  };
}

function sumTimes(cores: readonly CpuTimes[]): CpuTimes {
  const sum: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
  for (const core of cores) {
    for (const key of Object.keys(sum) as (keyof CpuTimes)[]) sum[key] += core[key];
  }
  return sum;
}

function ticks(t: CpuTimes): number {
  return t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
}

/** One window of CPU usage, kept for "sustained for T seconds" checks. */
export interface CpuWindow {
  start: number;
  end: number;
  usage: number;
}

const HISTORY_LIMIT = 1024;

/**
 * Turns cumulative CPU times into usage over the recent interval: each `sample()` closes the window
 * opened by the previous one. Cores that appear or vanish (hotplug) are compared by index.
 */
export class CpuSampler {
  readonly #source: CpuTimesSource;
  readonly #models: string[];
  #prev: CpuTimes[];
  #prevTime: number;
  readonly #history: CpuWindow[] = [];
  #last: CpuReading | undefined;

  constructor(source: CpuTimesSource = defaultCpuTimesSource(), now = Date.now()) {
    this.#source = source;
    // The model string never changes while we run; os.cpus() costs ~60 µs, so read it once.
    this.#models = os.cpus().map((c) => c.model.trim());
    this.#prev = source();
    this.#prevTime = now;
  }

  sample(now = Date.now()): CpuReading {
    const next = this.#source();
    // The kernel counts in ticks (10 ms): a read too soon after the last one sees no tick at all.
    // Keep the window open rather than report a made-up 0 %.
    if (this.#last && ticks(sumTimes(next)) === ticks(sumTimes(this.#prev))) return this.#last;
    const cores: CpuCore[] = next.map((times, index) => ({
      index,
      name: String(index + 1),
      model: this.#models[index] ?? this.#models[0] ?? 'unknown',
      ...(this.#prev[index] ? coreUsage(this.#prev[index], times) : ZERO),
    }));
    const total = coreUsage(sumTimes(this.#prev), sumTimes(next));
    const reading: CpuReading = { cores, total, windowMs: now - this.#prevTime, time: now };
    this.#record({ start: this.#prevTime, end: now, usage: total.usage });
    this.#prev = next;
    this.#prevTime = now;
    this.#last = reading;
    return reading;
  }

  /** Windows of total usage, oldest first. */
  history(): readonly CpuWindow[] {
    return this.#history;
  }

  #record(window: CpuWindow): void {
    if (window.end <= window.start) return;
    this.#history.push(window);
    if (this.#history.length > HISTORY_LIMIT) this.#history.splice(0, this.#history.length - HISTORY_LIMIT);
  }
}

/**
 * How long, counting back from the newest window, total usage has stayed at or above `threshold`,
 * in milliseconds. Pure: the "sustained for T seconds" part of the CPU check.
 */
export function sustainedAboveMs(history: readonly CpuWindow[], threshold: number): number {
  let covered = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const window = history[i];
    if (window.usage < threshold) break;
    covered += window.end - window.start;
    const earlier = history[i - 1];
    if (earlier && earlier.end < window.start) break; // a gap: we cannot vouch for the time in between
  }
  return covered;
}
