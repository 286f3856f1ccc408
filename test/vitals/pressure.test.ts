/**
 * Pressure-stall information: the reader on fixture files (cgroup v2 layouts, PSI turned off, how
 * often each file is read), the check's levels on scripted figures, and the real /proc/pressure
 * files of this machine (bracketed by direct reads, and under CPU contention we create).
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/model/index.js';
import {
  createVitals,
  type PressureCheckOptions,
  type PressureReading,
  pressureCheck,
} from '../../src/vitals/index.js';
import { PressureReader } from '../../src/vitals/pressure.js';

const line = (kind: string, avg10: number, avg60: number, avg300: number, total: number) =>
  `${kind} avg10=${avg10.toFixed(2)} avg60=${avg60.toFixed(2)} avg300=${avg300.toFixed(2)} total=${total}\n`;
const psi = (some: number, full: number | null = null, total = 1000) =>
  line('some', some, some, some, total) + (full === null ? '' : line('full', full, full, full, total / 2));

/** Fixture files by path, editable between reads, counting every read. */
function fixture(map: Record<string, string>) {
  const reads = new Map<string, number>();
  return {
    map,
    reads,
    files: {
      read(path: string) {
        reads.set(path, (reads.get(path) ?? 0) + 1);
        return map[path];
      },
    },
  };
}

const SYSTEM = {
  '/proc/pressure/cpu': psi(12, 0),
  '/proc/pressure/memory': psi(3, 1),
  '/proc/pressure/io': psi(7, 4),
};
const IN_CGROUP = {
  ...SYSTEM,
  '/proc/self/cgroup': '0::/app.slice/api.service\n',
  '/sys/fs/cgroup/app.slice/api.service/cgroup.type': 'domain\n',
  '/sys/fs/cgroup/app.slice/api.service/cpu.pressure': psi(30, 25),
  '/sys/fs/cgroup/app.slice/api.service/memory.pressure': psi(9, 8),
  '/sys/fs/cgroup/app.slice/api.service/io.pressure': psi(2, 1),
};

describe('PressureReader on fixture files', () => {
  it('reads system-wide PSI; outside a non-root cgroup v2 there are no cgroup figures', () => {
    const { files } = fixture({ ...SYSTEM, '/proc/self/cgroup': '0::/\n' });
    const reading = new PressureReader(files).read();
    expect(reading.cpu).toEqual({
      some: { avg10: 12, avg60: 12, avg300: 12, totalMicros: 1000 },
      full: { avg10: 0, avg60: 0, avg300: 0, totalMicros: 500 },
    });
    expect(reading.memory?.full?.avg60).toBe(1);
    expect(reading.io?.some.avg300).toBe(7);
    expect(reading.cgroup).toBeNull();
  });

  it("adds the own cgroup's files, found from /proc/self/cgroup", () => {
    const { files } = fixture(IN_CGROUP);
    const reading = new PressureReader(files).read();
    expect(reading.cgroup?.path).toBe('/sys/fs/cgroup/app.slice/api.service');
    expect(reading.cgroup?.cpu?.full?.avg10).toBe(25);
    expect(reading.cgroup?.memory?.some.avg60).toBe(9);
    expect(reading.cpu?.some.avg60).toBe(12); // the system figures stay beside them
  });

  it('finds the cgroup on a hybrid hierarchy (v2 mounted at /sys/fs/cgroup/unified)', () => {
    const { files } = fixture({
      ...SYSTEM,
      '/proc/self/cgroup': '4:memory:/svc\n1:cpu:/svc\n0::/svc\n',
      '/sys/fs/cgroup/unified/svc/cgroup.type': 'domain\n',
      '/sys/fs/cgroup/unified/svc/memory.pressure': psi(40, 15),
    });
    const reading = new PressureReader(files).read();
    expect(reading.cgroup).toMatchObject({ path: '/sys/fs/cgroup/unified/svc', cpu: null, io: null });
    expect(reading.cgroup?.memory?.full?.avg60).toBe(15);
  });

  it('is all null where PSI is off (psi=0: reads fail) or garbled, and retries failed files only after 30 s', () => {
    const f = fixture({ '/proc/self/cgroup': '0::/\n', '/proc/pressure/io': 'garbage' });
    const reader = new PressureReader(f.files);
    const t0 = 1_000_000;
    expect(reader.read(t0)).toEqual({ cpu: null, memory: null, io: null, cgroup: null });
    reader.read(t0 + 1000);
    expect(f.reads.get('/proc/pressure/cpu')).toBe(1); // a failed file is not read again right away
    expect(f.reads.get('/proc/pressure/io')).toBe(2); // a readable one is, even if garbled
    f.map['/proc/pressure/cpu'] = psi(5, 0);
    expect(reader.read(t0 + 29_999).cpu).toBeNull();
    expect(reader.read(t0 + 30_000).cpu?.some.avg60).toBe(5);
  });

  it('reads each PSI file once per snapshot, and the cgroup lookup only on discovery', () => {
    const f = fixture(IN_CGROUP);
    const vitals = createVitals({ disks: false, pressureFiles: f.files });
    try {
      f.reads.clear(); // the constructor reads nothing, but be exact about what one snapshot does
      const snapshot = vitals.snapshot();
      expect(snapshot.pressure.cgroup?.io?.some.avg10).toBe(2);
      const pressureReads = [...f.reads].filter(([path]) => path.includes('pressure'));
      expect(pressureReads).toHaveLength(6);
      for (const [path, count] of pressureReads) expect(count, path).toBe(1);
      expect(f.reads.get('/proc/self/cgroup')).toBe(1);
      vitals.snapshot();
      expect(f.reads.get('/proc/self/cgroup')).toBe(1); // cached with the directory
      expect(f.reads.get('/proc/pressure/memory')).toBe(2);
      expect(vitals.view('pressure').readStatus()).toEqual(vitals.pressure());
    } finally {
      vitals.close();
    }
  });
});

