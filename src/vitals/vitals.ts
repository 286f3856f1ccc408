import type { StatusReadable } from '../tree/nodes.js';
import type { CgroupFiles } from './cgroup.js';
import { CpuSampler, type CpuTimesSource, type CpuWindow, defaultCpuTimesSource } from './cpu.js';
import { DiskMonitor, type DiskOptions } from './disks.js';
import * as formats from './formats.js';
import { HostReader } from './host.js';
import { readMemory } from './memory.js';
import { defaultNetDevSource, type NetDevSource, NetworkSampler } from './network.js';
import { PressureReader } from './pressure.js';
import { ProcessSampler } from './process.js';
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

/** Host and process vitals from `/proc`, `os`, `process` and `statfs`. Never spawns a child process. */
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

  constructor(options: VitalsOptions = {}) {
    this.intervalMs = nonNegative('intervalMs', options.intervalMs ?? 1000, 10);
    this.minWindowMs = nonNegative('minWindowMs', options.minWindowMs ?? 1000, 0);
    const now = Date.now();
    this.#cpu = new CpuSampler(options.cpuTimes ?? defaultCpuTimesSource(), now);
    this.#network = new NetworkSampler(options.netDev ?? defaultNetDevSource(), now);
    this.#process = new ProcessSampler({ eventLoopResolutionMs: options.eventLoopResolutionMs }, now);
    this.#pressure = new PressureReader(options.pressureFiles);
    this.#disks = options.disks === false ? null : new DiskMonitor(options.disks ?? {});
    // First disk figures in the background, so the first snapshot a client asks for has them.
    void this.#disks?.refresh();
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  /** Starts the background sampler. Its timer is unref'ed: it never keeps the process alive. Idempotent. */
  start(): this {
    if (this.#closed) throw new Error('Vitals: start() after close()');
    if (this.#timer) return this;
    this.#timer = setInterval(() => this.sample(), this.intervalMs);
    this.#timer.unref();
    return this;
  }

  stop(): this {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    return this;
  }

  /** Stops the sampler and the event-loop histogram. Reads keep working, with a frozen event-loop delay. */
  close(): void {
    this.stop();
    if (!this.#closed) this.#process.close();
    this.#closed = true;
  }

  /** Closes the current window of every windowed reading now, and lets stale disk figures refresh. */
  sample(now = Date.now()): void {
    this.#lastCpu = this.#cpu.sample(now);
    this.#lastNetwork = this.#network.sample(now);
    this.#lastProcess = this.#process.sample(now);
    this.#disks?.latest(now);
  }

  /** Per-core and total usage over the latest window. */
  cpus(): CpuReading {
    if (this.#due(this.#lastCpu?.time)) this.#lastCpu = this.#cpu.sample();
    return this.#lastCpu!;
  }

  /** Windows of total CPU usage, oldest first (up to 1024), for sustained-load checks. */
  cpuHistory(): readonly CpuWindow[] {
    this.cpus();
    return this.#cpu.history();
  }

  network(): NetworkReading {
    if (this.#due(this.#lastNetwork?.time)) this.#lastNetwork = this.#network.sample();
    return this.#lastNetwork!;
  }

  process(): ProcessInfo {
    if (this.#due(this.#lastProcess?.time)) this.#lastProcess = this.#process.sample();
    return this.#lastProcess!;
  }

  /** Instantaneous: read on every call (≈ 30 µs on Linux). */
  memory(): MemoryInfo {
    return readMemory();
  }

  host(): HostInfo {
    return this.#host.read();
  }

  /**
   * Pressure-stall information (Linux 4.20+), system-wide and for the process's cgroup v2. Read on
   * every call (≈ 30 µs, one small file per resource): the kernel keeps the averages itself.
   */
  pressure(): PressureReading {
    return this.#pressure.read();
  }

  /** Cached disk figures; never waits for statfs. Starts a background refresh when they are old. */
  disks(): DiskInfo[] {
    return this.#disks?.latest() ?? [];
  }

  /** Fresh disk figures: waits for statfs on every mount, each bounded by `disks.timeoutMs`. */
  async refreshDisks(): Promise<DiskInfo[]> {
    return (await this.#disks?.refresh()) ?? [];
  }

  /** Everything, synchronously, as plain data. */
  snapshot(): VitalsSnapshot {
    return {
      time: Date.now(),
      host: this.host(),
      cpus: this.cpus(),
      memory: this.memory(),
      pressure: this.pressure(),
      disks: this.disks(),
      network: this.network(),
      process: this.process(),
    };
  }

  /** Like `snapshot()`, after waiting for fresh disk figures. */
  async freshSnapshot(): Promise<VitalsSnapshot> {
    await this.refreshDisks();
    return this.snapshot();
  }

  /** Seed 003 `sysinfo`: `{cpus:[{model,name,usage}], mem:{total,used,free,swap_*}, disks:[{name,total,free}]}`. */
  sysinfo(): formats.SysinfoShape {
    return formats.sysinfo(this.cpus(), this.memory(), this.disks());
  }

  /** Seed 000 `system`: `{totalMemory, freeMemory, platform, name, architecture}`. */
  webitelSystem(): formats.WebitelSystemShape {
    return formats.webitelSystem(this.host(), this.memory());
  }

  /** Seed 000 `nodeMemory`: `{rss, heapTotal, heapUsed}`. */
  nodeMemory(): formats.NodeMemoryShape {
    return formats.nodeMemory(this.process());
  }

  /** Seed 000 top-level process fields: `{nodeMemory, processId, processUpTimeSec, nodeVersion}`. */
  webitelProcess(): formats.WebitelProcessShape {
    return formats.webitelProcess(this.process());
  }

  /** A status-tree mountable object (`readStatus()`) for one layout. */
  view(name: VitalsViewName): StatusReadable {
    if (!(VIEW_NAMES as readonly string[]).includes(name)) {
      throw new Error(`Vitals.view: unknown view "${String(name)}"; known: ${VIEW_NAMES.join(', ')}`);
    }
    const read = (): unknown => this[name]();
    return { readStatus: read };
  }

  #due(lastTime: number | undefined): boolean {
    if (lastTime === undefined) return true;
    return !this.running && Date.now() - lastTime >= this.minWindowMs;
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
