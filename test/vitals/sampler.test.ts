import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createVitals, VIEW_NAMES } from '../../src/vitals/index.js';

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
