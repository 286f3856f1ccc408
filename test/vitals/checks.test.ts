import { describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/model/index.js';
import type { StatfsFigures } from '../../src/vitals/disks.js';
import {
  cpuCheck,
  createVitals,
  diskSpaceCheck,
  eventLoopCheck,
  memoryCheck,
} from '../../src/vitals/index.js';
import type { CpuTimes } from '../../src/vitals/proc-parse.js';
import type { EventLoopDelayHistogram } from '../../src/vitals/process.js';

const ctx = () => ({ signal: new AbortController().signal });
const run = async (check: (c: { signal: AbortSignal }) => unknown) => (await check(ctx())) as CheckOutcome;

/** A fake CPU whose next window has the given busy percentage. */
function scriptedCpu() {
  const times: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
  return {
    source: () => [{ ...times }],
    next(busyPercent: number) {
      times.user += busyPercent;
      times.idle += 100 - busyPercent;
    },
  };
}

describe('diskSpaceCheck', () => {
  const mounts = `/dev/a /data ext4 rw 0 0\n/dev/b /logs ext4 rw 0 0\nnfs:/x /mnt/nfs nfs rw 0 0\n`;
  const figures: Record<string, StatfsFigures> = {
    '/data': { bsize: 1, blocks: 1000, bfree: 80, bavail: 80 }, // 8 % free
    '/logs': { bsize: 1, blocks: 1000, bfree: 500, bavail: 500 },
  };
  const vitals = (extra: Record<string, StatfsFigures> = {}) =>
    createVitals({
      disks: {
        readMounts: () => mounts,
        timeoutMs: 30,
        statfs: (p) =>
          (figures[p] ?? extra[p]) ? Promise.resolve(figures[p] ?? extra[p]) : new Promise(() => {}),
      },
    });

  it('warns below the free percentage, with the lowest mount as the observed value', async () => {
    const v = vitals();
    const outcome = await run(diskSpaceCheck(v, { mounts: ['/data', '/logs'] }));
    expect(outcome).toMatchObject({ level: 'warning', observedValue: 8, observedUnit: '%' });
    expect(outcome.message).toMatch(/^\/data 8% free/);
    v.close();
  });

  it('goes critical below the critical percentage or bytes', async () => {
    const v = vitals();
    expect((await run(diskSpaceCheck(v, { mounts: ['/data'], critFreePercent: 9 }))).level).toBe('critical');
    expect((await run(diskSpaceCheck(v, { mounts: ['/logs'], critFreeBytes: 600 }))).level).toBe('critical');
    expect((await run(diskSpaceCheck(v, { mounts: ['/logs'] }))).level).toBe('ok');
    v.close();
  });

  it('reports a hung mount at the stale level and an absent one as unknown', async () => {
    const v = vitals();
    await v.refreshDisks();
    const hung = await run(diskSpaceCheck(v, { mounts: ['/mnt/nfs', '/logs'], staleLevel: 'critical' }));
    expect(hung.level).toBe('critical');
    expect(hung.message).toMatch(/\/mnt\/nfs: statfs timeout/);
    const absent = await run(diskSpaceCheck(v, { mounts: ['/logs', '/nowhere'] }));
    expect(absent.level).toBe('unknown');
    expect(absent.message).toMatch(/\/nowhere: not mounted/);
    v.close();
  });

  it('rejects thresholds in the wrong order', () => {
    const v = createVitals({ disks: false });
    expect(() => diskSpaceCheck(v, { warnFreePercent: 5, critFreePercent: 10 })).toThrow(/critFreePercent/);
    expect(() => diskSpaceCheck(v, { warnFreePercent: 120 })).toThrow(/between 0 and 100/);
    v.close();
  });
});

describe('memoryCheck', () => {
  it('compares real memory use with the thresholds', async () => {
    const v = createVitals({ disks: false });
    const used = v.memory().usedPercent;
    const ok = await run(memoryCheck(v, { warnPercent: 100, critPercent: 100 }));
    expect(ok.level).toBe('ok');
    expect(ok.observedUnit).toBe('%');
    expect(Math.abs((ok.observedValue as number) - used)).toBeLessThan(1);
    const crit = await run(memoryCheck(v, { warnPercent: 0, critPercent: used / 2 }));
    expect(crit.level).toBe('critical');
    expect(crit.fields).toMatchObject({ total: v.memory().total });
    v.close();
  });
});

describe('eventLoopCheck', () => {
  /** A delay histogram fed by the test: each `record` adds delays (ms, the timer's resolution on top). */
  function scriptedDelays(resolutionMs: number) {
    let delays: number[] = [];
    const ns = (ms: number) => ms * 1e6;
    const histogram: EventLoopDelayHistogram = {
      get count() {
        return delays.length;
      },
      get max() {
        return ns(Math.max(...delays));
      },
      get mean() {
        return ns(delays.reduce((a, b) => a + b, 0) / delays.length);
      },
      percentile(p: number) {
        const sorted = [...delays].sort((a, b) => a - b);
        return ns(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
      },
      reset() {
        delays = [];
      },
      enable: () => true,
      disable: () => true,
    };
    return { histogram, record: (...ms: number[]) => delays.push(...ms.map((d) => d + resolutionMs)) };
  }

  it('warns when the loop was blocked in the window, and calms down in the next one', async () => {
    // Scripted delays instead of blocking the loop: the verdict must not depend on the machine's load.
    const delays = scriptedDelays(10);
    const v = createVitals({
      disks: false,
      minWindowMs: 0,
      eventLoopResolutionMs: 10,
      eventLoopDelay: delays.histogram,
    });
    const check = eventLoopCheck(v, { warnP99Ms: 150, critP99Ms: 5000 });
    v.sample();
    delays.record(0.2, 0.4, 300);
    const blocked = await run(check);
    expect(blocked.level).toBe('warning');
    expect(blocked.observedUnit).toBe('ms');
    expect(blocked.observedValue).toBe(300); // the resolution is taken off
    expect(blocked.fields).toMatchObject({ p99: 300, max: 300 });
    delays.record(0.3, 0.5);
    expect((await run(check)).level).toBe('ok'); // the histogram was reset with the window
    delays.record(6000);
    expect((await run(check)).level).toBe('critical');
    v.close();
  });
});

describe('cpuCheck', () => {
  it('changes level only once usage is sustained for the configured time', async () => {
    const cpu = scriptedCpu();
    // Windows are closed explicitly with synthetic end times; reads never re-sample on their own.
    const v = createVitals({ disks: false, minWindowMs: 1e12, cpuTimes: cpu.source });
    const check = cpuCheck(v, { warnPercent: 80, critPercent: 95, sustainedMs: 15_000 });
    const t0 = Date.now();
    const window = (busyPercent: number, end: number) => {
      cpu.next(busyPercent);
      v.sample(t0 + end);
    };
    window(99, 10_000);
    expect(await run(check)).toMatchObject({ level: 'ok', observedValue: 99, observedUnit: '%' });
    window(99, 20_000);
    expect(await run(check)).toMatchObject({
      level: 'critical',
      fields: { aboveCritMs: expect.any(Number) },
    });
    window(85, 30_000);
    const warn = await run(check);
    expect(warn.level).toBe('warning'); // >= 80 for 30 s, >= 95 no more
    expect(warn.fields).toMatchObject({ aboveCritMs: 0 });
    window(10, 40_000);
    expect((await run(check)).level).toBe('ok');
    v.close();
  });

  it('with sustainedMs 0 judges the latest window alone', async () => {
    const cpu = scriptedCpu();
    const v = createVitals({ disks: false, minWindowMs: 0, cpuTimes: cpu.source });
    cpu.next(90);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await run(cpuCheck(v, { sustainedMs: 0, warnPercent: 85 }))).level).toBe('warning');
    // Reaching the threshold counts (issue 16: one rule for every check).
    expect((await run(cpuCheck(v, { sustainedMs: 0, warnPercent: 90, critPercent: 95 }))).level).toBe(
      'warning',
    );
    v.close();
  });
});

