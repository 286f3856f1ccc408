import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createVitals, VIEW_NAMES, type VitalsSnapshot } from '../../src/vitals/index.js';
import type { CpuTimes } from '../../src/vitals/proc-parse.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('background sampler', () => {
  it('serves windowed readings from the latest tick and re-samples on each tick', async () => {
    const vitals = createVitals({ intervalMs: 50, disks: false }).start();
    try {
      expect(vitals.running).toBe(true);
      await sleep(80);
      const a = vitals.cpus();
      expect(vitals.cpus()).toBe(a); // between ticks: the same sample, no re-read
      expect(vitals.process()).toBe(vitals.process());
      await sleep(120);
      const b = vitals.cpus();
      expect(b).not.toBe(a);
      expect(b.time).toBeGreaterThan(a.time);
      expect(b.windowMs).toBeGreaterThanOrEqual(40);
    } finally {
      vitals.stop();
    }
    expect(vitals.running).toBe(false);
    vitals.close();
    expect(() => vitals.start()).toThrow(/after close/);
  });

  it('on demand, reuses a sample younger than minWindowMs', () => {
    const vitals = createVitals({ minWindowMs: 60_000, disks: false });
    const first = vitals.network();
    expect(vitals.network()).toBe(first);
    vitals.sample();
    expect(vitals.network()).not.toBe(first);
    vitals.close();
  });

  it('does not keep the process alive', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const script = `import { createVitals } from './src/vitals/index.ts';
      createVitals({ intervalMs: 20 }).start(); setTimeout(() => console.log('done'), 100);`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: root,
        timeout: 20_000,
      },
    );
    expect(stdout.trim()).toBe('done'); // execFile resolves only when the process exits on its own
  });
});

/** Scripted sources that count their reads: CPU times, interface counters, PSI files, mounts and statfs. */
function countedSources() {
  const reads = { cpu: 0, netDev: 0, files: 0, mounts: 0, statfs: 0 };
  const times: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
  const psi =
    'some avg10=1.00 avg60=2.00 avg300=3.00 total=100\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n';
  const options = {
    cpuTimes: () => {
      reads.cpu++;
      return [{ ...times }];
    },
    netDev: () => {
      reads.netDev++;
      return [
        {
          name: 'eth0',
          rxBytes: 1,
          rxPackets: 1,
          rxErrors: 0,
          rxDropped: 0,
          txBytes: 1,
          txPackets: 1,
          txErrors: 0,
          txDropped: 0,
        },
      ];
    },
    pressureFiles: {
      read(path: string) {
        reads.files++;
        return path.startsWith('/proc/pressure/') ? psi : path === '/proc/self/cgroup' ? '0::/\n' : undefined;
      },
    },
    disks: {
      readMounts: () => {
        reads.mounts++;
        return '/dev/a /data ext4 rw 0 0\n';
      },
      statfs: async () => {
        reads.statfs++;
        return { bsize: 1, blocks: 1000, bfree: 500, bavail: 400 };
      },
    },
  };
  /** The next CPU window is half busy. */
  const busier = () => {
    times.user += 50;
    times.idle += 50;
  };
  return { reads, options, busier };
}

