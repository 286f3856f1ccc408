import { once } from 'node:events';
import { PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createSharedMemory, SharedReader, SharedWriter } from '../../src/watchdog/shared-state.js';
import { until } from '../support/wait.js';
import { tsWorker } from './ts-worker.js';

describe('the shared memory between the main thread and the watchdog', () => {
  it('never hands the reader a torn record while another thread writes as fast as it can', async () => {
    const memory = createSharedMemory(32 * 1024);
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const count = 4000;
    const writer = tsWorker(new URL('./fixtures/writer.ts', import.meta.url), {
      memory,
      flags: flags.buffer,
      count,
    });
    await once(writer, 'online');
    const reader = new SharedReader(memory);
    const decoder = new TextDecoder();
    let seen = 0;
    let last = 0;
    const problems: string[] = [];
    Atomics.store(flags, 0, 1);
    Atomics.notify(flags, 0);
    while (Atomics.load(flags, 1) === 0 || last !== count) {
      const { version, confirmedAt, bytes } = reader.read();
      if (version === last || version === 0) continue;
      last = version;
      seen++;
      const record = JSON.parse(decoder.decode(bytes)) as { i: number; size: number; payload: string };
      const whole = record.payload.length === record.size && /^(\d)\1*$|^$/.test(record.payload);
      if (
        !whole ||
        record.i !== version ||
        confirmedAt !== version ||
        (record.payload[0] !== undefined && record.payload[0] !== String(record.i % 10))
      )
        problems.push(
          `version ${version}: record ${record.i}, ${record.payload.length}/${record.size} bytes`,
        );
    }
    await writer.terminate();
    expect(problems).toEqual([]);
    // The two threads really overlapped: the reader met many versions, not just the last.
    expect(seen).toBeGreaterThan(10);
  });

  it('beats without allocating: no garbage collection during two million heartbeats (a BigInt timestamp has dozens)', async () => {
    const writer = new SharedWriter(createSharedMemory(1024));
    const stamps = new BigInt64Array(new SharedArrayBuffer(8));
    const allocatingBeat = () => Atomics.store(stamps, 0, BigInt(Date.now()));
    const beat = () => writer.beat();
    const collections: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) collections.push(entry.startTime);
    });
    observer.observe({ entryTypes: ['gc'] });
    const window = (tick: () => void) => {
      for (let i = 0; i < 100_000; i++) tick(); // warm up: compiled before the measured run
      const start = performance.now();
      for (let i = 0; i < 2_000_000; i++) tick();
      return { start, end: performance.now() };
    };
    const heartbeat = window(beat);
    const control = window(allocatingBeat);
    const during = ({ start, end }: { start: number; end: number }) =>
      collections.filter((at) => at >= start && at <= end).length;
    // GC entries arrive asynchronously, in order: once the control's are in, the heartbeat's would be.
    await until(() => during(control) > 0, 'the control run to be collected');
    observer.disconnect();
    expect(during(heartbeat)).toBe(0);
  });

  it('refuses a record larger than its room, writing nothing', () => {
    const memory = createSharedMemory(1024);
    const writer = new SharedWriter(memory);
    writer.publish(new TextEncoder().encode('{"a":1}'), 5);
    expect(() => writer.publish(new Uint8Array(2048), 6)).toThrow(
      'the watchdog record is 2048 bytes; the watchdog holds 1024',
    );
    const read = new SharedReader(memory).read();
    expect([read.version, read.confirmedAt, new TextDecoder().decode(read.bytes)]).toEqual([1, 5, '{"a":1}']);
    expect(() => createSharedMemory(10)).toThrow(/at least 1024 bytes/);
  });
});
