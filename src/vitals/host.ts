import os from 'node:os';
import { readCgroupLimits } from './cgroup.js';
import type { CgroupLimits, HostInfo } from './types.js';

/** cgroup limits change only when an operator resizes the container: re-read them at most this often. */
const CGROUP_TTL_MS = 30_000;

export class HostReader {
  #cgroup: CgroupLimits | null = null;
  #cgroupTime = Number.NEGATIVE_INFINITY;
  readonly #cpuCount = os.cpus().length;

  read(now = Date.now()): HostInfo {
    if (now - this.#cgroupTime >= CGROUP_TTL_MS) {
      this.#cgroup = process.platform === 'linux' ? readCgroupLimits() : null;
      this.#cgroupTime = now;
    }
    const [one, five, fifteen] = os.loadavg();
    return {
      hostname: os.hostname(),
      platform: process.platform,
      osName: os.type(),
      release: os.release(),
      architecture: process.arch,
      uptime: os.uptime(),
      loadAverage: [one, five, fifteen],
      cpuCount: this.#cpuCount,
      cgroup: this.#cgroup,
    };
  }
}
