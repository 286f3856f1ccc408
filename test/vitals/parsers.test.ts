import { describe, expect, it } from 'vitest';
import { findOwnCgroupV2Dir, parseCgroupMembership, readCgroupLimits } from '../../src/vitals/cgroup.js';
import { diskFigures } from '../../src/vitals/disks.js';
import {
  coreUsage,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parsePressure,
  parseProcStat,
  selectMounts,
  sustainedAboveMs,
} from '../../src/vitals/index.js';
import { memoryFromMeminfo } from '../../src/vitals/memory.js';
import { interfaceRates } from '../../src/vitals/network.js';
import { derived } from '../../src/vitals/precision.js';

const PROC_STAT = `cpu  200 0 100 1000 10 0 0 0 0 0
cpu0 100 0 50 500 5 0 0 0 0 0
cpu1 100 0 50 500 5 0 0 0 0 0
intr 12345
ctxt 999
`;

describe('parseProcStat', () => {
  it('reads per-core lines and skips the aggregate', () => {
    const cores = parseProcStat(PROC_STAT);
    expect(cores).toHaveLength(2);
    expect(cores[1]).toEqual({
      user: 100,
      nice: 0,
      system: 50,
      idle: 500,
      iowait: 5,
      irq: 0,
      softirq: 0,
      steal: 0,
    });
  });
});

describe('coreUsage', () => {
  it('computes usage from deltas, not from the cumulative figures', () => {
    const prev = { user: 1000, nice: 0, system: 0, idle: 9000, iowait: 0, irq: 0, softirq: 0, steal: 0 };
    const next = { ...prev, user: 1075, idle: 9025 }; // 75 busy, 25 idle ticks in the window
    expect(coreUsage(prev, next).usage).toBe(75);
    expect(coreUsage(prev, next).user).toBe(75);
  });

  it('counts iowait as not busy and reports steal', () => {
    const prev = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
    const next = { ...prev, user: 20, idle: 50, iowait: 20, steal: 10 };
    const usage = coreUsage(prev, next);
    expect(usage.usage).toBe(30);
    expect(usage.iowait).toBe(20);
    expect(usage.steal).toBe(10);
  });

  it('gives 0 for an empty window', () => {
    const t = { user: 5, nice: 0, system: 0, idle: 5, iowait: 0, irq: 0, softirq: 0, steal: 0 };
    expect(coreUsage(t, t).usage).toBe(0);
  });
});

describe('sustainedAboveMs', () => {
  const w = (start: number, end: number, usage: number) => ({ start, end, usage });
  it('adds up the newest contiguous windows at or above the threshold', () => {
    expect(
      sustainedAboveMs([w(0, 1000, 95), w(1000, 2000, 50), w(2000, 3000, 95), w(3000, 4000, 96)], 90),
    ).toBe(2000);
  });
  it('stops at a gap in the history', () => {
    expect(sustainedAboveMs([w(0, 1000, 95), w(5000, 6000, 95)], 90)).toBe(1000);
  });
  it('is 0 when the newest window is below', () => {
    expect(sustainedAboveMs([w(0, 1000, 95), w(1000, 2000, 10)], 90)).toBe(0);
  });
});

describe('parseMeminfo / memoryFromMeminfo', () => {
  const text = `MemTotal:       16000000 kB
MemFree:         2000000 kB
MemAvailable:    6000000 kB
Buffers:          100000 kB
Cached:          3000000 kB
SReclaimable:     200000 kB
SwapTotal:       4000000 kB
SwapFree:        3000000 kB
HugePages_Total:       0
`;
  it('applies the kB unit and leaves unitless fields alone', () => {
    const fields = parseMeminfo(text);
    expect(fields.get('MemTotal')).toBe(16000000 * 1024);
    expect(fields.get('HugePages_Total')).toBe(0);
  });
  it('derives used from available and swap used from swap free', () => {
    const m = memoryFromMeminfo(parseMeminfo(text));
    expect(m.used).toBe((16000000 - 6000000) * 1024);
    expect(m.swapUsed).toBe(1000000 * 1024);
    expect(m.cached).toBe(3200000 * 1024);
    expect(m.usedPercent).toBeCloseTo(62.5, 6);
  });
  it('estimates available on kernels without MemAvailable', () => {
    const m = memoryFromMeminfo(parseMeminfo(text.replace(/MemAvailable.*\n/, '')));
    expect(m.available).toBe((2000000 + 100000 + 3200000) * 1024);
  });
});

