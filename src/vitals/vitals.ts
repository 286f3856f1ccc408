import { Announcer } from '../tree/change-signal.js';
import type { StatusReadable } from '../tree/nodes.js';
import type { CgroupFiles } from './cgroup.js';
import { CpuSampler, type CpuTimesSource, type CpuWindow, defaultCpuTimesSource } from './cpu.js';
import { DiskMonitor, type DiskOptions } from './disks.js';
import * as formats from './formats.js';
import { HostReader } from './host.js';
import { readMemory } from './memory.js';
import { defaultNetDevSource, type NetDevSource, NetworkSampler } from './network.js';
import { PressureReader } from './pressure.js';
import { type EventLoopDelayHistogram, ProcessSampler } from './process.js';
import type {
  CpuReading,
  DiskInfo,
  HostInfo,
  MemoryInfo,
  NetworkReading,
  PressureReading,
  ProcessInfo,
  VitalsSnapshot,
} from './types.js';

export interface VitalsOptions {
  /** Interval of the background sampler started by `start()`, in ms (default 1000). */
  intervalMs?: number;
  /**
   * Without a running sampler, windowed readings (cpus, network, process) are re-sampled on a read
   * only when the last sample is at least this old (default 1000 ms); quicker reads reuse it, so a
   * burst of requests does not shrink the window to nothing. 0 samples on every read.
   */
  minWindowMs?: number;
  /** Disk discovery and statfs options, or `false` to report no disks. */
  disks?: DiskOptions | false;
  /** Event-loop delay histogram resolution in ms (default 20). */
  eventLoopResolutionMs?: number;
  /** Injectable for tests: cumulative per-core CPU times. */
  cpuTimes?: CpuTimesSource;
  /** Injectable for tests: interface counters. */
  netDev?: NetDevSource;
  /** Injectable for tests: reads `/proc/self/cgroup`, `cgroup.type` and the PSI files by path. */
  pressureFiles?: CgroupFiles;
  /** Injectable for tests: the event-loop delay histogram (default `monitorEventLoopDelay`). */
  eventLoopDelay?: EventLoopDelayHistogram;
}

/** For the instantaneous readings (`memory`, `pressure`, `host`, `snapshot`). */
export interface VitalsReadOptions {
  /** Read now, even while the sampler runs (by default a running sampler's latest figures are served). */
  fresh?: boolean;
}

/** Names accepted by `view()`: each is a status-tree provider of one layout. */
export const VIEW_NAMES = [
  'snapshot',
  'sysinfo',
  'webitelSystem',
  'nodeMemory',
  'webitelProcess',
  'host',
  'cpus',
  'memory',
  'pressure',
  'disks',
  'network',
  'process',
] as const;
export type VitalsViewName = (typeof VIEW_NAMES)[number];

/**
 * One tick of the sampler: every reading, taken together, and the seed layouts derived from them
 * (each built on first use, then the same object until the next tick).
 */
class Sample {
  readonly #derived = new Map<string, unknown>();

  constructor(readonly readings: VitalsSnapshot) {}

  derive<T>(name: string, compute: () => T): T {
    if (!this.#derived.has(name)) this.#derived.set(name, compute());
    return this.#derived.get(name) as T;
  }
}

/**
 * Host and process vitals from `/proc`, `os`, `process` and `statfs`. Never spawns a child process.
 *
 * While the sampler runs (`start()`), every read returns the latest tick's figures: the same
 * objects until the next tick, so a status document built from them stays byte-identical between
 * ticks and nothing on a request path touches `/proc`. `{ fresh: true }` reads instantaneous
 * figures now. Without a sampler, instantaneous figures are read on each call and windowed ones
 * follow `minWindowMs`.
 */
export class Vitals {
  readonly intervalMs: number;
  readonly minWindowMs: number;
  readonly #cpu: CpuSampler;
  readonly #network: NetworkSampler;
  readonly #process: ProcessSampler;
  readonly #host = new HostReader();
  readonly #pressure: PressureReader;
  readonly #disks: DiskMonitor | null;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  #lastCpu: CpuReading | undefined;
  #lastNetwork: NetworkReading | undefined;
  #lastProcess: ProcessInfo | undefined;
  #latest: Sample | undefined;
  /** Views announce each tick while the sampler runs: documents built from them are not re-read in between. */
  readonly #changes = new Announcer(() => this.running);

