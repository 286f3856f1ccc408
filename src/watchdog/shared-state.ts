/**
 * The memory the main thread and the watchdog thread share: a heartbeat counter and the latest
 * published record behind a seqlock.
 *
 *   bytes 0-15   Int32 slots: BEAT (heartbeat counter), SEQ (seqlock), LENGTH, VERSION (of the record)
 *   bytes 16-23  Float64: when the main thread last confirmed the record current (epoch ms)
 *   bytes 24-    the record, UTF-8 JSON
 *
 * A heartbeat is one `Atomics.add` and one `Atomics.notify`: no allocation, whatever the rate.
 * A write makes SEQ odd, writes, and makes it even again; a reader that saw SEQ odd, or different
 * before and after its copy, copies again, so the watchdog never serves a torn document. Only the
 * main thread writes.
 */
const BEAT = 0;
const SEQ = 1;
const LENGTH = 2;
const VERSION = 3;
const HEADER_BYTES = 24;
const CONFIRMED_AT_OFFSET = 16;

/** Copies tried before a reader keeps what it had (a writer never holds the lock across a turn). */
const READ_ATTEMPTS = 1000;

/** `Atomics.waitAsync` (Node 16+, ES2024): the project's TypeScript lib predates its declaration. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

export class RecordTooLargeError extends RangeError {
  override name = 'RecordTooLargeError';
}

export function createSharedMemory(recordCapacity: number): SharedArrayBuffer {
  if (!Number.isInteger(recordCapacity) || recordCapacity < 1024) {
    throw new RangeError(`watchdog record capacity: expected at least 1024 bytes, got ${recordCapacity}`);
  }
  return new SharedArrayBuffer(HEADER_BYTES + recordCapacity);
}

/** The main thread's side: beats and publishes. */
export class SharedWriter {
  private readonly slots: Int32Array;
  private readonly confirmed: Float64Array;
  private readonly data: Uint8Array;

  constructor(memory: SharedArrayBuffer) {
    this.slots = new Int32Array(memory, 0, 4);
    this.confirmed = new Float64Array(memory, CONFIRMED_AT_OFFSET, 1);
    this.data = new Uint8Array(memory, HEADER_BYTES);
  }

  get capacity(): number {
    return this.data.byteLength;
  }

  /** The main loop is alive. Wakes a watchdog waiting on the counter. */
  beat(): void {
    Atomics.add(this.slots, BEAT, 1);
    Atomics.notify(this.slots, BEAT);
  }

  /** A new record, current as of `at`. Throws a RecordTooLargeError beyond the capacity (nothing is written). */
  publish(bytes: Uint8Array, at: number): void {
    if (bytes.byteLength > this.data.byteLength) {
      throw new RecordTooLargeError(
        `the watchdog record is ${bytes.byteLength} bytes; the watchdog holds ${this.data.byteLength}`,
      );
    }
    Atomics.add(this.slots, SEQ, 1);
    this.data.set(bytes);
    Atomics.store(this.slots, LENGTH, bytes.byteLength);
    Atomics.add(this.slots, VERSION, 1);
    this.confirmed[0] = at;
    Atomics.add(this.slots, SEQ, 1);
  }

  /** The record published last is still current as of `at`. */
  confirm(at: number): void {
    Atomics.add(this.slots, SEQ, 1);
    this.confirmed[0] = at;
    Atomics.add(this.slots, SEQ, 1);
  }
}

export interface SharedRecord {
  /** 0 until the first record is published. */
  version: number;
  confirmedAt: number;
  /** A private copy of the record's bytes (empty before the first). */
  bytes: Uint8Array;
}

/** The watchdog's side: reads beats and consistent copies of the record. */
export class SharedReader {
  private readonly slots: Int32Array;
  private readonly confirmed: Float64Array;
  private readonly data: Uint8Array;
  private last: SharedRecord = { version: 0, confirmedAt: 0, bytes: new Uint8Array(0) };

  constructor(memory: SharedArrayBuffer) {
    this.slots = new Int32Array(memory, 0, 4);
    this.confirmed = new Float64Array(memory, CONFIRMED_AT_OFFSET, 1);
    this.data = new Uint8Array(memory, HEADER_BYTES);
  }

  get beats(): number {
    return Atomics.load(this.slots, BEAT);
  }

  /** Waits (without blocking this thread) until the counter moves from `seen`, or `timeoutMs`. */
  async nextBeat(seen: number, timeoutMs: number): Promise<void> {
    const wait = waitAsync(this.slots, BEAT, seen, timeoutMs);
    if (wait.async) await wait.value;
  }

  /** The latest record; the bytes are copied only when the record changed. */
  read(): SharedRecord {
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const before = Atomics.load(this.slots, SEQ);
      if (before % 2 !== 0) continue;
      const version = Atomics.load(this.slots, VERSION);
      const confirmedAt = this.confirmed[0];
      const bytes =
        version === this.last.version
          ? this.last.bytes
          : this.data.slice(0, Atomics.load(this.slots, LENGTH));
      if (Atomics.load(this.slots, SEQ) !== before) continue;
      this.last = { version, confirmedAt, bytes };
      return this.last;
    }
    return this.last;
  }
}
