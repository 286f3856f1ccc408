import { readdirSync } from 'node:fs';

/** A few cheap process readings for `/metrics` (≈ 10–30 µs in total; no timers, no child processes). */
export interface ProcessVitals {
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  residentMemoryBytes: number;
  heapTotalBytes: number;
  heapUsedBytes: number;
  externalMemoryBytes: number;
  arrayBuffersBytes: number;
  startTimeSeconds: number;
  uptimeSeconds: number;
  /** Open file descriptors; undefined off Linux (no /proc). */
  openFds: number | undefined;
  nodeVersion: string;
}

const startTimeSeconds = Math.round(Date.now() / 1000 - process.uptime());

export function readProcessVitals(): ProcessVitals {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    cpuUserSeconds: cpu.user / 1e6,
    cpuSystemSeconds: cpu.system / 1e6,
    residentMemoryBytes: memory.rss,
    heapTotalBytes: memory.heapTotal,
    heapUsedBytes: memory.heapUsed,
    externalMemoryBytes: memory.external,
    arrayBuffersBytes: memory.arrayBuffers,
    startTimeSeconds,
    uptimeSeconds: process.uptime(),
    openFds: countOpenFds(),
    nodeVersion: process.versions.node,
  };
}

function countOpenFds(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    // The listing includes the descriptor readdir itself holds open.
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    return undefined;
  }
}
