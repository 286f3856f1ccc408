/**
 * The bounded buffer between polling and the database. Polling never waits for PostgreSQL: each
 * write is queued and written in order by one loop. When the database is lost the loop keeps the
 * writes (up to `limit`, dropping the oldest past it, with a warning) and retries with a doubling
 * pause; when it is back, the buffer is written and a line says so.
 */
import type { Logger } from '../../client/log.js';

export type WriteOutcome = 'written' | 'refused';

export interface WriteQueueOptions<T> {
  /** Writes several queued items in one transaction: one outcome each, in order. */
  write: (items: readonly T[]) => Promise<WriteOutcome[]>;
  /** Items per transaction at most (what waits is written together: one commit, not one each). */
  batch?: number;
  /**
   * How long the first write into an idle queue waits for company: polls are spread over their
   * interval, so without it every transaction would carry one sample (default 0: at once).
   */
  lingerMs?: number;
  isTransient: (error: unknown) => boolean;
  log: Logger;
  /** Where the writes go, for the log lines (a URL without password). */
  shown: string;
  limit?: number;
  retryMs?: number;
  maxRetryMs?: number;
}

export const DEFAULT_BUFFER_LIMIT = 50_000;

export class WriteQueue<T> {
  private readonly items: T[] = [];
  private running = false;
  private outage: { since: number; waitMs: number } | undefined;
  private idle: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lingering: NodeJS.Timeout | undefined;
  private closed = false;
  readonly counts = { written: 0, refused: 0, dropped: 0, failed: 0 };

  constructor(private readonly options: WriteQueueOptions<T>) {}

  get size(): number {
    return this.items.length;
  }

  get down(): boolean {
    return this.outage !== undefined;
  }

  push(item: T): void {
    if (this.closed) return;
    const limit = this.options.limit ?? DEFAULT_BUFFER_LIMIT;
    if (this.items.length >= limit) {
      this.items.shift();
      this.counts.dropped++;
      if (this.counts.dropped === 1 || this.counts.dropped % 1000 === 0)
        this.options.log.warn('history buffer full: oldest writes dropped', {
          history: this.options.shown,
          dropped: this.counts.dropped,
          limit,
        });
    }
    this.items.push(item);
    if (this.running || this.timer || this.lingering) return;
    const lingerMs = this.options.lingerMs ?? 0;
    if (lingerMs <= 0) void this.run();
    else this.lingering = setTimeout(() => this.runNow(), lingerMs);
  }

  /** Ends a linger: what waits is written now. */
  private runNow(): void {
    clearTimeout(this.lingering);
    this.lingering = undefined;
    if (!this.running && !this.timer) void this.run();
  }

  /** Resolves once everything queued so far is written (or refused), or after `maxMs`. */
  async drain(maxMs = 10_000): Promise<boolean> {
    if (this.items.length === 0 && !this.running) return true;
    // Someone waits for the writes: no more company to wait for.
    if (this.lingering) this.runNow();
    let timeout: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      new Promise<true>((resolve) => this.idle.push(() => resolve(true))),
      new Promise<false>((resolve) => {
        timeout = setTimeout(() => resolve(false), maxMs);
      }),
    ]);
    clearTimeout(timeout);
    return drained;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.lingering);
    this.timer = undefined;
    this.lingering = undefined;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      let size = this.options.batch ?? 100;
      while (this.items.length > 0 && !this.closed) {
        const batch = this.items.slice(0, size);
        try {
          const outcomes = await this.options.write(batch);
          this.items.splice(0, batch.length);
          for (const outcome of outcomes) this.counts[outcome]++;
          this.recovered();
          size = this.options.batch ?? 100;
        } catch (error) {
          if (this.options.isTransient(error)) {
            this.lost(error as Error);
            return;
          }
          // One bad item must not cost the others: retry one at a time, and drop only the bad one.
          if (batch.length > 1) {
            size = 1;
            continue;
          }
          this.items.shift();
          this.counts.failed++;
          this.options.log.error('history write failed', { error: (error as Error).message });
        }
      }
    } finally {
      this.running = false;
      if (this.items.length === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  private lost(error: Error): void {
    const base = this.options.retryMs ?? 250;
    if (!this.outage) {
      this.outage = { since: Date.now(), waitMs: base };
      this.options.log.warn('history database unreachable: polling goes on, writes are buffered', {
        history: this.options.shown,
        error: error.message,
        buffered: this.items.length,
      });
    } else this.outage.waitMs = Math.min(this.options.maxRetryMs ?? 5000, this.outage.waitMs * 2);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.outage.waitMs);
  }

  private recovered(): void {
    if (!this.outage) return;
    this.options.log.info('history database back: buffered writes resumed', {
      history: this.options.shown,
      downMs: Date.now() - this.outage.since,
      buffered: this.items.length,
      dropped: this.counts.dropped,
    });
    this.outage = undefined;
  }
}

/** Connection-level failures (worth a retry) rather than a statement the database rejected. */
export function isTransientPgError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return /^(08|57P|53)/.test(code);
  return /connect|terminat|timeout|ECONN|EPIPE|socket|closed/i.test(
    String((error as Error)?.message ?? error),
  );
}