describe('pressureCheck', () => {
  const ctx = { signal: new AbortController().signal };
  const setup = (map: Record<string, string>) => {
    const f = fixture(map);
    return { ...f, vitals: createVitals({ disks: false, pressureFiles: f.files }) };
  };
  const run = async (vitals: ReturnType<typeof createVitals>, options: PressureCheckOptions) =>
    (await pressureCheck(vitals, options)(ctx)) as CheckOutcome;

  it('defaults to memory full avg60: warning at or above 5 %, critical at or above 20 %', async () => {
    const { map, vitals } = setup({ ...SYSTEM, '/proc/self/cgroup': '0::/\n' });
    const levels: string[] = [];
    for (const full of [0, 4.99, 5, 19.99, 20, 100]) {
      map['/proc/pressure/memory'] = psi(full, full);
      levels.push((await run(vitals, { resource: 'memory' })).level);
    }
    expect(levels).toEqual(['ok', 'ok', 'warning', 'warning', 'critical', 'critical']);
    const outcome = await run(vitals, { resource: 'memory' });
    expect(outcome).toMatchObject({
      observedValue: 100,
      observedUnit: '%',
      message: 'memory full pressure 100% (avg60, system)',
      fields: { resource: 'memory', kind: 'full', window: 'avg60', scope: 'system', avg60: 100 },
    });
    vitals.close();
  });

  it('defaults to cpu some with 40 / 80, and judges the chosen window', async () => {
    const { map, vitals } = setup({ ...SYSTEM, '/proc/self/cgroup': '0::/\n' });
    map['/proc/pressure/cpu'] = `${line('some', 90, 50, 10, 1)}${line('full', 0, 0, 0, 0)}`;
    expect((await run(vitals, { resource: 'cpu' })).level).toBe('warning');
    expect((await run(vitals, { resource: 'cpu', window: 'avg10' })).level).toBe('critical');
    expect((await run(vitals, { resource: 'cpu', window: 'avg300' })).level).toBe('ok');
    expect((await run(vitals, { resource: 'cpu', window: 'avg300', warn: 5, crit: 50 })).level).toBe(
      'warning',
    );
    expect((await run(vitals, { resource: 'io', kind: 'some', warn: 6 })).observedValue).toBe(7);
    vitals.close();
  });

  it("prefers the process's cgroup in scope auto, and follows an explicit scope", async () => {
    const { vitals } = setup(IN_CGROUP);
    const auto = await run(vitals, { resource: 'memory' });
    expect(auto).toMatchObject({
      level: 'warning',
      observedValue: 8,
      fields: { scope: 'cgroup', cgroup: '/sys/fs/cgroup/app.slice/api.service' },
    });
    expect(auto.message).toBe('memory full pressure 8% (avg60, cgroup /sys/fs/cgroup/app.slice/api.service)');
    expect(await run(vitals, { resource: 'memory', scope: 'system' })).toMatchObject({
      level: 'ok',
      observedValue: 1,
    });
    // cpu full is meaningful for a cgroup (throttled or starved by its siblings).
    expect((await run(vitals, { resource: 'cpu', kind: 'full' })).level).toBe('critical');
    vitals.close();
  });

  it('is unknown, with the reason, where the figures do not exist', async () => {
    const none = setup({ '/proc/self/cgroup': '0::/\n' });
    const off = await run(none.vitals, { resource: 'io' });
    expect(off.level).toBe('unknown');
    expect(off.message).toMatch(/^io full pressure: \/proc\/pressure\/io is not readable \(.*psi=0\)/);
    expect(off.observedValue).toBeUndefined();
    none.vitals.close();

    const oldKernel = setup({ '/proc/self/cgroup': '0::/\n', '/proc/pressure/cpu': psi(10) });
    expect(await run(oldKernel.vitals, { resource: 'cpu' })).toMatchObject({
      level: 'ok',
      observedValue: 10,
    });
    const cgroupOnly = await run(oldKernel.vitals, { resource: 'cpu', scope: 'cgroup' });
    expect(cgroupOnly).toMatchObject({
      level: 'unknown',
      message: expect.stringMatching(/not in a cgroup v2/),
    });
    const systemFull = await run(oldKernel.vitals, { resource: 'cpu', kind: 'full' });
    expect(systemFull).toMatchObject({
      level: 'unknown',
      message: expect.stringMatching(/undefined system-wide/),
    });
    oldKernel.vitals.close();

    const noFull = setup({ ...IN_CGROUP, '/sys/fs/cgroup/app.slice/api.service/cpu.pressure': psi(10) });
    const missingLine = await run(noFull.vitals, { resource: 'cpu', kind: 'full', scope: 'cgroup' });
    expect(missingLine).toMatchObject({ level: 'unknown', message: expect.stringMatching(/no "full" line/) });
    noFull.vitals.close();
  });

  it('rejects bad options with an error naming the option', () => {
    const vitals = createVitals({ disks: false });
    const bad = (options: unknown) => () => pressureCheck(vitals, options as PressureCheckOptions);
    expect(bad(undefined)).toThrow(/^resource: expected one of cpu, memory, io, got undefined$/);
    expect(bad({ resource: 'disk' })).toThrow(/^resource: expected one of cpu, memory, io, got "disk"$/);
    expect(bad({ resource: 'io', kind: 'all' })).toThrow(/^kind: expected one of some, full, got "all"$/);
    expect(bad({ resource: 'io', window: 60 })).toThrow(
      /^window: expected one of avg10, avg60, avg300, got 60$/,
    );
    expect(bad({ resource: 'io', scope: 'host' })).toThrow(/^scope: expected one of auto, system, cgroup/);
    expect(bad({ resource: 'io', warn: 101 })).toThrow(/^warn: expected a percentage between 0 and 100/);
    expect(bad({ resource: 'io', warn: 30 })).toThrow(
      /^warn: expected a value <= crit \(20, its default\), got 30$/,
    );
    expect(bad({ resource: 'io', warn: 30, crit: 25 })).toThrow(
      /^crit: expected a value >= warn \(30\), got 25$/,
    );
    expect(bad({ resource: 'cpu', kind: 'full', scope: 'system' })).toThrow(/undefined system-wide/);
    vitals.close();
  });
});

