/** One line written to a log sink, with the time it was written (epoch ms). */
export interface LogEntry {
  time: number;
  line: string;
}

export interface LogSinkOptions {
  /** How many recent lines are kept for new subscribers (default 200). */
  capacity?: number;
  /** Lines longer than this are cut (default 8 KiB), so one huge line cannot bloat every client. */
  maxLineLength?: number;
  /** Injectable clock, for tests. */
  now?: () => number;
}

export type LogListener = (entries: readonly LogEntry[]) => void;

/**
 * Where a service writes lines for the live `logs` topic. Keeps a bounded ring of recent lines;
 * lines written in one burst reach listeners as one batch (one broadcast instead of one per line).
 */
export class LogSink {
  readonly capacity: number;
  private readonly maxLineLength: number;
  private readonly now: () => number;
  private readonly ring: LogEntry[] = [];
  private pending: LogEntry[] = [];
  private flushScheduled = false;
  private readonly listeners = new Set<LogListener>();

  constructor(options: LogSinkOptions = {}) {
    this.capacity = positiveInteger(options.capacity ?? 200, 'capacity');
    this.maxLineLength = positiveInteger(options.maxLineLength ?? 8192, 'maxLineLength');
    this.now = options.now ?? Date.now;
  }

  write(line: unknown): void {
    let text = typeof line === 'string' ? line : String(line);
    if (text.endsWith('\n')) text = text.slice(0, -1);
    if (text.length > this.maxLineLength) text = `${text.slice(0, this.maxLineLength)}…`;
    const entry = { time: this.now(), line: text };
    this.ring.push(entry);
    if (this.ring.length > this.capacity) this.ring.shift();
    this.pending.push(entry);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** The recent lines, oldest first. */
  recent(): LogEntry[] {
    return this.ring.slice();
  }

  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    for (const listener of this.listeners) listener(batch);
  }
}

export function createLogSink(options?: LogSinkOptions): LogSink {
  return new LogSink(options);
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`LogSink: ${name} must be a positive integer, got ${value}`);
  return value;
}
