/**
 * Readings checked against independent sources run by the test itself: `free -b`, `df -B1`, and
 * `/proc` files read separately. Linux only (the fallbacks are exercised by the unit tests).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { createVitals, nodeMemory } from '../../src/vitals/index.js';

const linux = process.platform === 'linux';
const vitals = createVitals({ minWindowMs: 0 });
afterAll(() => vitals.close());

function freeBytes(): { mem: number[]; swap: number[] } {
  const lines = execFileSync('free', ['-b'], { encoding: 'utf8' }).split('\n');
  const row = (prefix: string) =>
    lines
      .find((l) => l.startsWith(prefix))!
      .split(/\s+/)
      .slice(1)
      .map(Number);
  return { mem: row('Mem:'), swap: row('Swap:') };
}

describe.runIf(linux)('memory vs free -b', () => {
  it('matches total, swap and (within drift) used / free / available', () => {
    const before = freeBytes();
    const m = vitals.memory();
    const after = freeBytes();
    const [total, , , , , ,] = before.mem;
    expect(m.total).toBe(total);
    expect(m.swapTotal).toBe(before.swap[0]);
    // Memory moves between the two reads; allow 1 % of total, bracketed by two `free` runs.
    const tolerance = total * 0.01;
    const near = (value: number, column: number) => {
      const lo = Math.min(before.mem[column], after.mem[column]) - tolerance;
      const hi = Math.max(before.mem[column], after.mem[column]) + tolerance;
      expect(value).toBeGreaterThanOrEqual(lo);
      expect(value).toBeLessThanOrEqual(hi);
    };
    near(m.used, 1);
    near(m.free, 2);
    near(m.available, 5);
    expect(m.swapFree).toBeGreaterThanOrEqual(before.swap[2] - tolerance);
    expect(m.swapUsed + m.swapFree).toBe(m.swapTotal);
  });

  it('produces both seed layouts from the same figures', () => {
    const sys = vitals.sysinfo();
    expect(Object.keys(sys.mem)).toEqual(['total', 'used', 'free', 'swap_total', 'swap_used', 'swap_free']);
    expect(sys.mem.used + sys.mem.free).toBe(sys.mem.total);
    expect(sys.mem.total).toBe(os.totalmem());
    const system = vitals.webitelSystem();
    expect(system).toEqual({
      totalMemory: os.totalmem(),
      freeMemory: expect.any(Number),
      platform: process.platform,
      name: os.type(),
      architecture: process.arch,
    });
    // os.freemem() is MemAvailable on Linux with Node 20's libuv.
    expect(Math.abs(system.freeMemory - os.freemem())).toBeLessThan(os.totalmem() * 0.01);
  });
});

describe.runIf(linux)('disks vs df -B1', () => {
  it('reports the real filesystems df shows, with the same size and (within drift) available bytes', async () => {
    const disks = await vitals.refreshDisks();
    const df = execFileSync('df', ['-B1', '--output=source,fstype,size,avail,target'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [source, fstype, size, avail, ...target] = line.trim().split(/\s+/);
        return { source, fstype, size: Number(size), avail: Number(avail), target: target.join(' ') };
      });
    expect(disks.length).toBeGreaterThan(0);
    for (const disk of disks) {
      expect(disk.state).toBe('ok');
      const row = df.find((r) => r.target === disk.mount);
      expect(row, `df has ${disk.mount}`).toBeDefined();
      expect(disk.name).toBe(row!.source);
      expect(disk.type).toBe(row!.fstype);
      expect(disk.total).toBe(row!.size);
      expect(Math.abs(disk.available! - row!.avail)).toBeLessThan(row!.size * 0.01);
      expect(disk.used).toBe(disk.total! - disk.free!);
    }
    const realDevices = df.filter(
      (r) => r.source.startsWith('/dev/') && !/^(tmpfs|devtmpfs|overlay)$/.test(r.fstype),
    );
    for (const row of realDevices) expect(disks.map((d) => d.name)).toContain(row.source);
    const pseudo = disks.filter((d) =>
      ['proc', 'sysfs', 'tmpfs', 'devtmpfs', 'cgroup', 'overlay'].includes(d.type),
    );
    expect(pseudo).toEqual([]);
    expect(vitals.sysinfo().disks).toEqual(
      disks.map((d) => ({ name: d.name, total: d.total, free: d.available })),
    );
  });
});

describe.runIf(linux)('cpus, process and host vs /proc', () => {
  it('has one core per /proc/stat cpuN line, named 1..N, with the os model', () => {
    const lines = readFileSync('/proc/stat', 'latin1')
      .split('\n')
      .filter((l) => /^cpu\d+ /.test(l));
    const { cores, total } = vitals.cpus();
    expect(cores.map((c) => c.name)).toEqual(lines.map((_, i) => String(i + 1)));
    expect(cores[0].model).toBe(os.cpus()[0].model.trim());
    for (const core of [...cores, total]) {
      expect(core.usage).toBeGreaterThanOrEqual(0);
      expect(core.usage).toBeLessThanOrEqual(100);
    }
  });

  it('reports pid, open descriptors and memory as /proc/self says', () => {
    const info = vitals.process();
    const fds = readdirSync('/proc/self/fd').length - 1;
    const status = readFileSync('/proc/self/status', 'utf8');
    const pid = Number(/^Pid:\s+(\d+)/m.exec(status)![1]);
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)![1]);
    expect(info.pid).toBe(pid);
    expect(Math.abs(info.openFds! - fds)).toBeLessThanOrEqual(2);
    expect(Math.abs(info.memory.rss - rssKb * 1024)).toBeLessThan(32 * 1024 * 1024);
    expect(info.nodeVersion).toBe(process.version);
    expect(nodeMemory(info)).toEqual({
      rss: info.memory.rss,
      heapTotal: info.memory.heapTotal,
      heapUsed: info.memory.heapUsed,
    });
  });

  it('reports host facts matching /proc and os', () => {
    const host = vitals.host();
    expect(host.hostname).toBe(readFileSync('/proc/sys/kernel/hostname', 'utf8').trim());
    expect(host.release).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    expect(Math.abs(host.uptime - uptime)).toBeLessThan(2);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
    host.loadAverage.forEach((value, i) => {
      expect(Math.abs(value - load[i])).toBeLessThan(0.5);
    });
  });
});

describe.runIf(linux)('network vs /proc/net/dev', () => {
  const loRx = () => {
    const line = readFileSync('/proc/net/dev', 'latin1')
      .split('\n')
      .find((l) => l.trim().startsWith('lo:'))!;
    return Number(line.split(':')[1].trim().split(/\s+/)[0]);
  };

  it('counts loopback traffic and turns it into a per-second rate', async () => {
    const server = http.createServer((_req, res) => res.end('x'.repeat(64 * 1024)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      vitals.network();
      const before = loRx();
      for (let i = 0; i < 5; i++) await (await fetch(`http://127.0.0.1:${port}/`)).arrayBuffer();
      const reading = vitals.network();
      const after = loRx();
      const lo = reading.interfaces.find((i) => i.name === 'lo')!;
      expect(lo.rxBytes).toBeGreaterThanOrEqual(before + 5 * 64 * 1024);
      expect(lo.rxBytes).toBeLessThanOrEqual(after);
      expect(lo.rxBytesPerSec).toBeGreaterThan(0);
      expect(reading.supported).toBe(true);
    } finally {
      server.close();
    }
  });
});
