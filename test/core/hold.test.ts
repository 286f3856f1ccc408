/**
 * Issue 17: between two changes the document is answered without reading any leaf, whatever the
 * tree's size — and a change is never missed: an announced one, the end of a cache, staleness,
 * the timestamp's second, a maintenance override.
 */
import { describe, expect, it } from 'vitest';
import { Announcer, timestamp } from '../../src/index.js';

import { createVitals } from '../../src/vitals/index.js';
import { until } from '../support/wait.js';
import { get, servesForEachTest } from './helpers.js';

const start = servesForEachTest();

/** A readable that counts its reads and announces its changes. */
function announcingSource(initial: unknown) {
  const statusChanges = new Announcer();
  let value = initial;
  let reads = 0;
  return {
    statusChanges,
    readStatus: () => {
      reads++;
      return value;
    },
    set(next: unknown) {
      value = next;
      statusChanges.announce();
    },
    get reads() {
      return reads;
    },
  };
}

async function requests(url: string, count: number): Promise<Set<string>> {
  const bodies = new Set<string>();
  for (let i = 0; i < count; i++) bodies.add((await get(url)).text);
  return bodies;
}

describe('a document held between changes', () => {
  it('reads an announcing leaf once for many requests, and again after it announces a change', async () => {
    const source = announcingSource({ sessions: 1 });
    let runs = 0;
    const { url } = await start((s) => {
      s.mount('volumes', source);
      for (let i = 0; i < 50; i++)
        s.check(
          `components.c${i}`,
          () => {
            runs++;
            return 'ok';
          },
          { cache: '1h' },
        );
    });
    // The first documents wait for the checks' first runs; from then on nothing is read.
    await requests(`${url}/status`, 3);
    const readsBefore = source.reads;
    expect(readsBefore).toBeLessThanOrEqual(3);
    const before = await requests(`${url}/status`, 100);
    expect(before.size).toBe(1);
    expect(source.reads).toBe(readsBefore);
    expect(runs).toBe(50);
    source.set({ sessions: 2 });
    const after = await get(`${url}/status`);
    expect((after.json() as { volumes: unknown }).volumes).toEqual({ sessions: 2 });
    expect(source.reads).toBe(readsBefore + 1);
    expect(runs).toBe(50);
  });

  it('reads a plain provider for every document, as before', async () => {
    let reads = 0;
    const { url } = await start((s) => {
      s.provider('volumes.sessions', () => {
        reads++;
        return 7;
      });
    });
    await requests(`${url}/status`, 20);
    expect(reads).toBe(20);
  });

  it('runs a cached check again once its cache has expired', async () => {
    let clock = 1_000_000;
    let runs = 0;
    const { url } = await start(
      (s) =>
        s.check(
          'db',
          () => {
            runs++;
            return { level: 'ok', fields: { run: runs } };
          },
          { cache: 1000 },
        ),
      { clock: () => clock },
    );
    await requests(`${url}/status`, 5);
    expect(runs).toBe(1);
    clock += 999;
    await get(`${url}/status`);
    expect(runs).toBe(1);
    clock += 1;
    const body = (await get(`${url}/status`)).json() as { db: { run: number } };
    expect(runs).toBe(2);
    expect(body.db.run).toBe(2);
  });

  it('shows a background check’s new result as soon as it comes', async () => {
    let level: 'ok' | 'critical' = 'ok';
    // Held for an hour if nothing were announced: only the runner's announcement can show the change.
    const { url } = await start((s) => s.check('db', () => level, { interval: 50, staleAfter: '1h' }));
    await until(async () => (await get(`${url}/status`)).status === 200, 'the first result');
    expect((await requests(`${url}/status`, 3)).size).toBe(1);
    level = 'critical';
    await until(
      async () => (await get(`${url}/status`)).status === 503,
      'the critical result on the document',
    );
  });

  it('reports a background check stale once its last result is too old', async () => {
    let clock = 1_000_000;
    let results = 0;
    const { url } = await start(
      (s) =>
        s.check(
          'db',
          () => {
            results++;
            return 'ok';
          },
          { interval: 60_000, staleAfter: 5000 },
        ),
      { clock: () => clock },
    );
    await until(async () => results >= 1 && (await get(`${url}/status`)).status === 200, 'the first result');
    clock += 5000;
    expect((await get(`${url}/status`)).status).toBe(200);
    clock += 1;
    const stale = await get(`${url}/status`);
    expect(stale.status).toBe(503);
    expect(stale.text).toMatch(/stale/);
  });

  it('changes a timestamp leaf at the next second', async () => {
    let clock = Date.UTC(2026, 0, 1, 0, 0, 0, 100);
    const { url } = await start(
      (s) => {
        s.mount('checkedAt', timestamp());
        s.check('db', () => 'ok', { cache: '1h' });
      },
      { clock: () => clock },
    );
    const first = await get(`${url}/status`);
    clock += 899;
    expect((await get(`${url}/status`)).text).toBe(first.text);
    clock += 1;
    expect((await get(`${url}/status`)).text).not.toBe(first.text);
  });

  it('re-reads when a maintenance override changes the levels', async () => {
    const { url, status } = await start((s) => s.check('db', () => 'ok', { cache: '1h' }));
    expect((await get(`${url}/status`)).status).toBe(200);
    const remove = status.addOverride(() => 'critical');
    expect((await get(`${url}/status`)).status).toBe(503);
    remove();
    expect((await get(`${url}/status`)).status).toBe(200);
  });

  it('reads the vitals views fresh again once the sampler stops', async () => {
    const vitals = createVitals({ intervalMs: 60_000, minWindowMs: 0, disks: false }).start();
    const { url } = await start((s) => s.mount('host.process', vitals.view('process')));
    const held = await requests(`${url}/status`, 5);
    expect(held.size).toBe(1);
    vitals.stop();
    const fresh = await requests(`${url}/status`, 3);
    // Instantaneous figures (uptime, memory) move between reads.
    expect(fresh.size).toBeGreaterThan(1);
    vitals.close();
  });
});
