/**
 * The watcher: polls each target on its own interval, turns samples into transitions, records both,
 * and hands transitions to the hooks. Polling waits for nothing but the poll itself: the history
 * write is synchronous and short (SQLite, WAL), hooks run on their own chains.
 *
 * A reload (`reconfigure`) swaps the set of targets in place: a target whose settings are unchanged
 * keeps its entry (schedule, debounce state, `since`); a changed one gets a new runner and keeps its
 * state when its URL is the same; a target's state belongs to its name *and* URL, at a reload as at a
 * start from the history.
 */
import type { Logger } from '../client/log.js';
import { SEVERITY } from '../model/levels.js';
import type { CheckResult } from '../model/result.js';
import type { CheckRunner } from '../tree/check-runner.js';
import { HookDispatcher, type HookOptions } from './hooks.js';
import { type ProbeFields, probeRunner } from './probe.js';
import { pruneDue, retentionCutoff } from './retention.js';
import type { HistoryStore, Sample, StoredTarget } from './store.js';
import type { WatchTarget } from './target.js';
import { diffTargets, startsFresh, type TargetDiff } from './target-diff.js';
import type { TransitionEvent } from './transition-event.js';
import { INITIAL_STATE, observe, type TargetState, type Transition } from './transitions.js';

/** What a reload may change. */
export interface WatcherSettings {
  targets: readonly WatchTarget[];
  retainMs: number;
  hooks: HookOptions;
}

export interface WatcherOptions extends WatcherSettings {
  log: Logger;
  store?: HistoryStore;
}

/** Told of each poll and each reload (the `--serve` document follows the targets this way). */
export interface WatcherListener {
  sampled?(view: TargetView): void;
  reconfigured?(diff: TargetDiff): void;
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
  /** Replaced or removed by a reload: its poll in flight is discarded, its schedule ends. */
  retired?: boolean;
}

export class Watcher {
  private entries: Entry[];
  private readonly dispatcher: HookDispatcher;
  private readonly listeners = new Set<WatcherListener>();
  private retainMs: number;
  private lastPrunedAt: number | undefined;
  private started = false;
  private stopped = false;
  /** The last store error logged, so a full disk is reported once rather than at every poll. */
  private storeError: string | undefined;

  constructor(private readonly options: WatcherOptions) {
    const saved = this.savedStates();
    this.entries = options.targets.map((target) => entryOf(target, saved(target)));
    this.retainMs = options.retainMs;
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
    this.started = true;
    this.prune();
    for (const entry of this.entries) this.schedule(entry, 0);
  }

  subscribe(listener: WatcherListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Applies a reload. Unchanged targets go on untouched; changed ones are polled at once with their
   * new settings (keeping their state when the URL is the same, starting fresh otherwise); removed
   * ones stop (their queued hooks still run); new ones start, from the history's state if it holds
   * one for the same name and URL. Hook options and retention apply from the next use on.
   */
  reconfigure(next: WatcherSettings): TargetDiff {
    const diff = diffTargets(
      this.entries.map((entry) => entry.view.target),
      next.targets,
    );
    const running = new Map(this.entries.map((entry) => [entry.view.target.name, entry]));
    const changed = new Map(diff.changed.map((change) => [change.target.name, change]));
    const saved = diff.added.length > 0 ? this.savedStates() : () => INITIAL_STATE;
    const restarted: Entry[] = [];
    const restart = (entry: Entry) => {
      restarted.push(entry);
      return entry;
    };
    this.entries = next.targets.map((target) => {
      const old = running.get(target.name);
      running.delete(target.name);
      if (!old) return restart(entryOf(target, saved(target)));
      const change = changed.get(target.name);
      if (!change) return old;
      retire(old);
      return restart(
        startsFresh(change) ? entryOf(target, INITIAL_STATE) : entryOf(target, old.view.state, old.view.last),
      );
    });
    for (const gone of running.values()) retire(gone);
    this.retainMs = next.retainMs;
    this.dispatcher.configure(next.hooks);
    if (this.started) for (const entry of restarted) this.schedule(entry, 0);
    for (const listener of this.listeners) listener.reconfigured?.(diff);
    return diff;
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
    if (this.stopped || entry.retired) return;
    entry.timer = setTimeout(() => void this.poll(entry), delayMs);
  }

  /** One poll, then the next one: whatever happens here, the target keeps being polled. */
  private async poll(entry: Entry): Promise<void> {
    const started = Date.now();
    try {
      const result = await entry.runner.run();
      if (this.stopped || entry.retired) return;
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
    for (const listener of this.listeners) listener.sampled?.(entry.view);
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
      if (transition.to === 'ok') {
        log.info(`${target.name} is ${transition.to}`, fields);
        return;
      }
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

  /**
   * The history's state for a target, when it has one for the same name and URL: a target whose URL
   * changed is another service, and starts fresh rather than inherit its level and `since`.
   */
  private savedStates(): (target: WatchTarget) => TargetState {
    let rows: StoredTarget[] = [];
    try {
      rows = this.options.store?.targets() ?? [];
    } catch (error) {
      // A reload must not fail on the history: the targets start fresh instead.
      this.options.log.error('history read failed', { error: (error as Error).message });
    }
    const stored = new Map(rows.map((row) => [row.name, row]));
    return (target) => {
      const row = stored.get(target.name);
      return row?.url === target.displayUrl ? row.state : INITIAL_STATE;
    };
  }

  private prune(): void {
    const { store } = this.options;
    const { retainMs } = this;
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

function entryOf(target: WatchTarget, state: TargetState, last?: Sample): Entry {
  return { view: { target, state, ...(last === undefined ? {} : { last }) }, runner: probeRunner(target) };
}

function retire(entry: Entry): void {
  entry.retired = true;
  clearTimeout(entry.timer);
  entry.runner.stop();
}
