/** Plain-data shapes produced by the vitals module. Every value is JSON-safe (numbers, strings, null). */

/** One CPU core's usage over the last window, in percent of that core (0-100). */
export interface CpuCore {
  /** 0-based core index. */
  index: number;
  /** 1-based index as a string: the `name` seed 003 shows ("1", "2", ...). */
  name: string;
  model: string;
  usage: number;
  user: number;
  system: number;
  /** Time waiting for I/O; 0 where the platform does not report it. */
  iowait: number;
  /** Time stolen by the hypervisor; 0 where the platform does not report it. */
  steal: number;
}

export interface CpuReading {
  cores: CpuCore[];
  /** All cores together, in percent of the whole machine (0-100). */
  total: Omit<CpuCore, 'index' | 'name' | 'model'>;
  /** Length of the window the usage covers, in milliseconds. */
  windowMs: number;
  /** Epoch milliseconds at the end of the window. */
  time: number;
}

export interface MemoryInfo {
  total: number;
  /** `total - available`, as `free` (procps-ng 4) prints it. */
  used: number;
  free: number;
  /** Memory that can be given to new work without swapping (`MemAvailable`); `free` where unknown. */
  available: number;
  buffers: number;
  cached: number;
  swapTotal: number;
  swapUsed: number;
  swapFree: number;
  /** `used / total` in percent. */
  usedPercent: number;
  /** Where the figures come from: `/proc/meminfo` or the `os` module fallback. */
  source: 'meminfo' | 'os';
}

/**
 * `pending`: no statfs has answered yet; `ok`: the last one answered; `timeout`: the last one has not
 * answered in time (a dead network share); `error`: it failed.
 */
export type DiskState = 'pending' | 'ok' | 'timeout' | 'error';

export interface DiskInfo {
  /** Device as mounted (`/dev/vda`, `server:/export`). */
  name: string;
  mount: string;
  type: string;
  state: DiskState;
  /** Bytes; `null` until statfs has answered once. After a timeout, the last known figures stay. */
  total: number | null;
  /** Free blocks, including those reserved for root. */
  free: number | null;
  /** Blocks available to unprivileged users (`df`'s Avail). */
  available: number | null;
  /** `total - free` (`df`'s Used). */
  used: number | null;
  /** `used / (used + available)` in percent, as `df` computes Use%. */
  usedPercent: number | null;
  /** Epoch ms of the last successful statfs. */
  updated: number | null;
  /** Error text when `state` is `error` or `timeout`. */
  error?: string;
}

/** One interface's cumulative counters, as `/proc/net/dev` has them. */
export interface NetDevCounters {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

export interface NetworkInterfaceStats extends NetDevCounters {
  /** Per-second rates over the last window; 0 for the first sample of an interface. */
  rxBytesPerSec: number;
  txBytesPerSec: number;
  rxPacketsPerSec: number;
  txPacketsPerSec: number;
}

export interface NetworkReading {
  interfaces: NetworkInterfaceStats[];
  windowMs: number;
  time: number;
  /** False off Linux: Node has no portable interface counters. */
  supported: boolean;
}

export interface EventLoopReading {
  /** Delay percentiles over the last window in ms, corrected for the histogram's resolution. */
  p50: number;
  p99: number;
  max: number;
  mean: number;
  /** Event-loop utilization over the last window (0-1). */
  utilization: number;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Seconds since the process started. */
  uptime: number;
  nodeVersion: string;
  memory: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  /** CPU time of the process over the last window, in percent of one core (can exceed 100). */
  cpuPercent: number;
  eventLoop: EventLoopReading;
  /** Open file descriptors (Linux); `null` elsewhere. */
  openFds: number | null;
  windowMs: number;
  /** Epoch milliseconds at the end of the window. */
  time: number;
}

export interface CgroupLimits {
  version: 1 | 2;
  /** Memory limit in bytes; `null` when unlimited. */
  memoryLimit: number | null;
  memoryUsage: number | null;
  /** CPU quota in cores (quota / period); `null` when unlimited. */
  cpuQuota: number | null;
}

export interface HostInfo {
  hostname: string;
  platform: string;
  /** `os.type()`: `Linux`, `Darwin`, `Windows_NT`. */
  osName: string;
  release: string;
  architecture: string;
  /** Seconds since boot. */
  uptime: number;
  loadAverage: [number, number, number];
  cpuCount: number;
  /** Present when the process runs in a cgroup with limits readable here; `null` otherwise. */
  cgroup: CgroupLimits | null;
}

/** One PSI line: shares of wall time (percent, 0-100) over 10 s, 60 s and 300 s, and the cumulative stall time. */
export interface PressureFigures {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Stall time since boot (or since the cgroup was created), in microseconds; only ever grows. */
  totalMicros: number;
}

export interface ResourcePressure {
  /** Time in which at least one non-idle task was stalled on the resource. */
  some: PressureFigures;
  /** Time in which all non-idle tasks were stalled at once; `null` where the kernel has no such line (cpu before 5.13). */
  full: PressureFigures | null;
}

/** PSI of the three resources; a resource is `null` where its file cannot be read or parsed. */
export interface PressureSet {
  cpu: ResourcePressure | null;
  memory: ResourcePressure | null;
  io: ResourcePressure | null;
}

/** System-wide PSI (`/proc/pressure/*`) and, in a non-root cgroup v2, the process's own cgroup's. */
export interface PressureReading extends PressureSet {
  /** The process's cgroup v2 figures (`cpu.pressure`, ...) with the directory read; `null` outside one. */
  cgroup: (PressureSet & { path: string }) | null;
}

export interface VitalsSnapshot {
  time: number;
  host: HostInfo;
  cpus: CpuReading;
  memory: MemoryInfo;
  pressure: PressureReading;
  disks: DiskInfo[];
  network: NetworkReading;
  process: ProcessInfo;
}