describe('parseNetDev / interfaceRates', () => {
  const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:   46152     645    0    0    0     0          0         0    46152     645    0    0    0     0       0          0
  eth0: 417195966   10498    3    1    0     0          0         0   807880    6683    2    4    0     0       0          0
`;
  it('reads rx and tx counters per interface', () => {
    const [lo, eth0] = parseNetDev(text);
    expect(lo.name).toBe('lo');
    expect(eth0).toMatchObject({
      rxBytes: 417195966,
      rxPackets: 10498,
      rxErrors: 3,
      rxDropped: 1,
      txBytes: 807880,
    });
    expect(eth0).toMatchObject({ txPackets: 6683, txErrors: 2, txDropped: 4 });
  });
  it('computes per-second rates and never a negative one after a counter reset', () => {
    const [, eth0] = parseNetDev(text);
    const later = { ...eth0, rxBytes: eth0.rxBytes + 5000, txBytes: 0 };
    const rates = interfaceRates(eth0, later, 2000);
    expect(rates.rxBytesPerSec).toBe(2500);
    expect(rates.txBytesPerSec).toBe(0);
    expect(interfaceRates(undefined, later, 2000).rxBytesPerSec).toBe(0);
  });
});

describe('parseMounts / selectMounts', () => {
  const text = `proc /proc proc rw 0 0
/dev/vda / ext4 rw 0 0
tmpfs /dev/shm tmpfs rw 0 0
overlay /var/lib/docker/overlay2/x/merged overlay rw 0 0
/dev/vda /etc/hosts ext4 rw 0 0
/dev/vdb /mnt/my\\040data xfs rw 0 0
server:/export /mnt/nfs nfs4 rw 0 0
cgroup2 /sys/fs/cgroup cgroup2 rw 0 0
`;
  it('unescapes octal sequences in paths', () => {
    expect(parseMounts(text).map((m) => m.mount)).toContain('/mnt/my data');
  });
  it('keeps real filesystems once per device, at the shortest mount point', () => {
    expect(selectMounts(parseMounts(text)).map((m) => m.mount)).toEqual(['/', '/mnt/my data', '/mnt/nfs']);
  });
  it('honours includeTypes, excludeTypes and excludeMounts', () => {
    const selected = selectMounts(parseMounts(text), {
      includeTypes: ['tmpfs'],
      excludeTypes: ['nfs4'],
      excludeMounts: [/^\/mnt\/my/],
    });
    expect(selected.map((m) => m.mount)).toEqual(['/', '/dev/shm']);
  });
});

describe('diskFigures', () => {
  it('computes bytes and df-style Use%', () => {
    const f = diskFigures({ bsize: 4096, blocks: 1000, bfree: 300, bavail: 200 });
    expect(f).toEqual({
      total: 4096000,
      free: 1228800,
      available: 819200,
      used: 2867200,
      // 77.777…, written to two decimals like every derived percentage.
      usedPercent: 77.78,
    });
  });

  it('writes derived figures to two decimals, counters exact', () => {
    expect(derived(56.00000000000001)).toBe(56);
    expect(derived(0.1 + 0.2)).toBe(0.3);
    expect(derived(12.345)).toBe(12.35);
    expect(
      coreUsage(
        { user: 3, nice: 0, system: 0, idle: 6, iowait: 0, irq: 0, softirq: 0, steal: 0 },
        { user: 6, nice: 0, system: 0, idle: 12, iowait: 0, irq: 0, softirq: 0, steal: 0 },
      ).usage,
    ).toBe(33.33);
  });
});

describe('cgroup limits', () => {
  const files = (map: Record<string, string>) => ({ read: (p: string) => map[p] });
  it('reads v2 limits from the own cgroup directory', () => {
    const limits = readCgroupLimits(
      files({
        '/proc/self/cgroup': '0::/app.slice\n',
        '/sys/fs/cgroup/app.slice/memory.max': '536870912\n',
        '/sys/fs/cgroup/app.slice/memory.current': '1000\n',
        '/sys/fs/cgroup/app.slice/cpu.max': '150000 100000\n',
      }),
    );
    expect(limits).toEqual({ version: 2, memoryLimit: 536870912, memoryUsage: 1000, cpuQuota: 1.5 });
  });
  it('treats v2 "max" as unlimited', () => {
    const limits = readCgroupLimits(
      files({
        '/proc/self/cgroup': '0::/\n',
        '/sys/fs/cgroup/memory.max': 'max\n',
        '/sys/fs/cgroup/cpu.max': 'max 100000',
      }),
    );
    expect(limits).toEqual({ version: 2, memoryLimit: null, memoryUsage: null, cpuQuota: null });
  });
  it('falls back to v1 and to the hierarchy root', () => {
    const limits = readCgroupLimits(
      files({
        '/proc/self/cgroup': '4:memory:/docker/abc\n1:cpu,cpuacct:/docker/abc\n',
        '/sys/fs/cgroup/memory/memory.limit_in_bytes': '268435456',
        '/sys/fs/cgroup/memory/memory.usage_in_bytes': '1234',
        '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '50000',
        '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000',
      }),
    );
    expect(limits).toEqual({ version: 1, memoryLimit: 268435456, memoryUsage: 1234, cpuQuota: 0.5 });
  });
  it('reports v1 "no limit" values as null', () => {
    const limits = readCgroupLimits(
      files({
        '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712',
        '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1',
        '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000',
      }),
    );
    expect(limits).toMatchObject({ version: 1, memoryLimit: null, cpuQuota: null });
  });
  it('is null without cgroup files', () => {
    expect(readCgroupLimits(files({}))).toBeNull();
  });
  it('parses membership lines', () => {
    expect(parseCgroupMembership('1:cpu,cpuacct:/a\n0::/b\n')).toEqual(
      new Map([
        ['cpu', '/a'],
        ['cpuacct', '/a'],
        ['', '/b'],
      ]),
    );
  });
});

describe('parsePressure', () => {
  const CPU =
    'some avg10=2.78 avg60=15.37 avg300=28.84 total=416648499\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n';
  const MEMORY =
    'some avg10=0.02 avg60=0.20 avg300=0.20 total=8023932\nfull avg10=0.01 avg60=0.09 avg300=0.05 total=5560275\n';

  it('reads the some and full lines (Linux 5.13+ layout)', () => {
    expect(parsePressure(CPU)).toEqual({
      some: { avg10: 2.78, avg60: 15.37, avg300: 28.84, totalMicros: 416648499 },
      full: { avg10: 0, avg60: 0, avg300: 0, totalMicros: 0 },
    });
    expect(parsePressure(MEMORY)?.full).toEqual({
      avg10: 0.01,
      avg60: 0.09,
      avg300: 0.05,
      totalMicros: 5560275,
    });
  });

  it('has full null where the kernel writes only some (cpu before 5.13)', () => {
    expect(parsePressure('some avg10=100.00 avg60=50.5 avg300=0.00 total=12\n')).toEqual({
      some: { avg10: 100, avg60: 50.5, avg300: 0, totalMicros: 12 },
      full: null,
    });
  });

  it('tolerates key order, unknown keys, extra spaces, CRLF and a missing final newline', () => {
    const text =
      'some  total=7 avg300=3.00 future=1 avg60=2.00 avg10=1.00\r\nfull avg10=0.50 avg60=0.40 avg300=0.30 total=5';
    expect(parsePressure(text)).toEqual({
      some: { avg10: 1, avg60: 2, avg300: 3, totalMicros: 7 },
      full: { avg10: 0.5, avg60: 0.4, avg300: 0.3, totalMicros: 5 },
    });
  });

  it('returns null for garbage and for a missing or malformed some line', () => {
    for (const text of [
      '',
      '\n',
      'hello world',
      'some',
      'some avg10=0.00 avg60=0.00 avg300=0.00', // no total
      'some avg10=abc avg60=0.00 avg300=0.00 total=0',
      'some avg10= avg60=0.00 avg300=0.00 total=0', // empty value: Number('') would be 0
      'some avg10=-1.00 avg60=0.00 avg300=0.00 total=0',
      'some avg10=100.01 avg60=0.00 avg300=0.00 total=0', // above 100 % of wall time
      'some avg10=1e2 avg60=0.00 avg300=0.00 total=0',
      'some avg10=0.00 avg60=0.00 avg300=0.00 total=1.5',
      'some avg10=0.00 avg60=0.00 avg300=0.00 total=-3',
      'full avg10=0.00 avg60=0.00 avg300=0.00 total=0', // full alone
      'SOME avg10=0.00 avg60=0.00 avg300=0.00 total=0',
      '\u0000\u00ff\ufffd=',
    ]) {
      expect(parsePressure(text), JSON.stringify(text)).toBeNull();
    }
    expect(parsePressure(undefined as never)).toBeNull();
    expect(parsePressure(42 as never)).toBeNull();
  });

  it('keeps a valid some line when the full line is malformed; the first of repeated lines wins', () => {
    expect(parsePressure('some avg10=1.00 avg60=1.00 avg300=1.00 total=1\nfull avg10=x')).toEqual({
      some: { avg10: 1, avg60: 1, avg300: 1, totalMicros: 1 },
      full: null,
    });
    const twice =
      'some avg10=1.00 avg60=1.00 avg300=1.00 total=1\nsome avg10=9.00 avg60=9.00 avg300=9.00 total=9';
    expect(parsePressure(twice)?.some.totalMicros).toBe(1);
  });

  it('never throws on a truncated or corrupted file, and returns only well-formed figures', () => {
    const wellFormed = (r: ReturnType<typeof parsePressure>) =>
      r === null ||
      [r.some, ...(r.full ? [r.full] : [])].every(
        (f) =>
          [f.avg10, f.avg60, f.avg300].every((v) => v >= 0 && v <= 100) &&
          Number.isInteger(f.totalMicros) &&
          f.totalMicros >= 0,
      );
    for (let i = 0; i <= MEMORY.length; i++) {
      expect(wellFormed(parsePressure(MEMORY.slice(0, i))), `prefix ${i}`).toBe(true);
      for (const junk of ['=', ' ', '\n', 'x', '.', '\u0000']) {
        const corrupted = MEMORY.slice(0, i) + junk + MEMORY.slice(i + 1);
        expect(wellFormed(parsePressure(corrupted)), JSON.stringify(corrupted)).toBe(true);
      }
    }
    expect(parsePressure(MEMORY.slice(0, 20))).toBeNull(); // cut inside the some line
  });
});

describe('findOwnCgroupV2Dir', () => {
  const files = (map: Record<string, string>) => ({ read: (p: string) => map[p] });
  it('finds the own non-root cgroup v2, on unified and hybrid hierarchies', () => {
    expect(
      findOwnCgroupV2Dir(
        files({
          '/proc/self/cgroup': '0::/app.slice/api.service\n',
          '/sys/fs/cgroup/app.slice/api.service/cgroup.type': 'domain\n',
        }),
      ),
    ).toBe('/sys/fs/cgroup/app.slice/api.service');
    expect(
      findOwnCgroupV2Dir(
        files({
          '/proc/self/cgroup': '4:memory:/x\n0::/svc\n',
          '/sys/fs/cgroup/unified/svc/cgroup.type': 'domain\n',
        }),
      ),
    ).toBe('/sys/fs/cgroup/unified/svc');
  });
  it("uses the hierarchy root when it is a container's own (non-root) cgroup", () => {
    const map = { '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cgroup.type': 'domain\n' };
    expect(findOwnCgroupV2Dir(files(map))).toBe('/sys/fs/cgroup');
  });
  it('is null in the real root cgroup, without a v2 line, and without files', () => {
    expect(
      findOwnCgroupV2Dir(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.pressure': 'x' })),
    ).toBeNull();
    expect(
      findOwnCgroupV2Dir(
        files({ '/proc/self/cgroup': '4:memory:/x\n', '/sys/fs/cgroup/cgroup.type': 'domain' }),
      ),
    ).toBeNull();
    expect(findOwnCgroupV2Dir(files({}))).toBeNull();
  });
});
