/**
 * The watchdog, main thread side: starts the watchdog thread (its own port), beats the heartbeat,
 * publishes the status's record, and hears about blocks once the main loop is back.
 *
 * Why its own port: a listening `net.Server` handle cannot be transferred to a worker thread (only
 * `child_process` can pass handles), and a socket the main thread accepts and hands over needs the
 * main loop to accept it — the very loop that is stuck. The watchdog thread therefore binds its own
 * port; an orchestrator points its liveness probe there.
 */
import { Worker } from 'node:worker_threads';
import type { MaybePromise } from '../http/context.js';
import type { StatusReadable } from '../tree/nodes.js';
import { type Duration, optionalDuration } from '../util/duration.js';
import { encodeRecord, type WatchdogRecord } from './record.js';
import { createSharedMemory, RecordTooLargeError, SharedWriter } from './shared-state.js';
import type { WatchdogMessage, WatchdogWorkerData } from './worker.js';

export interface WatchdogOptions {
  /** The watchdog's own port. Default 0 (any free port: read it from `listening`). */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** A main loop that has not beaten for this long is blocked. Default `1s`. */
  threshold?: Duration;
  /** How often the main loop beats. Default `100ms`. */
  heartbeat?: Duration;
  /**
   * How often the record is refreshed: a snapshot is taken (as any door takes one) and republished
   * when it changed. The stale document's age is at most this plus the block. Default `1s`.
   */
  publishEvery?: Duration;
  /** Room for the record (the anonymous document and the probes). Default 1 MiB. */
  maxRecordBytes?: number;
  /** Each block, reported once the main loop is back. */
  onBlock?: (block: BlockReport) => void;
  /** The watchdog thread failed (it could not listen, it died). */
  onError?: (error: unknown) => void;
}

/** A block of the main loop, as the watchdog measured it. */
export interface BlockReport {
  /** How long the main loop did not beat (at most one heartbeat more than the block itself). */
  durationMs: number;
  startedAt: string;
  endedAt: string;
}

export interface WatchdogAddress {
  port: number;
  host: string;
  url: string;
}

/** A source's state: `key` changes whenever the record would; `record()` renders it (only then). */
export interface SourceState {
  key: string;
  record: () => WatchdogRecord;
}

/** What a status gives its watchdog: its state now, and the record for it. */
export interface WatchdogSource {
  /** After taking a new snapshot (the periodic refresh). */
  refreshed(): MaybePromise<SourceState>;
  /** With the last snapshot, at once (the lifecycle or readiness changed: say so without waiting on checks). */
  current(): SourceState;
  /** A record when the full one does not fit: the probes without the document. */
  fallback(record: WatchdogRecord, reason: string): WatchdogRecord;
}

/** What the watchdog shows when mounted in a document (`status.mount('watchdog', watchdog)`). */
export interface WatchdogView {
  readonly url?: string;
  readonly blocks: number;
  readonly longestBlockMs: number;
  readonly lastBlock?: BlockReport;
}

const DEFAULT_RECORD_BYTES = 1024 * 1024;

export class Watchdog implements StatusReadable {
  /** Resolves once the watchdog thread listens; rejects when it cannot (the port is taken). */
  readonly listening: Promise<WatchdogAddress>;
  readonly thresholdMs: number;
  private readonly worker: Worker;
  private readonly writer: SharedWriter;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly publisher: NodeJS.Timeout;
  private readonly blockListeners = new Set<(block: BlockReport) => void>();
  private source: WatchdogSource | undefined;
  private publishedKey: string | undefined;
  private refreshing: Promise<void> | undefined;
  private closed = false;
  private view: WatchdogView = Object.freeze({ blocks: 0, longestBlockMs: 0 });

  constructor(private readonly options: WatchdogOptions = {}) {
    this.thresholdMs = optionalDuration(options.threshold, 1000, 'watchdog.threshold');
    const heartbeatMs = optionalDuration(options.heartbeat, 100, 'watchdog.heartbeat');
    const publishMs = optionalDuration(options.publishEvery, 1000, 'watchdog.publishEvery');
    if (heartbeatMs <= 0 || this.thresholdMs <= heartbeatMs) {
      throw new RangeError('watchdog: threshold must be longer than heartbeat, and heartbeat above 0');
    }
    if (publishMs <= 0) throw new RangeError('watchdog.publishEvery: must be greater than 0');
    const memory = createSharedMemory(options.maxRecordBytes ?? DEFAULT_RECORD_BYTES);
    this.writer = new SharedWriter(memory);
    const host = options.host ?? '127.0.0.1';
    const data: WatchdogWorkerData = { memory, port: options.port ?? 0, host, thresholdMs: this.thresholdMs };
    this.worker = spawnWorker(data);
    this.worker.unref();
    this.listening = this.listen(host);
    // Nobody may be awaiting `listening`: its failure goes to onError, never to an unhandled rejection.
    this.listening.catch((error) => this.fail(error));
    const writer = this.writer;
    // One add and one notify per tick: the heartbeat allocates nothing.
    this.heartbeat = setInterval(() => writer.beat(), heartbeatMs);
    this.heartbeat.unref();
    this.publisher = setInterval(() => this.refresh(), publishMs);
    this.publisher.unref();
  }

