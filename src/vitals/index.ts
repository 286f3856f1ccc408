export {
  type CpuCheckOptions,
  cpuCheck,
  type DiskSpaceCheckOptions,
  diskSpaceCheck,
  type EventLoopCheckOptions,
  eventLoopCheck,
  formatBytes,
  type MemoryCheckOptions,
  memoryCheck,
  PRESSURE_KINDS,
  PRESSURE_SCOPES,
  PRESSURE_WINDOWS,
  type PressureCheckOptions,
  pressureCheck,
} from './checks.js';
export { type CpuWindow, coreUsage, sustainedAboveMs } from './cpu.js';
export { type DiskOptions, PSEUDO_FILESYSTEM_TYPES, type StatfsFigures, selectMounts } from './disks.js';
export * from './formats.js';
export { PRESSURE_RESOURCES, type PressureResource } from './pressure.js';
export { parseMeminfo, parseMounts, parseNetDev, parsePressure, parseProcStat } from './proc-parse.js';
export type { EventLoopDelayHistogram } from './process.js';
export type * from './types.js';
export {
  createVitals,
  VIEW_NAMES,
  Vitals,
  type VitalsOptions,
  type VitalsReadOptions,
  type VitalsViewName,
} from './vitals.js';