describe('reads while the sampler runs', () => {
  it('every view serves the latest tick: the same object until the next one, nothing read in between', async () => {
    const sources = countedSources();
    const vitals = createVitals({ intervalMs: 3_600_000, ...sources.options });
    await vitals.refreshDisks();
    vitals.start();
    try {
      const views = VIEW_NAMES.map((name) => vitals.view(name));
      const first = views.map((view) => view.readStatus()); // the first read takes the sample
      const readsAfterFirst = { ...sources.reads };
      for (let i = 0; i < 100; i++) {
        for (const [v, view] of views.entries()) expect(view.readStatus()).toBe(first[v]);
      }
      expect(vitals.memory()).toBe(vitals.memory());
      expect(sources.reads).toEqual(readsAfterFirst);
      // One sample behind every view, derived layouts included.
      const snapshot = vitals.snapshot();
      for (const key of ['host', 'cpus', 'memory', 'pressure', 'disks', 'network', 'process'] as const) {
        expect(vitals.view(key).readStatus()).toBe(snapshot[key]);
      }
      expect(vitals.sysinfo().disks).toEqual([{ name: '/dev/a', total: 1000, free: 400 }]);

      sources.busier();
      vitals.sample(); // what the next tick does
      for (const [v, view] of views.entries()) expect(view.readStatus(), VIEW_NAMES[v]).not.toBe(first[v]);
      expect(sources.reads.cpu).toBe(readsAfterFirst.cpu + 1);
      expect(sources.reads.netDev).toBe(readsAfterFirst.netDev + 1);
      expect((vitals.snapshot() as VitalsSnapshot).cpus.total.usage).toBe(50);
    } finally {
      vitals.close();
    }
  });

  it('{ fresh: true } reads the instantaneous figures now; without a sampler they are read on every call', () => {
    const sources = countedSources();
    const vitals = createVitals({ intervalMs: 3_600_000, ...sources.options, disks: false });
    const unsampled = vitals.pressure();
    const filesPerRead = sources.reads.files;
    expect(vitals.pressure()).not.toBe(unsampled);
    expect(vitals.memory()).not.toBe(vitals.memory());
    vitals.start();
    try {
      const sampled = vitals.snapshot();
      const files = sources.reads.files;
      expect(vitals.pressure()).toBe(sampled.pressure);
      expect(sources.reads.files).toBe(files);
      const fresh = vitals.pressure({ fresh: true });
      expect(fresh).not.toBe(sampled.pressure);
      expect(fresh).toEqual(sampled.pressure);
      expect(sources.reads.files).toBeGreaterThan(files);
      expect(filesPerRead).toBeGreaterThan(0);
      expect(vitals.memory({ fresh: true })).not.toBe(sampled.memory);
      expect(vitals.host({ fresh: true })).not.toBe(sampled.host);
      const freshSnapshot = vitals.snapshot({ fresh: true });
      expect(freshSnapshot).not.toBe(sampled);
      expect(freshSnapshot.memory).not.toBe(sampled.memory);
      expect(freshSnapshot.cpus).toBe(sampled.cpus); // windowed: the latest window either way
      expect(vitals.snapshot()).toBe(sampled); // a fresh read does not replace the sample
    } finally {
      vitals.close();
    }
  });

  it('a restarted sampler does not serve the sample taken before stop()', () => {
    const vitals = createVitals({ intervalMs: 3_600_000, disks: false }).start();
    const before = vitals.snapshot();
    vitals.stop().start();
    expect(vitals.snapshot()).not.toBe(before);
    vitals.close();
  });
});

describe('views and options', () => {
  const vitals = createVitals({ disks: false });

  it('every view is mountable and returns plain JSON', () => {
    for (const name of VIEW_NAMES) {
      const value = vitals.view(name).readStatus();
      expect(JSON.parse(JSON.stringify(value))).toEqual(value);
    }
    expect(Object.keys(vitals.view('sysinfo').readStatus() as object)).toEqual(['cpus', 'mem', 'disks']);
    expect(Object.keys(vitals.view('webitelSystem').readStatus() as object)).toEqual([
      'totalMemory',
      'freeMemory',
      'platform',
      'name',
      'architecture',
    ]);
    expect(Object.keys(vitals.view('nodeMemory').readStatus() as object)).toEqual([
      'rss',
      'heapTotal',
      'heapUsed',
    ]);
    expect(vitals.view('webitelProcess').readStatus()).toMatchObject({ processId: process.pid });
  });

  it('rejects unknown views and bad options clearly', () => {
    expect(() => vitals.view('nope' as never)).toThrow(/unknown view "nope"/);
    expect(() => createVitals({ intervalMs: 0 })).toThrow(/intervalMs/);
    expect(() => createVitals({ minWindowMs: -1 })).toThrow(/minWindowMs/);
    expect(() => createVitals({ eventLoopResolutionMs: 0.5 })).toThrow(/eventLoopResolutionMs/);
  });
});
