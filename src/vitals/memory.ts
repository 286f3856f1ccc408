import { readFileSync } from 'node:fs';
import os from 'node:os';
import { derived } from './precision.js';
import { parseMeminfo } from './proc-parse.js';
import type { MemoryInfo } from './types.js';

/** Memory figures from `/proc/meminfo` fields. Pure. `used` is `total - available`, as procps-ng 4 `free`. */
export function memoryFromMeminfo(fields: ReadonlyMap<string, number>): MemoryInfo {
  const get = (key: string) => fields.get(key) ?? 0;
  const total = get('MemTotal');
  const free = get('MemFree');
  const buffers = get('Buffers');
  const cached = get('Cached') + get('SReclaimable');
  // MemAvailable exists since Linux 3.14; before that, estimate it the way free did.
  const available = fields.has('MemAvailable')
    ? get('MemAvailable')
    : Math.min(total, free + buffers + cached);
  const swapTotal = get('SwapTotal');
  const swapFree = get('SwapFree');
  const used = Math.max(0, total - available);
  return {
    total,
    used,
    free,
    available,
    buffers,
    cached,
    swapTotal,
    swapUsed: Math.max(0, swapTotal - swapFree),
    swapFree,
    usedPercent: total > 0 ? derived((used / total) * 100) : 0,
    source: 'meminfo',
  };
}

/** Off Linux: `os` has no swap and no "available", so free stands in for available. */
export function memoryFromOs(): MemoryInfo {
  const total = os.totalmem();
  const free = os.freemem();
  const used = total - free;
  return {
    total,
    used,
    free,
    available: free,
    buffers: 0,
    cached: 0,
    swapTotal: 0,
    swapUsed: 0,
    swapFree: 0,
    usedPercent: total > 0 ? derived((used / total) * 100) : 0,
    source: 'os',
  };
}

let meminfoReadable = process.platform === 'linux';

export function readMemory(): MemoryInfo {
  if (meminfoReadable) {
    try {
      return memoryFromMeminfo(parseMeminfo(readFileSync('/proc/meminfo', 'latin1')));
    } catch {
      meminfoReadable = false; // no /proc here; stop trying on every read
    }
  }
  return memoryFromOs();
}
