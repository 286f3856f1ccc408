/**
 * The watcher: polls each target on its own interval, turns samples into transitions, records both,
 * and hands transitions to the hooks. Polling waits for nothing but the poll itself: the history
 * write is synchronous and short (SQLite, WAL), hooks run on their own chains.
 */
import type { Logger } from '../cli/log.js';
import { SEVERITY } from '../model/levels.js';
import type { CheckResult } from '../model/result.js';
import type { CheckRunner } from '../tree/check-runner.js';
import { HookDispatcher, type HookOptions, type TransitionEvent } from './hooks.js';
import { type ProbeFields, probeRunner } from './probe.js';
import { pruneDue, retentionCutoff } from './retention.js';
import type { HistoryStore, Sample } from './store.js';
import type { WatchTarget } from './target.js';
import { INITIAL_STATE, observe, type TargetState, type Transition } from './transitions.js';

export interface WatcherOptions {
  targets: readonly WatchTarget[];
  log: Logger;
  store?: HistoryStore;
  retainMs: number;
  hooks: HookOptions;
}

/** What is known of a target now: its debounced state and its latest sample. */
export interface TargetView {
  target: WatchTarget;
  state: TargetState;
  last?: Sample;
}

interface Entry {
  view: TargetView;
  runner: CheckRunner;
  timer?: NodeJS.Timeout;
}

export class Watcher {
  private readonly entries: Entry[];
  private readonly dispatcher: HookDispatcher;
  private lastPrunedAt: number | undefined;
  private stopped = false;
  /** The last store error logged, so a full disk is reported once rather than at every poll. */
  private storeError: string | undefined;

  constructor(private readonly options: WatcherOptions) {
    const saved = options.store?.loadStates() ?? new Map<string, TargetState>();
    this.entries = options.targets.map((target) => ({
      view: { target, state: saved.get(target.name) ?? INITIAL_STATE },
      runner: probeRunner(target),
    }));
    this.dispatcher = new HookDispatcher(options.log, options.hooks);
  }

  get views(): readonly TargetView[] {
    return this.entries.map((entry) => entry.view);
  }

  view(name: string): TargetView | undefined {
    return this.entries.find((entry) => entry.view.target.name === name)?.view;
  }

  /** Polls every target now and then on its interval, until `stop()`. */
  start(): void {
    this.prune();
    for (const entry of this.entries) this.schedule(entry, 0);
  }

  /** Polls every target once, concurrently; resolves with their latest samples. */
  async pollAll(): Promise<TargetView[]> {
    this.prune();
    await Promise.all(this.entries.map(async (entry) => this.accept(entry, await entry.runner.run())));
    return this.entries.map((entry) => entry.view);
  }

  /**
   * Stops polling (a poll in flight is abandoned), then waits for queued hooks at most `drainMs`.
   * The store is the caller's to close, after this resolves.
   */
  async stop(drainMs: number, options: { abandonRetries?: boolean } = {}): Promise<boolean> {
    this.stopped = true;
    for (const entry of this.entries) {
      clearTimeout(entry.timer);
      entry.runner.stop();
    }
    return this.dispatcher.drain(drainMs, options.abandonRetries ?? true);
  }

  private schedule(entry: Entry, delayMs: number): void {
    if (this.stopped) return;
    entry.timer = setTimeout(() => void this.poll(entry), delayMs);
  }

  /** One poll, then the next one: whatever happens here, the target keeps being polled. */
  private async poll(entry: Entry): Promise<void> {
    const started = Date.now();
    try {
      const result = await entry.runner.run();
      if (this.stopped) return;
      this.accept(entry, result);
      this.prune();
    } catch (error) {
      this.options.log.error('poll failed', { target: entry.view.target.name, error: String(error) });
    }
    this.schedule(entry, Math.max(0, entry.view.target.intervalMs - (Date.now() - started)));
  }

  private accept(entry: Entry, result: CheckResult): void {
    const { target } = entry.view;
    const fields = (result.fields ?? {}) as ProbeFields;
    const sample: Sample = {
      time: result.time,
      target: target.name,
      level: result.level,
      word: fields.word,
      httpCode: fields.httpStatus,
      durationMs: result.durationMs,
      message: result.message,
      intervalMs: target.intervalMs,
    };
    const { state, transition } = observe(entry.view.state, result.level, result.time, target.debounce);
    entry.view = { target, state, last: sample };
    this.write(() => this.options.store?.record(sample, target.displayUrl, state, transition));
    if (transition) this.announce(target, sample, transition);
  }

  private announce(target: WatchTarget, sample: Sample, transition: Transition): void {
    const details = {
      target: target.name,
      url: target.displayUrl,
      ...(sample.word === undefined ? {} : { word: sample.word }),
      ...(sample.httpCode === undefined ? {} : { httpCode: sample.httpCode }),
      ...(sample.message === undefined ? {} : { message: sample.message }),
    };
    const { log } = this.options;
    if (transition.from === undefined) {
      // A target found ok at start is news to no one; one found down is: it alerts (without
      // history, a restarted watcher alerts again rather than stay silent about an outage).
      const fields = { ...details, to: transition.to };
      if (transition.to === 'ok') return log.info(`${target.name} is ${transition.to}`, fields);
      log.warn(`${target.name} is ${transition.to}`, fields);
    } else {
      const line = `${target.name}: ${transition.from} -> ${transition.to}`;
      const fields = { ...details, from: transition.from, to: transition.to };
      if (SEVERITY[transition.to] > SEVERITY[transition.from]) log.warn(line, fields);
      else log.info(line, fields);
    }
    const event: TransitionEvent = {
      target: target.name,
      url: target.displayUrl,
      from: transition.from,
      to: transition.to,
      message: sample.message,
      word: sample.word,
      httpCode: sample.httpCode,
      durationMs: sample.durationMs,
      at: transition.at,
    };
    this.dispatcher.dispatch(target, event);
  }

  private prune(): void {
    const { store, retainMs } = this.options;
    const now = Date.now();
    if (!store || !pruneDue(this.lastPrunedAt, now, retainMs)) return;
    this.lastPrunedAt = now;
    this.write(() => {
      const pruned = store.prune(retentionCutoff(now, retainMs));
      if (pruned.samples + pruned.transitions > 0) this.options.log.info('history pruned', { ...pruned });
    });
  }

  /** A failing history (disk full, file removed) is logged, once per distinct error; polling goes on. */
  private write(action: () => void): void {
    try {
      action();
      this.storeError = undefined;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.storeError) this.options.log.error('history write failed', { error: message });
      this.storeError = message;
    }
  }
}
