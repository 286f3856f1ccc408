import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { type CgroupFiles, findOwnCgroupV2Dir } from './cgroup.js';
import { parsePressure } from './proc-parse.js';
import type { PressureReading, PressureSet, ResourcePressure } from './types.js';

export const PRESSURE_RESOURCES = ['cpu', 'memory', 'io'] as const;
export type PressureResource = (typeof PRESSURE_RESOURCES)[number];

/**
 * How often the cgroup directory is looked up again and unreadable files are retried. The cgroup
 * of a process rarely changes and PSI availability is fixed at boot, but a transient failure (too
 * many open files) must not hide a resource for good.
 */
const DISCOVERY_TTL_MS = 30_000;

/** A PSI file is two lines of about 70 bytes; anything that fills this is read again whole. */
const buffer = Buffer.alloc(512);

/**
 * Small-file reads into one reused buffer: open, one read, close. Half the cost of `readFileSync`
 * (≈ 8 µs instead of 13 µs a file), which also stats the file and allocates for its contents.
 */
export const smallFiles: CgroupFiles = {
  read(path) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      return length < buffer.length ? buffer.toString('latin1', 0, length) : readFileSync(path, 'latin1');
    } catch {
      return undefined; // ENOENT: no PSI in this kernel; EOPNOTSUPP: booted with psi=0
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  },
};

const UNAVAILABLE: PressureReading = { cpu: null, memory: null, io: null, cgroup: null };

/** Reads system-wide and own-cgroup PSI: each file once per `read()`, no file that failed until the next discovery. */
export class PressureReader {
  readonly #files: CgroupFiles;
  readonly #enabled: boolean;
  readonly #failed = new Set<string>();
  #cgroupDir: string | null = null;
  #discoveredAt = Number.NEGATIVE_INFINITY;

  /** `files` is injectable for tests; they are read whatever the platform. Otherwise PSI is Linux-only. */
  constructor(files?: CgroupFiles) {
    this.#files = files ?? smallFiles;
    this.#enabled = files !== undefined || process.platform === 'linux';
  }

  read(now = Date.now()): PressureReading {
    if (!this.#enabled) return { ...UNAVAILABLE };
    if (now - this.#discoveredAt >= DISCOVERY_TTL_MS) {
      this.#cgroupDir = findOwnCgroupV2Dir(this.#files);
      this.#failed.clear();
      this.#discoveredAt = now;
    }
    const dir = this.#cgroupDir;
    return {
      ...this.#readSet((resource) => `/proc/pressure/${resource}`),
      cgroup:
        dir === null ? null : { path: dir, ...this.#readSet((resource) => `${dir}/${resource}.pressure`) },
    };
  }

  #readSet(pathOf: (resource: PressureResource) => string): PressureSet {
    return {
      cpu: this.#readFile(pathOf('cpu')),
      memory: this.#readFile(pathOf('memory')),
      io: this.#readFile(pathOf('io')),
    };
  }

  #readFile(path: string): ResourcePressure | null {
    if (this.#failed.has(path)) return null;
    const text = this.#files.read(path);
    if (text === undefined) {
      this.#failed.add(path);
      return null;
    }
    return parsePressure(text);
  }
}