const PSI = process.platform === 'linux' && existsSync('/proc/pressure/cpu');

/** An independent read of a PSI file: `{ some: {avg10, ..., total}, full: ... }` by regular expression. */
function direct(path: string): Record<string, Record<string, number>> {
  const result: Record<string, Record<string, number>> = {};
  for (const match of readFileSync(path, 'utf8').matchAll(/^(some|full) (.*)$/gm)) {
    result[match[1]] = Object.fromEntries(
      [...match[2].matchAll(/(\w+)=([\d.]+)/g)].map((m) => [m[1], Number(m[2])]),
    );
  }
  return result;
}

/** `before <= value <= after` for totals; averages between the two reads (they change every 2 s). */
function expectBracketed(
  value: PressureReading['cpu'],
  before: ReturnType<typeof direct>,
  after: ReturnType<typeof direct>,
) {
  expect(value).not.toBeNull();
  for (const kind of ['some', 'full'] as const) {
    const figures = value![kind];
    if (!before[kind]) {
      expect(figures).toBeNull();
      continue;
    }
    expect(figures!.totalMicros).toBeGreaterThanOrEqual(before[kind].total);
    expect(figures!.totalMicros).toBeLessThanOrEqual(after[kind].total);
    for (const window of ['avg10', 'avg60', 'avg300'] as const) {
      expect(figures![window]).toBeGreaterThanOrEqual(Math.min(before[kind][window], after[kind][window]));
      expect(figures![window]).toBeLessThanOrEqual(Math.max(before[kind][window], after[kind][window]));
    }
  }
}