  constructor(options: VitalsOptions = {}) {
    this.intervalMs = nonNegative('intervalMs', options.intervalMs ?? 1000, 10);
    this.minWindowMs = nonNegative('minWindowMs', options.minWindowMs ?? 1000, 0);
    const now = Date.now();
    this.#cpu = new CpuSampler(options.cpuTimes ?? defaultCpuTimesSource(), now);
    this.#network = new NetworkSampler(options.netDev ?? defaultNetDevSource(), now);
    this.#process = new ProcessSampler(
      { eventLoopResolutionMs: options.eventLoopResolutionMs, eventLoopDelay: options.eventLoopDelay },
      now,
    );
    this.#pressure = new PressureReader(options.pressureFiles);
    this.#disks = options.disks === false ? null : new DiskMonitor(options.disks ?? {});
    // First disk figures in the background, so the first snapshot a client asks for has them.
    void this.#disks?.refresh();
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  /**
   * Starts the background sampler. Its timer is unref'ed: it never keeps the process alive.
   * Idempotent. The first read after `start()` takes a sample if no tick has yet.
   */
  start(): this {
    if (this.#closed) throw new Error('Vitals: start() after close()');
    if (this.#timer) return this;
    this.#latest = undefined; // a sample from before a stop() is no tick of this run
    this.#timer = setInterval(() => this.sample(), this.intervalMs);
    this.#timer.unref();
    this.#changes.announce();
    return this;
  }

  stop(): this {
    if (this.#timer) clearInterval(this.#timer);
    const wasRunning = this.#timer !== null;
    this.#timer = null;
    // From now on reads are instantaneous: whoever held a document built from the views reads again.
    if (wasRunning) this.#changes.announce();
    return this;
  }

  /** Stops the sampler and the event-loop histogram. Reads keep working, with a frozen event-loop delay. */
  close(): void {
    this.stop();
    if (!this.#closed) this.#process.close();
    this.#closed = true;
  }

  /**
   * Takes a sample now: closes the current window of every windowed reading, reads the
   * instantaneous figures and lets stale disk figures refresh. A running sampler serves it until
   * the next one.
   */
  sample(now = Date.now()): void {
    this.#lastCpu = this.#cpu.sample(now);
    this.#lastNetwork = this.#network.sample(now);
    this.#lastProcess = this.#process.sample(now);
    this.#latest = new Sample({
      time: now,
      host: this.#host.read(now),
      cpus: this.#lastCpu,
      memory: readMemory(),
      pressure: this.#pressure.read(now),
      disks: this.#disks?.latest(now) ?? [],
      network: this.#lastNetwork,
      process: this.#lastProcess,
    });
    this.#changes.announce();
  }

  /** Per-core and total usage over the latest window. */
  cpus(): CpuReading {
    const sample = this.#sampled();
    if (sample) return sample.readings.cpus;
    if (this.#due(this.#lastCpu?.time)) this.#lastCpu = this.#cpu.sample();
    return this.#lastCpu!;
  }

  /** Windows of total CPU usage, oldest first (up to 1024), for sustained-load checks. */
  cpuHistory(): readonly CpuWindow[] {
    this.cpus();
    return this.#cpu.history();
  }

  network(): NetworkReading {
    const sample = this.#sampled();
    if (sample) return sample.readings.network;
    if (this.#due(this.#lastNetwork?.time)) this.#lastNetwork = this.#network.sample();
    return this.#lastNetwork!;
  }

  process(): ProcessInfo {
    const sample = this.#sampled();
    if (sample) return sample.readings.process;
    if (this.#due(this.#lastProcess?.time)) this.#lastProcess = this.#process.sample();
    return this.#lastProcess!;
  }

  /** The latest sample's figures while the sampler runs; otherwise (or `fresh`) read now, ≈ 30 µs on Linux. */
  memory(options: VitalsReadOptions = {}): MemoryInfo {
    const sample = this.#sampledUnlessFresh(options);
    return sample ? sample.readings.memory : readMemory();
  }

  /** Host facts and load average: the latest sample's, or (without a sampler, or `fresh`) read now. */
  host(options: VitalsReadOptions = {}): HostInfo {
    const sample = this.#sampledUnlessFresh(options);
    return sample ? sample.readings.host : this.#host.read();
  }

  /**
   * Pressure-stall information (Linux 4.20+), system-wide and for the process's cgroup v2: the
   * latest sample's, or (without a sampler, or `fresh`) read now (≈ 30 µs, one small file per
   * resource; the kernel keeps the averages itself).
   */
  pressure(options: VitalsReadOptions = {}): PressureReading {
    const sample = this.#sampledUnlessFresh(options);
    return sample ? sample.readings.pressure : this.#pressure.read();
  }

  /**
   * Cached disk figures; never waits for statfs. While the sampler runs, the list taken at the
   * latest tick (the same array until the next one: treat it as read-only); otherwise copies of the
   * cache, starting a background refresh when they are old.
   */
  disks(): DiskInfo[] {
    const sample = this.#sampled();
    if (sample) return sample.readings.disks;
    return this.#disks?.latest() ?? [];
  }

  /** Fresh disk figures: waits for statfs on every mount, each bounded by `disks.timeoutMs`. */
  async refreshDisks(): Promise<DiskInfo[]> {
    return (await this.#disks?.refresh()) ?? [];
  }

  /**
   * Everything, synchronously, as plain data: the latest sample while the sampler runs. `fresh`
   * reads the instantaneous figures and the disk cache now (windowed figures are the latest window).
   */
  snapshot(options: VitalsReadOptions = {}): VitalsSnapshot {
    const sample = this.#sampledUnlessFresh(options);
    if (sample) return sample.readings;
    return {
      time: Date.now(),
      host: this.#host.read(),
      cpus: this.cpus(),
      memory: readMemory(),
      pressure: this.#pressure.read(),
      disks: this.#disks?.latest() ?? [],
      network: this.network(),
      process: this.process(),
    };
  }

  /** Like `snapshot({ fresh: true })`, after waiting for fresh disk figures. */
  async freshSnapshot(): Promise<VitalsSnapshot> {
    await this.refreshDisks();
    return this.snapshot({ fresh: true });
  }

  /** Seed 003 `sysinfo`: `{cpus:[{model,name,usage}], mem:{total,used,free,swap_*}, disks:[{name,total,free}]}`. */
  sysinfo(): formats.SysinfoShape {
    return this.#perSample('sysinfo', () => formats.sysinfo(this.cpus(), this.memory(), this.disks()));
  }

  /** Seed 000 `system`: `{totalMemory, freeMemory, platform, name, architecture}`. */
  webitelSystem(): formats.WebitelSystemShape {
    return this.#perSample('webitelSystem', () => formats.webitelSystem(this.host(), this.memory()));
  }

  /** Seed 000 `nodeMemory`: `{rss, heapTotal, heapUsed}`. */
  nodeMemory(): formats.NodeMemoryShape {
    return this.#perSample('nodeMemory', () => formats.nodeMemory(this.process()));
  }

  /** Seed 000 top-level process fields: `{nodeMemory, processId, processUpTimeSec, nodeVersion}`. */
  webitelProcess(): formats.WebitelProcessShape {
    return this.#perSample('webitelProcess', () => formats.webitelProcess(this.process()));
  }

  /** A status-tree mountable object (`readStatus()`) for one layout. */
  view(name: VitalsViewName): StatusReadable {
    if (!(VIEW_NAMES as readonly string[]).includes(name)) {
      throw new Error(`Vitals.view: unknown view "${String(name)}"; known: ${VIEW_NAMES.join(', ')}`);
    }
    const read = (): unknown => this[name]();
    return { readStatus: read, statusChanges: this.#changes };
  }

  /** The sample reads are served from while the sampler runs (the first read takes one); else undefined. */
  #sampled(): Sample | undefined {
    if (!this.running) return undefined;
    if (!this.#latest) this.sample();
    return this.#latest;
  }

  #sampledUnlessFresh(options: VitalsReadOptions): Sample | undefined {
    return options.fresh === true ? undefined : this.#sampled();
  }

  /** A layout built once per sample while the sampler runs, on every call otherwise. */
  #perSample<T>(name: string, compute: () => T): T {
    const sample = this.#sampled();
    return sample ? sample.derive(name, compute) : compute();
  }

  #due(lastTime: number | undefined): boolean {
    return lastTime === undefined || Date.now() - lastTime >= this.minWindowMs;
  }
}

export function createVitals(options?: VitalsOptions): Vitals {
  return new Vitals(options);
}

function nonNegative(name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new Error(`Vitals option ${name}: expected a number >= ${min}, got ${String(value)}`);
  }
  return value;
}
