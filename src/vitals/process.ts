import { readdirSync } from 'node:fs';
import {
  type EventLoopUtilization,
  type IntervalHistogram,
  monitorEventLoopDelay,
  performance,
} from 'node:perf_hooks';
import { derived } from './precision.js';
import type { EventLoopReading, ProcessInfo } from './types.js';

/** What the sampler uses of `monitorEventLoopDelay()`'s histogram: injectable, so tests can script delays. */
export type EventLoopDelayHistogram = Pick<
  IntervalHistogram,
  'count' | 'max' | 'mean' | 'percentile' | 'reset' | 'enable' | 'disable'
>;

export interface ProcessSamplerOptions {
  /** Resolution of the event-loop delay histogram in ms (default 20: cheap, and enough to see stalls). */
  eventLoopResolutionMs?: number;
  /** Injectable for tests: the delay histogram (default `monitorEventLoopDelay({ resolution })`). */
  eventLoopDelay?: EventLoopDelayHistogram;
}

const NS_PER_MS = 1e6;

/**
 * The Node process's own vitals. CPU %, event-loop delay and utilization are per window: each
 * `sample()` closes the window the previous one opened and resets the delay histogram, so a stall
 * an hour ago does not haunt the p99 forever.
 */
export class ProcessSampler {
  readonly #resolutionMs: number;
  readonly #histogram: EventLoopDelayHistogram;
  #prevCpu: NodeJS.CpuUsage;
  #prevElu: EventLoopUtilization;
  #prevTime: number;

  constructor(options: ProcessSamplerOptions = {}, now = Date.now()) {
    const resolution = options.eventLoopResolutionMs ?? 20;
    if (!Number.isInteger(resolution) || resolution < 1) {
      throw new Error(`eventLoopResolutionMs: expected an integer >= 1, got ${String(resolution)}`);
    }
    this.#resolutionMs = resolution;
    this.#histogram = options.eventLoopDelay ?? monitorEventLoopDelay({ resolution });
    this.#histogram.enable();
    this.#prevCpu = process.cpuUsage();
    this.#prevElu = performance.eventLoopUtilization();
    this.#prevTime = now;
  }

  sample(now = Date.now()): ProcessInfo {
    const windowMs = now - this.#prevTime;
    const cpu = process.cpuUsage(this.#prevCpu);
    const elu = performance.eventLoopUtilization(this.#prevElu);
    const eventLoop = { ...this.#readDelay(), utilization: derived(elu.utilization, 4) };
    this.#histogram.reset();
    this.#prevCpu = process.cpuUsage();
    this.#prevElu = performance.eventLoopUtilization();
    this.#prevTime = now;
    const mem = process.memoryUsage();
    return {
      pid: process.pid,
      ppid: process.ppid,
      uptime: process.uptime(),
      nodeVersion: process.version,
      memory: {
        rss: mem.rss,
        heapTotal: mem.heapTotal,
        heapUsed: mem.heapUsed,
        external: mem.external,
        arrayBuffers: mem.arrayBuffers,
      },
      cpuPercent: windowMs > 0 ? derived(((cpu.user + cpu.system) / 1000 / windowMs) * 100) : 0,
      eventLoop,
      openFds: countOpenFds(),
      windowMs,
      time: now,
    };
  }

  /** Stops the delay histogram's timer. The sampler is unusable afterwards. */
  close(): void {
    this.#histogram.disable();
  }

  #readDelay(): Omit<EventLoopReading, 'utilization'> {
    const h = this.#histogram;
    if (h.count === 0) return { p50: 0, p99: 0, max: 0, mean: 0 };
    // The histogram measures how late a timer of `resolution` ms fired, resolution included.
    // Milliseconds to three decimals (a microsecond): the histogram's own precision is coarser.
    const correct = (ns: number) => derived(Math.max(0, ns / NS_PER_MS - this.#resolutionMs), 3);
    return {
      p50: correct(h.percentile(50)),
      p99: correct(h.percentile(99)),
      max: correct(h.max),
      mean: correct(h.mean),
    };
  }
}

let fdDirReadable = process.platform === 'linux';

/** Entries of `/proc/self/fd`, minus the one the listing itself holds open. `null` off Linux. */
export function countOpenFds(): number | null {
  if (!fdDirReadable) return null;
  try {
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    fdDirReadable = false;
    return null;
  }
}