describe.runIf(PSI)('real /proc/pressure', () => {
  it('the snapshot agrees with direct reads taken right before and after it', () => {
    const vitals = createVitals({ disks: false, minWindowMs: 0 });
    try {
      const resources = ['cpu', 'memory', 'io'] as const;
      const before = resources.map((r) => direct(`/proc/pressure/${r}`));
      const cgroupBefore = vitals.pressure().cgroup;
      const { pressure } = vitals.snapshot();
      const after = resources.map((r) => direct(`/proc/pressure/${r}`));
      resources.forEach((r, i) => {
        expectBracketed(pressure[r], before[i], after[i]);
      });
      // Only where this process runs in a non-root cgroup v2 (not on a cgroup v1 host).
      if (cgroupBefore && pressure.cgroup) {
        for (const r of resources) {
          const file = `${pressure.cgroup.path}/${r}.pressure`;
          expect(pressure.cgroup[r]!.some.totalMicros).toBeGreaterThanOrEqual(
            cgroupBefore[r]!.some.totalMicros,
          );
          expect(pressure.cgroup[r]!.some.totalMicros).toBeLessThanOrEqual(direct(file).some.total);
        }
      }
    } finally {
      vitals.close();
    }
  });

  /**
   * Twice as many spinning threads as cores: each core has a runnable task waiting nearly all the
   * time, so CPU `some` stall time grows by about the wall time. The assertion is on the kernel's
   * cumulative total (a quarter of the wall time, whatever else runs: other load only adds stall),
   * not on avg10, which the kernel updates every 2 s and moves too slowly for a reliable bound.
   */
  it('CPU stall time grows under contention we create', async () => {
    const vitals = createVitals({ disks: false });
    const cores = os.availableParallelism();
    const threads = Math.min(2 * cores, 32);
    const workers = Array.from(
      { length: threads },
      () => new Worker('const end = Date.now() + 30000; while (Date.now() < end) {}', { eval: true }),
    );
    try {
      await Promise.all(workers.map((w) => new Promise((resolve) => w.once('online', resolve))));
      const readings = [vitals.pressure()];
      const start = performance.now();
      for (let i = 0; i < 6; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        readings.push(vitals.pressure());
      }
      const wallMicros = (performance.now() - start) * 1000;
      const totals = readings.map((r) => r.cpu!.some.totalMicros);
      for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeGreaterThanOrEqual(totals[i - 1]);
      const share = Math.min(1, (threads - cores) / cores);
      expect(totals.at(-1)! - totals[0]).toBeGreaterThan(0.25 * share * wallMicros);
      for (const r of readings) expect(r.cpu!.some.avg10).toBeLessThanOrEqual(100);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
      vitals.close();
    }
  });
});
