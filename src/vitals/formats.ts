/**
 * The seed APIs' field layouts, as pure functions of the readings. statuskit's own readings use
 * camelCase and carry more; these produce exactly the fields each seed document shows.
 */
import type { CpuReading, DiskInfo, HostInfo, MemoryInfo, ProcessInfo } from './types.js';

/** Seed 003 (TurboCore) `sysinfo` answer. */
export interface SysinfoShape {
  cpus: { model: string; name: string; usage: number }[];
  mem: {
    total: number;
    used: number;
    free: number;
    swap_total: number;
    swap_used: number;
    swap_free: number;
  };
  disks: { name: string; total: number; free: number }[];
}

/**
 * Seed 003: `mem.used + mem.free = mem.total` in its example, so `used` here is `total - free` (the
 * systeminformation meaning), not statfs-style `total - available`. A disk's `free` is the space
 * available to the service (`df` Avail). Mounts that never answered statfs are left out.
 */
export function sysinfo(cpus: CpuReading, memory: MemoryInfo, disks: readonly DiskInfo[]): SysinfoShape {
  return {
    cpus: cpus.cores.map((core) => ({ model: core.model, name: core.name, usage: core.usage })),
    mem: {
      total: memory.total,
      used: memory.total - memory.free,
      free: memory.free,
      swap_total: memory.swapTotal,
      swap_used: memory.swapUsed,
      swap_free: memory.swapFree,
    },
    disks: disks
      .filter((disk) => disk.total !== null)
      .map((disk) => ({ name: disk.name, total: disk.total!, free: disk.available! })),
  };
}

/** Seed 000 (Webitel) `system`. `freeMemory` is what `os.freemem()` reports on Linux: the available memory. */
export interface WebitelSystemShape {
  totalMemory: number;
  freeMemory: number;
  platform: string;
  name: string;
  architecture: string;
}

export function webitelSystem(host: HostInfo, memory: MemoryInfo): WebitelSystemShape {
  return {
    totalMemory: memory.total,
    freeMemory: memory.available,
    platform: host.platform,
    name: host.osName,
    architecture: host.architecture,
  };
}

/** Seed 000 (Webitel) `nodeMemory`. */
export interface NodeMemoryShape {
  rss: number;
  heapTotal: number;
  heapUsed: number;
}

export function nodeMemory(proc: ProcessInfo): NodeMemoryShape {
  return { rss: proc.memory.rss, heapTotal: proc.memory.heapTotal, heapUsed: proc.memory.heapUsed };
}

/** The process fields seed 000 shows at its top level, keyed as it keys them. */
export interface WebitelProcessShape {
  nodeMemory: NodeMemoryShape;
  processId: number;
  processUpTimeSec: number;
  nodeVersion: string;
}

export function webitelProcess(proc: ProcessInfo): WebitelProcessShape {
  return {
    nodeMemory: nodeMemory(proc),
    processId: proc.pid,
    processUpTimeSec: proc.uptime,
    nodeVersion: proc.nodeVersion,
  };
}
