/**
 * No child process, ever: every way Node can start one is counted while 1000 snapshots (and the
 * background sampler, disk refreshes, seed layouts and a pressure check) run. The counter is proven
 * able to fail by positive controls, including systeminformation, which does spawn.
 */
import cp from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVitals, pressureCheck } from '../../src/vitals/index.js';

const SYNC_NAMES = ['spawnSync', 'execSync', 'execFileSync'] as const;
type SyncName = (typeof SYNC_NAMES)[number];

const spawned: string[] = [];
const proto = cp.ChildProcess.prototype as unknown as { spawn: (options: { file: string }) => unknown };
const originalSpawn = proto.spawn;
const originalSync = Object.fromEntries(SYNC_NAMES.map((n) => [n, cp[n]])) as Record<SyncName, unknown>;

beforeAll(() => {
  // Every asynchronous spawn/exec/execFile/fork ends in ChildProcess.prototype.spawn.
  proto.spawn = function (this: unknown, options) {
    spawned.push(`spawn ${options.file}`);
    return originalSpawn.call(this, options);
  };
  // The synchronous ones do not; wrap the exports (and sync the ESM named exports with them).
  for (const name of SYNC_NAMES) {
    const original = originalSync[name] as (...args: unknown[]) => unknown;
    (cp as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      spawned.push(`${name} ${String(args[0])}`);
      return original(...args);
    };
  }
  syncBuiltinESMExports();
});

afterAll(() => {
  proto.spawn = originalSpawn;
  for (const name of SYNC_NAMES) (cp as unknown as Record<string, unknown>)[name] = originalSync[name];
  syncBuiltinESMExports();
});

/** Live children of this process, from every thread's children list (Linux). */
function liveChildren(): string[] {
  if (process.platform !== 'linux') return [];
  return readdirSync('/proc/self/task').flatMap((tid) =>
    readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean),
  );
}

describe('child processes', () => {
  it('the counters see spawns (positive controls)', async () => {
    spawned.length = 0;
    cp.execFileSync('true');
    const child = cp.spawn('sleep', ['5']);
    try {
      expect(liveChildren()).toContain(String(child.pid));
    } finally {
      child.kill();
    }
    const si = (await import('systeminformation')).default;
    await si.fsSize();
    expect(spawned.length).toBeGreaterThanOrEqual(3);
    expect(spawned.some((s) => s.startsWith('execFileSync'))).toBe(true);
  });

  it('1000 snapshots spawn none', async () => {
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the control's children exit
    const childrenBefore = liveChildren();
    spawned.length = 0;
    const vitals = createVitals({ intervalMs: 10, minWindowMs: 0, disks: { maxAgeMs: 1 } }).start();
    const memoryPressure = pressureCheck(vitals, { resource: 'memory' });
    try {
      const seenChildren = new Set<string>();
      for (let i = 0; i < 1000; i++) {
        vitals.snapshot({ fresh: true }); // every instantaneous reading, not the tick's copy
        vitals.sysinfo();
        vitals.webitelSystem();
        if (i % 50 === 0) {
          await vitals.freshSnapshot();
          await memoryPressure({ signal: new AbortController().signal });
          for (const pid of liveChildren()) if (!childrenBefore.includes(pid)) seenChildren.add(pid);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50)); // a few sampler ticks too
      expect(spawned).toEqual([]);
      expect([...seenChildren]).toEqual([]);
      // The PSI files were really read (where the kernel has them), not skipped.
      if (existsSync('/proc/pressure/memory')) expect(vitals.snapshot().pressure.memory).not.toBeNull();
    } finally {
      vitals.close();
    }
  });
});
