import { readFileSync } from 'node:fs';
import { statfs as statfsAsync } from 'node:fs/promises';
import path from 'node:path';
import { derived } from './precision.js';
import { type MountEntry, parseMounts } from './proc-parse.js';
import type { DiskInfo } from './types.js';

/** Filesystems that hold no user data: kernel interfaces, memory-backed and layered ones. */
export const PSEUDO_FILESYSTEM_TYPES: readonly string[] = [
  'proc', 'sysfs', 'tmpfs', 'devtmpfs', 'devpts', 'devfs', 'ramfs', 'cgroup', 'cgroup2', 'overlay', 'aufs',
  'squashfs', 'mqueue', 'debugfs', 'tracefs', 'securityfs', 'pstore', 'bpf', 'autofs', 'hugetlbfs', 'configfs',
  'fusectl', 'binfmt_misc', 'nsfs', 'rpc_pipefs', 'efivarfs', 'selinuxfs', 'nfsd', 'fuse.lxcfs',
  'fuse.gvfsd-fuse', 'fuse.portal', 'fuse.snapfuse',
]; // biome-ignore format: a list reads better packed

export interface DiskOptions {
  /** Exactly these mount points, no discovery (works on every platform). */
  mounts?: string[];
  /** Filesystem types to report although they are pseudo by default (e.g. `['tmpfs']`). */
  includeTypes?: string[];
  /** More filesystem types to skip (e.g. `['nfs', 'nfs4']`). */
  excludeTypes?: string[];
  /** Mount points to skip: exact strings or patterns. */
  excludeMounts?: (string | RegExp)[];
  /** A statfs that has not answered after this many ms marks its mount `timeout` (default 2000). */
  timeoutMs?: number;
  /** `disks()` starts a background refresh when the cached figures are older than this (default 5000). */
  maxAgeMs?: number;
  /** Injectable for tests: defaults to `fs.promises.statfs`. */
  statfs?: (path: string) => Promise<StatfsFigures>;
  /** Injectable for tests: the text of `/proc/self/mounts`, or `undefined` where there is none. */
  readMounts?: () => string | undefined;
}

export interface StatfsFigures {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
}

/**
 * Which mounts to report. Pure. Pseudo filesystems are skipped unless included; a device mounted in
 * several places (bind mounts of `/etc/hosts` and friends) is reported once, at its shortest mount
 * point, as GNU `df` does.
 */
export function selectMounts(entries: readonly MountEntry[], options: DiskOptions = {}): MountEntry[] {
  const include = new Set(options.includeTypes ?? []);
  const skipTypes = new Set([
    ...PSEUDO_FILESYSTEM_TYPES.filter((t) => !include.has(t)),
    ...(options.excludeTypes ?? []),
  ]);
  const skipMount = (mount: string) =>
    (options.excludeMounts ?? []).some((rule) =>
      typeof rule === 'string' ? rule === mount : rule.test(mount),
    );
  const byDevice = new Map<string, MountEntry>();
  for (const entry of entries) {
    if (skipTypes.has(entry.type) || skipMount(entry.mount)) continue;
    const seen = byDevice.get(entry.device);
    if (!seen || entry.mount.length < seen.mount.length) byDevice.set(entry.device, entry);
  }
  return [...byDevice.values()];
}

/** Figures from a statfs answer. Pure. */
export function diskFigures(
  s: StatfsFigures,
): Pick<DiskInfo, 'total' | 'free' | 'available' | 'used' | 'usedPercent'> {
  const total = s.blocks * s.bsize;
  const free = s.bfree * s.bsize;
  const available = s.bavail * s.bsize;
  const used = total - free;
  return {
    total,
    free,
    available,
    used,
    usedPercent: used + available > 0 ? derived((used / (used + available)) * 100) : 0,
  };
}

interface MountRecord {
  info: DiskInfo;
  /** The statfs in flight, if any: never a second one on the same mount while it is pending. */
  pending: Promise<void> | null;
  pendingSince: number;
}