describe('one threshold rule: reaching a threshold counts (issue 16)', () => {
  const exact = () =>
    createVitals({
      disks: {
        readMounts: () => '/dev/a /data ext4 rw 0 0\n',
        statfs: () => Promise.resolve({ bsize: 1, blocks: 1000, bfree: 80, bavail: 80 }), // 8 % free, 80 B
      },
    });

  it('disk: free space at the threshold warns or is critical, like the bytes', async () => {
    const v = exact();
    expect((await run(diskSpaceCheck(v, { warnFreePercent: 8, critFreePercent: 7 }))).level).toBe('warning');
    expect((await run(diskSpaceCheck(v, { warnFreePercent: 9, critFreePercent: 8 }))).level).toBe('critical');
    expect((await run(diskSpaceCheck(v, { warnFreePercent: 7.9, critFreePercent: 7 }))).level).toBe('ok');
    expect((await run(diskSpaceCheck(v, { critFreePercent: 1, critFreeBytes: 80 }))).level).toBe('critical');
    expect((await run(diskSpaceCheck(v, { critFreePercent: 1, warnFreeBytes: 80 }))).level).toBe('warning');
    v.close();
  });

  it('refuses pairs out of order, naming the option written and the one it must not pass', () => {
    const v = createVitals({ disks: false });
    expect(() => memoryCheck(v, { warnPercent: 95, critPercent: 90 })).toThrow(
      /^critPercent: expected a value >= warnPercent \(95\), got 90$/,
    );
    expect(() => memoryCheck(v, { warnPercent: 97 })).toThrow(
      /^warnPercent: expected a value <= critPercent \(95, its default\), got 97$/,
    );
    expect(() => cpuCheck(v, { critPercent: 50 })).toThrow(
      /^critPercent: expected a value >= warnPercent \(90, its default\), got 50$/,
    );
    expect(() => eventLoopCheck(v, { warnP99Ms: 2000 })).toThrow(
      /^warnP99Ms: expected a value <= critP99Ms \(1000, its default\), got 2000$/,
    );
    expect(() => diskSpaceCheck(v, { critFreePercent: 20 })).toThrow(
      /^critFreePercent: expected a value <= warnFreePercent \(10, its default\), got 20$/,
    );
    expect(() => diskSpaceCheck(v, { warnFreeBytes: 10, critFreeBytes: 20 })).toThrow(
      /^critFreeBytes: expected a value <= warnFreeBytes \(10\), got 20$/,
    );
    // Equal thresholds are in order: the level goes from ok straight to critical.
    expect(() => memoryCheck(v, { warnPercent: 90, critPercent: 90 })).not.toThrow();
    v.close();
  });
});
