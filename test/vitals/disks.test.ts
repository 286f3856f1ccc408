/**
 * A mount whose statfs never answers (a dead NFS share) is reported as `timeout`, keeps its last
 * figures, gets no second statfs while the first is pending, and never blocks the event loop.
 * The statfs is injected: that is the only way to make a kernel call hang on purpose in a test.
 */
import { describe, expect, it } from 'vitest';
import { DiskMonitor, type StatfsFigures } from '../../src/vitals/disks.js';
import { createVitals } from '../../src/vitals/index.js';

const MOUNTS = `/dev/sda1 / ext4 rw 0 0
server:/export /mnt/nfs nfs4 rw 0 0
proc /proc proc rw 0 0
`;
const FIGURES: StatfsFigures = { bsize: 4096, blocks: 1000, bfree: 500, bavail: 400 };

function hangingStatfs() {
  const calls: string[] = [];
  let hang = false;
  let release: (() => void) | undefined;
  const statfs = (path: string): Promise<StatfsFigures> => {
    calls.push(path);
    if (path === '/mnt/nfs' && hang) {
      return new Promise((resolve) => {
        release = () => resolve({ ...FIGURES, bavail: 10 });
      });
    }
    return Promise.resolve(FIGURES);
  };
  return {
    calls,
    statfs,
    hangFromNowOn: () => {
      hang = true;
    },
    release: () => {
      hang = false;
      release?.();
    },
  };
}

describe('DiskMonitor with a mount that stops answering', () => {
  it('marks it timeout, keeps old figures, issues one statfs at a time and recovers', async () => {
    const fake = hangingStatfs();
    const monitor = new DiskMonitor({ statfs: fake.statfs, readMounts: () => MOUNTS, timeoutMs: 50 });
    const first = await monitor.refresh();
    expect(first.map((d) => [d.mount, d.state, d.total])).toEqual([
      ['/', 'ok', 4096000],
      ['/mnt/nfs', 'ok', 4096000],
    ]);

    fake.hangFromNowOn();
    const pendingRefresh = monitor.refresh();
    let settled = false;
    void pendingRefresh.then(() => {
      settled = true;
    });
    // The loop keeps turning while the refresh waits on the stuck statfs.
    const loopTurned = await new Promise<boolean>((resolve) => setImmediate(() => resolve(!settled)));
    const second = await pendingRefresh;
    const third = await monitor.refresh();

    const nfs = third.find((d) => d.mount === '/mnt/nfs')!;
    expect(nfs.state).toBe('timeout');
    expect(nfs.error).toMatch(/not answered/);
    expect(nfs.total).toBe(4096000); // last known figures stay
    expect(second.find((d) => d.mount === '/')!.state).toBe('ok');
    expect(fake.calls.filter((p) => p === '/mnt/nfs')).toHaveLength(2); // first refresh + one stuck call
    expect(loopTurned).toBe(true);

    fake.release();
    await new Promise((resolve) => setImmediate(resolve));
    const late = monitor.latest().find((d) => d.mount === '/mnt/nfs')!;
    expect(late).toMatchObject({ state: 'ok', available: 4096 * 10 }); // the late answer counts
    const recovered = (await monitor.refresh()).find((d) => d.mount === '/mnt/nfs')!;
    expect(recovered.state).toBe('ok');
    expect(recovered.available).toBe(4096 * 400);
    expect(recovered.error).toBeUndefined();
  });

  it('reports a failing statfs as error', async () => {
    const monitor = new DiskMonitor({
      mounts: ['/nope'],
      statfs: () => Promise.reject(new Error('ENOENT: no such file or directory')),
    });
    const [disk] = await monitor.refresh();
    expect(disk).toMatchObject({
      mount: '/nope',
      state: 'error',
      total: null,
      error: expect.stringMatching(/ENOENT/),
    });
  });

  it('serves cached figures synchronously and refreshes them in the background', async () => {
    const fake = hangingStatfs();
    const monitor = new DiskMonitor({ statfs: fake.statfs, readMounts: () => MOUNTS, maxAgeMs: 1 });
    // Nothing measured yet, but never a wait: the mounts are listed as pending.
    expect(monitor.latest().map((d) => [d.mount, d.state, d.total])).toEqual([
      ['/', 'pending', null],
      ['/mnt/nfs', 'pending', null],
    ]);
    await monitor.refresh();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const callsBefore = fake.calls.length;
    expect(monitor.latest().map((d) => d.mount)).toEqual(['/', '/mnt/nfs']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.calls.length).toBeGreaterThan(callsBefore);
  });

  it('rejects bad options with a clear error', () => {
    expect(() => new DiskMonitor({ timeoutMs: -1 })).toThrow(/disks.timeoutMs/);
  });

  it('works on real mounts given explicitly', async () => {
    const vitals = createVitals({ disks: { mounts: ['/'] } });
    try {
      const [root] = await vitals.refreshDisks();
      expect(root).toMatchObject({ mount: '/', state: 'ok' });
      expect(root.total).toBeGreaterThan(0);
    } finally {
      vitals.close();
    }
  });
});