/**
 * Disk figures kept in a cache and refreshed asynchronously, so reading them never blocks the event
 * loop. A statfs on a dead network share may never return: after `timeoutMs` its mount is marked
 * `timeout` (keeping the last known figures), and no further statfs is issued on it until the stuck
 * one settles — a dead NFS mount can hold at most one libuv threadpool thread.
 */
export class DiskMonitor {
  readonly #options: DiskOptions;
  readonly #timeoutMs: number;
  readonly #maxAgeMs: number;
  readonly #statfs: (path: string) => Promise<StatfsFigures>;
  readonly #readMounts: () => string | undefined;
  readonly #records = new Map<string, MountRecord>();
  #order: string[] = [];
  #refreshing: Promise<DiskInfo[]> | null = null;
  #refreshedAt = Number.NEGATIVE_INFINITY;

  constructor(options: DiskOptions = {}) {
    this.#options = options;
    this.#timeoutMs = positive('disks.timeoutMs', options.timeoutMs ?? 2000);
    this.#maxAgeMs = positive('disks.maxAgeMs', options.maxAgeMs ?? 5000);
    this.#statfs = options.statfs ?? statfsAsync;
    this.#readMounts = options.readMounts ?? readProcMounts;
  }

  /** The cached figures (copies); starts a background refresh when they are older than `maxAgeMs`. */
  latest(now = Date.now()): DiskInfo[] {
    if (now - this.#refreshedAt >= this.#maxAgeMs) void this.refresh();
    return this.#order.map((mount) => ({ ...this.#records.get(mount)!.info }));
  }

  /** Re-reads the mount list and statfs's every mount; resolves within `timeoutMs`. Single-flight. */
  refresh(): Promise<DiskInfo[]> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<DiskInfo[]> {
    this.#refreshedAt = Date.now();
    const entries = this.#discover();
    this.#order = entries.map((e) => e.mount);
    for (const mount of this.#records.keys()) if (!this.#order.includes(mount)) this.#records.delete(mount);
    await Promise.all(entries.map((entry) => this.#statWithTimeout(entry)));
    return this.latest(Date.now());
  }

  #discover(): MountEntry[] {
    if (this.#options.mounts) {
      return this.#options.mounts.map((mount) => ({ device: mount, mount, type: 'unknown', options: '' }));
    }
    const text = this.#readMounts();
    if (text === undefined) {
      const root = path.parse(process.cwd()).root;
      return [{ device: root, mount: root, type: 'unknown', options: '' }];
    }
    return selectMounts(parseMounts(text), this.#options);
  }

  #record(entry: MountEntry): MountRecord {
    let record = this.#records.get(entry.mount);
    if (!record) {
      record = { info: emptyInfo(entry), pending: null, pendingSince: 0 };
      this.#records.set(entry.mount, record);
    }
    return record;
  }

  async #statWithTimeout(entry: MountEntry): Promise<void> {
    const record = this.#record(entry);
    if (!record.pending) {
      record.pendingSince = Date.now();
      record.pending = this.#statfs(entry.mount).then(
        (figures) => {
          const { error: _previous, ...info } = record.info;
          record.info = { ...info, ...diskFigures(figures), state: 'ok', updated: Date.now() };
        },
        (error: unknown) => {
          record.info = { ...record.info, state: 'error', error: errorText(error) };
        },
      );
      void record.pending.finally(() => {
        record.pending = null;
      });
    }
    // A call found pending at entry is still pending (settling clears it); a new one gets the full timeout.
    const remaining = record.pendingSince + this.#timeoutMs - Date.now();
    const answered = remaining > 0 && (await settlesWithin(record.pending, remaining));
    if (!answered) {
      const waited = Date.now() - record.pendingSince;
      record.info = { ...record.info, state: 'timeout', error: `statfs has not answered for ${waited} ms` };
    }
  }
}

function emptyInfo(entry: MountEntry): DiskInfo {
  return {
    name: entry.device,
    mount: entry.mount,
    type: entry.type,
    state: 'pending',
    total: null,
    free: null,
    available: null,
    used: null,
    usedPercent: null,
    updated: null,
  };
}

/** Resolves true when `promise` settles within `ms`, false otherwise; the timer never holds the process. */
function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function readProcMounts(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name}: expected a positive number, got ${value}`);
  return value;
}
