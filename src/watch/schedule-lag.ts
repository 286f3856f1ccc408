/**
 * Scheduling lag: how late each poll started against the time it was planned for. A watcher that
 * keeps up starts every poll within milliseconds of its plan; one that falls behind (a busy event
 * loop, too many targets for one process) starts them later and later, long before any sample is
 * missing. Kept over a recent window, as a histogram (the quantiles on /metrics) and as each
 * target's latest lag (the worst targets on /fleet).
 */
import { Histogram } from '../metrics/histogram.js';

/** The recent window the quantiles and the worst targets are taken over. */
export const LAG_WINDOW_MS = 60_000;
/** Most polls kept in the window: 10,000 targets every 30 s on 3 members is ~6,700 a minute each. */
const LAG_SAMPLES = 8192;
/** How many of the latest-starting targets a summary names. */
export const WORST_TARGETS = 5;

export interface LateTarget {
  target: string;
  lagMs: number;
}

export interface LagSummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Polls in the window the figures are taken over. */
  polls: number;
  windowMs: number;
  /** The targets whose latest poll started latest, worst first (only those late at all). */
  worst: LateTarget[];
}

export class ScheduleLag {
  /** In seconds, as Prometheus wants them: `statuskit_watch_schedule_lag_seconds{quantile=…}`. */
  readonly histogram = new Histogram({
    size: LAG_SAMPLES,
    windowMs: LAG_WINDOW_MS,
    unit: 'seconds',
    help: 'How late polls started against their planned time, over the last minute',
  });
  /** Each target's latest lag and when it was noted: two numbers, no allocation per poll. */
  private readonly latest = new Map<string, number>();
  private readonly notedAt = new Map<string, number>();

  note(target: string, lagMs: number, now = Date.now()): void {
    const lag = Math.max(0, lagMs);
    this.histogram.update(lag / 1000);
    this.latest.set(target, lag);
    this.notedAt.set(target, now);
  }

  /** A target no longer polled here (handed over, removed) is no longer one of the worst. */
  forget(target: string): void {
    this.latest.delete(target);
    this.notedAt.delete(target);
  }

  summary(now = Date.now(), worstCount = WORST_TARGETS): LagSummary {
    const stats = this.histogram.snapshot(1000);
    const polls = this.histogram.lastWindowSize;
    return {
      p50Ms: polls === 0 ? 0 : Math.round(stats.p50),
      p99Ms: polls === 0 ? 0 : Math.round(stats.p99),
      maxMs: polls === 0 ? 0 : Math.round(stats.max),
      polls,
      windowMs: LAG_WINDOW_MS,
      worst: this.worst(now - LAG_WINDOW_MS, worstCount),
    };
  }

  /** One pass keeping the top few: sorting every target's lag for five of them would be waste. */
  private worst(since: number, count: number): LateTarget[] {
    const top: LateTarget[] = [];
    for (const [target, lagMs] of this.latest) {
      if (lagMs <= 0 || (this.notedAt.get(target) ?? 0) < since) continue;
      if (top.length === count && lagMs <= top[count - 1].lagMs) continue;
      top.push({ target, lagMs: Math.round(lagMs) });
      top.sort((a, b) => b.lagMs - a.lagMs);
      if (top.length > count) top.pop();
    }
    return top;
  }
}
