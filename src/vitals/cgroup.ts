import { readFileSync } from 'node:fs';
import type { CgroupLimits } from './types.js';

/** Limits at or above this are "no limit" (cgroup v1 writes 2^63 rounded down to a page). */
const UNLIMITED = 2 ** 62;

export interface CgroupFiles {
  /** Reads a file's text; returns `undefined` when it does not exist or cannot be read. */
  read(path: string): string | undefined;
}

const realFiles: CgroupFiles = {
  read(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/**
 * The memory limit and CPU quota of the cgroup this process runs in, v2 first, then v1. The own
 * cgroup's directory (from `/proc/self/cgroup`) is tried before the hierarchy root, which is what a
 * container with its own cgroup namespace sees. `null` when no cgroup files are readable.
 */
export function readCgroupLimits(
  files: CgroupFiles = realFiles,
  root = '/sys/fs/cgroup',
): CgroupLimits | null {
  const membership = parseCgroupMembership(files.read('/proc/self/cgroup') ?? '');
  return readV2(files, root, membership.get('') ?? '/') ?? readV1(files, root, membership);
}

/**
 * The directory of the cgroup v2 this process belongs to, for its per-cgroup files (`cpu.pressure`,
 * ...): the unified hierarchy at `root`, or at `root/unified` on hybrid systems (v1 controllers, v2
 * mounted beside them). As for limits, the own path is tried before the hierarchy root. Only a
 * non-root cgroup counts, recognised by its `cgroup.type` file, which the root never has: the real
 * root's figures are the system-wide ones. `null` without a v2 membership line or such a directory.
 */
export function findOwnCgroupV2Dir(files: CgroupFiles = realFiles, root = '/sys/fs/cgroup'): string | null {
  const path = parseCgroupMembership(files.read('/proc/self/cgroup') ?? '').get('');
  if (path === undefined) return null;
  for (const base of [root, `${root}/unified`]) {
    const dir = firstExisting(files, candidates(base, path), 'cgroup.type');
    if (dir !== undefined) return dir;
  }
  return null;
}

/** `/proc/self/cgroup` lines `id:controllers:path` -> controller -> path (v2's line has controller ''). */
export function parseCgroupMembership(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [, controllers, path] = line.split(':');
    if (path === undefined) continue;
    for (const controller of controllers.split(',')) map.set(controller, path);
  }
  return map;
}

function readV2(files: CgroupFiles, root: string, path: string): CgroupLimits | null {
  for (const dir of candidates(root, path)) {
    const memoryMax = files.read(`${dir}/memory.max`);
    const cpuMax = files.read(`${dir}/cpu.max`);
    if (memoryMax === undefined && cpuMax === undefined) continue;
    return {
      version: 2,
      memoryLimit: limit(memoryMax),
      memoryUsage: number(files.read(`${dir}/memory.current`)),
      cpuQuota: cpuMax === undefined ? null : quota(...splitPair(cpuMax)),
    };
  }
  return null;
}

function readV1(files: CgroupFiles, root: string, membership: Map<string, string>): CgroupLimits | null {
  const memDir = firstExisting(
    files,
    candidates(`${root}/memory`, membership.get('memory')),
    'memory.limit_in_bytes',
  );
  const cpuDir = firstExisting(files, candidates(`${root}/cpu`, membership.get('cpu')), 'cpu.cfs_quota_us');
  if (memDir === undefined && cpuDir === undefined) return null;
  return {
    version: 1,
    memoryLimit: memDir === undefined ? null : limit(files.read(`${memDir}/memory.limit_in_bytes`)),
    memoryUsage: memDir === undefined ? null : number(files.read(`${memDir}/memory.usage_in_bytes`)),
    cpuQuota:
      cpuDir === undefined
        ? null
        : quota(
            files.read(`${cpuDir}/cpu.cfs_quota_us`)?.trim(),
            files.read(`${cpuDir}/cpu.cfs_period_us`)?.trim(),
          ),
  };
}

function splitPair(text: string): [string | undefined, string | undefined] {
  const [a, b] = text.trim().split(/\s+/);
  return [a, b];
}

function candidates(base: string, path: string | undefined): string[] {
  return path && path !== '/' ? [`${base}${path}`, base] : [base];
}

function firstExisting(files: CgroupFiles, dirs: string[], file: string): string | undefined {
  return dirs.find((dir) => files.read(`${dir}/${file}`) !== undefined);
}

function number(text: string | undefined): number | null {
  const value = Number(text?.trim());
  return text !== undefined && Number.isFinite(value) ? value : null;
}

function limit(text: string | undefined): number | null {
  const value = number(text);
  return value === null || value >= UNLIMITED ? null : value;
}

/** `max 100000` / `-1` mean no quota; otherwise quota / period in cores. */
function quota(quotaText: string | undefined, periodText: string | undefined): number | null {
  const q = Number(quotaText);
  const p = Number(periodText);
  return Number.isFinite(q) && q > 0 && Number.isFinite(p) && p > 0 ? q / p : null;
}