  /** Publishes `source`'s records from now on (a reloaded agent attaches its new status). Returns the detach. */
  attach(source: WatchdogSource): () => void {
    this.source = source;
    this.publishedKey = undefined;
    this.republish();
    // After the code that created the status has declared its tree (synchronously, as a rule).
    setImmediate(() => this.refresh()).unref();
    return () => {
      if (this.source === source) this.source = undefined;
    };
  }

  /** Publishes the source's state now, with its last snapshot (the lifecycle or readiness changed). */
  republish(): void {
    if (this.closed || !this.source) return;
    try {
      this.write(this.source, this.source.current());
    } catch (error) {
      this.fail(error);
    }
  }

  /** Takes a new snapshot and publishes it if anything changed; one refresh at a time. */
  refresh(): void {
    if (this.closed || !this.source || this.refreshing) return;
    const source = this.source;
    this.refreshing = (async () => this.write(source, await source.refreshed()))()
      .catch((error) => this.fail(error))
      .finally(() => {
        this.refreshing = undefined;
      });
  }

  /** Calls `listener` with every block; returns its removal. */
  addBlockListener(listener: (block: BlockReport) => void): () => void {
    this.blockListeners.add(listener);
    return () => {
      this.blockListeners.delete(listener);
    };
  }

  readStatus(): WatchdogView {
    return this.view;
  }

  /** Stops the heartbeat and the watchdog thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    clearInterval(this.publisher);
    await this.refreshing;
    await this.worker.terminate();
  }

  private write(source: WatchdogSource, state: SourceState): void {
    // A refresh that settles after a reload must not publish the previous status.
    if (this.closed || source !== this.source) return;
    const now = Date.now();
    if (state.key === this.publishedKey) {
      this.writer.confirm(now);
      return;
    }
    const record = state.record();
    try {
      this.writer.publish(encodeRecord(record), now);
    } catch (error) {
      if (!(error instanceof RecordTooLargeError)) throw error;
      const reason = `the document does not fit the watchdog's ${this.writer.capacity} bytes (maxRecordBytes)`;
      this.writer.publish(encodeRecord(source.fallback(record, reason)), now);
    }
    this.publishedKey = state.key;
  }

  private listen(host: string): Promise<WatchdogAddress> {
    let listening = false;
    return new Promise((resolve, reject) => {
      // Before it listens, a failure rejects `listening` (and reaches onError through it); after, onError.
      const failure = (error: Error) => (listening ? this.fail(error) : reject(error));
      this.worker.on('message', (message: WatchdogMessage) => {
        if (message.type === 'listening') {
          listening = true;
          const shown = host.includes(':') ? `[${host}]` : host;
          const address = { port: message.port, host, url: `http://${shown}:${message.port}` };
          this.view = Object.freeze({ ...this.view, url: address.url });
          resolve(address);
        } else if (message.type === 'error') {
          failure(
            Object.assign(new Error(`watchdog: cannot listen: ${message.message}`), { code: message.code }),
          );
        } else this.blocked(message.durationMs, message.endedAt);
      });
      this.worker.on('error', failure);
      this.worker.on('exit', (code) => {
        if (!this.closed) failure(new Error(`watchdog: the watchdog thread exited with code ${code}`));
      });
    });
  }

  private blocked(durationMs: number, endedAt: number): void {
    const block: BlockReport = {
      durationMs,
      startedAt: new Date(endedAt - durationMs).toISOString(),
      endedAt: new Date(endedAt).toISOString(),
    };
    this.view = Object.freeze({
      ...this.view,
      blocks: this.view.blocks + 1,
      longestBlockMs: Math.max(this.view.longestBlockMs, durationMs),
      lastBlock: Object.freeze(block),
    });
    for (const listener of [this.options.onBlock, ...this.blockListeners]) {
      try {
        listener?.(block);
      } catch (error) {
        this.fail(error);
      }
    }
  }

  private fail(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A failing error hook must not take the watchdog down with it.
    }
  }
}

/**
 * The worker runs the compiled `worker.js` next to this file. Run from TypeScript sources (the
 * test suite), it is loaded through tsx, the dev dependency the suite runs on.
 */
function spawnWorker(data: WatchdogWorkerData): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 };
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./worker.js', import.meta.url), { workerData: data, resourceLimits });
  }
  const entry = new URL('./worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(bootstrap, { eval: true, workerData: data, resourceLimits });
}
