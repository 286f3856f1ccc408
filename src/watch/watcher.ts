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
import { type Level, SEVERITY } from '../model/levels.js';
import type { CheckResult } from '../model/result.js';
import type { CheckRunner } from '../tree/check-runner.js';
import { type Assessment, inMaintenance } from './assess.js';
import { weight } from './fleet/rendezvous.js';
import { NotificationGrouper, type Timers } from './grouping.js';
import type {
  Fence,
  HistoryStore,
  MaybePromise,
  RecordExtras,
  Sample,
  StoredTarget,
} from './history-store.js';
import { HookDispatcher, type HookOptions } from './hooks.js';
import { type ChangeEvent, receiversOf } from './notification.js';
import { type ProbeFields, probeRunner } from './probe.js';
import { PushBoard } from './push.js';
import { pruneDue, retentionCutoff } from './retention.js';
import type { ChangeRecord, SampleValues } from './rule-history.js';
import type { Value } from './rules/values.js';
import { type LagSummary, ScheduleLag } from './schedule-lag.js';
import type { WatchTarget } from './target.js';
import { diffTargets, startsFresh, type TargetDiff } from './target-diff.js';
import type { TransitionEvent } from './transition-event.js';
import { INITIAL_STATE, observe, type TargetState, type Transition } from './transitions.js';
import { NO_WINDOWS, type WatchWindows } from './windows.js';

/** What a reload may change. */
export interface WatcherSettings {
  targets: readonly WatchTarget[];
  retainMs: number;
  hooks: HookOptions;
  /** Notifications wait this long to gather what fails together (0: sent at once). */
  groupWaitMs?: number;
  /** The watcher's own maintenance windows. */
  windows?: WatchWindows;
}

export interface WatcherOptions extends WatcherSettings {
  log: Logger;
  store?: HistoryStore;
  /** The grouping's timers (tests drive them by hand). */
  timers?: Timers;
  /** The clock push deadlines are judged by (tests move it). */
  now?: () => number;
  /** A store that answers asynchronously (PostgreSQL): its targets as read at start. */
  savedTargets?: readonly StoredTarget[];
  /**
   * A fleet member: only the targets it holds a lease on are polled, every write carries the lease
   * (the store refuses a stale one), and transitions go to the store's outbox instead of the hooks.
   */
  fleet?: { member: string; region?: string };
}

/** Entering maintenance needs no confirmation: the target (or a window) says so. */
const IMMEDIATE = { failAfter: 1, recoverAfter: 1 };

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
  runner: CheckRunner & { closeProbe(): void };
  timer?: NodeJS.Timeout;
  /** Replaced or removed by a reload: its poll in flight is discarded, its schedule ends. */
  retired?: boolean;
  /** The last known value of each key the rules read (`changed()` compares with it). */
  known: Map<string, Value>;
  /** The level of the last transition notified: a maintenance that ends there is not news. */
  announced?: Level;
  /** A poll is in flight; `again`: poll once more as soon as it ends (a push target was pinged). */
  polling?: boolean;
  again?: boolean;
  /** A fleet member's lease epoch on this target; undefined when another member owns it. */
  epoch?: number;
  /** The lease's key (`name`, or `name@region` for a quorum target). */
  leaseKey?: string;
  /** When the next poll was planned (scheduling lag is measured against it). */
  dueAt?: number;
  /** When the last poll started: pings closer than PING_JUDGE_GAP_MS to it wait for the gap. */
  lastPollAt?: number;
}

/**
 * A push target is judged on a ping at most this often: a flood of pings (a job in a tight loop,
 * or `wrk` on a leaked token) costs one judgement and one history write a second, not one per
 * ping. The last ping within the gap is the one judged, at the gap's end.
 */
export const PING_JUDGE_GAP_MS = 1000;

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
  private readonly grouper: NotificationGrouper;
  private windows: WatchWindows;
  /** Pings of the push targets (`POST /push/<token>` on `--serve`). */
  readonly board: PushBoard;
  /** How late polls start against their plan (/fleet, /metrics). */
  readonly lag = new ScheduleLag();
  /** Polls done since start (the fleet's members table and the benchmark read it). */
  polls = 0;
  /**
   * Polls whose lease moved while they ran (handed over, lost, or taken again under a new epoch):
   * their results are dropped, since the new owner polls the target itself.
   */
  pollsDiscarded = 0;

  constructor(private readonly options: WatcherOptions) {
    this.board = new PushBoard(options.now);
    this.board.configure(options.targets);
    const saved = this.savedStates();
    this.entries = options.targets.map((target) => this.entryOf(target, saved(target)));
    this.retainMs = options.retainMs;
    this.windows = options.windows ?? NO_WINDOWS;
    this.dispatcher = new HookDispatcher(options.log, options.hooks);
    this.grouper = new NotificationGrouper({
      waitMs: options.groupWaitMs ?? 0,
      log: options.log,
      timers: options.timers,
      send: (receiver, notification) => this.dispatcher.send(receiver, notification, this.redactAll),
      dependencies: {
        parentsOf: (name) => this.view(name)?.target.dependsOn ?? [],
        names: () => this.entries.map((entry) => entry.view.target.name),
        levelOf: (name) => this.view(name)?.state.level,
      },
    });
  }

  /** A command's output may echo any target's secrets: mask them all. */
  private readonly redactAll = (text: string) =>
    this.entries.reduce((masked, entry) => entry.view.target.redact(masked), text);

  get views(): readonly TargetView[] {
    return this.entries.map((entry) => entry.view);
  }

  view(name: string): TargetView | undefined {
    return this.entryNamed(name)?.view;
  }

  /** By name, from a map rebuilt when the targets change (the grouping asks for many names). */
  private entryNamed(name: string): Entry | undefined {
    if (this.byName?.entries !== this.entries) {
      this.byName = {
        entries: this.entries,
        map: new Map(this.entries.map((entry) => [entry.view.target.name, entry])),
      };
    }
    return this.byName.map.get(name);
  }

  private byName: { entries: Entry[]; map: Map<string, Entry> } | undefined;

  /** Polls every target now and then on its interval, until `stop()` (a fleet member: those it owns). */
  start(): void {
    this.started = true;
    this.prune();
    this.scheduleRamped(this.entries.filter((entry) => this.owns(entry)));
  }

  /**
   * First polls of targets that start together (the watcher started, a reload added many): one a
   * millisecond, or closer so that all start within their interval. A handful starts at once; ten
   * thousand would otherwise poll in the same instant, and again one interval later, every interval
   * (each burst's last polls late by the time the loop takes to start them all).
   */
  private scheduleRamped(entries: readonly Entry[]): void {
    entries.forEach((entry, index) => {
      const spacingMs = Math.min(1, entry.view.target.intervalMs / entries.length);
      this.schedule(entry, Math.floor(index * spacingMs));
    });
  }

  private owns(entry: Entry): boolean {
    return !this.options.fleet || entry.epoch !== undefined;
  }

  /** Names of the targets this member polls (all of them outside a fleet). */
  get owned(): string[] {
    return this.entries.filter((entry) => this.owns(entry)).map((entry) => entry.view.target.name);
  }

  /**
   * A fleet member took the lease on a target: it carries on from the state the last owner stored
   * (same URL only), and polls it now.
   */
  adopt(name: string, epoch: number, stored: StoredTarget | null, leaseKey = name): void {
    const entry = this.entryNamed(name);
    if (!entry) return;
    entry.epoch = epoch;
    entry.leaseKey = leaseKey;
    if (stored && stored.url === entry.view.target.displayUrl)
      entry.view = { ...entry.view, state: stored.state };
    clearTimeout(entry.timer);
    if (this.started && !entry.polling) this.schedule(entry, firstPollDelay(entry.view.target, stored));
  }

  /** The lease is gone (expired, handed over, or a write was refused): stop polling the target. */
  release(name: string): void {
    const entry = this.entryNamed(name);
    if (!entry) return;
    entry.epoch = undefined;
    clearTimeout(entry.timer);
    this.lag.forget(name);
  }

  /** Scheduling lag over the recent window: how late polls started against their plan. */
  schedulingLag(): LagSummary {
    return this.lag.summary();
  }

  private noteLag(entry: Entry, started: number): void {
    if (entry.dueAt !== undefined) this.lag.note(entry.view.target.name, started - entry.dueAt, started);
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
    this.board.configure(next.targets);
    const saved = diff.added.length > 0 ? this.savedStates() : () => INITIAL_STATE;
    const restarted: Entry[] = [];
    const restart = (entry: Entry) => {
      restarted.push(entry);
      return entry;
    };
    this.entries = next.targets.map((target) => {
      const old = running.get(target.name);
      running.delete(target.name);
      if (!old) return restart(this.entryOf(target, saved(target)));
      const change = changed.get(target.name);
      if (!change) return old;
      retire(old);
      if (startsFresh(change)) return restart(this.entryOf(target, INITIAL_STATE));
      const kept = this.entryOf(target, old.view.state, old.view.last);
      kept.known = old.known;
      kept.announced = old.announced;
      return restart(kept);
    });
    for (const gone of running.values()) {
      retire(gone);
      this.lag.forget(gone.view.target.name);
    }
    this.retainMs = next.retainMs;
    this.dispatcher.configure(next.hooks);
    this.grouper.configure(next.groupWaitMs ?? 0);
    this.windows = next.windows ?? NO_WINDOWS;
    if (this.started) this.scheduleRamped(restarted.filter((entry) => this.owns(entry)));
    for (const listener of this.listeners) listener.reconfigured?.(diff);
    return diff;
  }

  /** Polls every target once, concurrently; resolves with their latest samples. */
  async pollAll(): Promise<TargetView[]> {
    this.prune();
    await Promise.all(
      this.entries.map(async (entry) => this.accept(entry, await entry.runner.run(), this.fenceOf(entry))),
    );
    // A one-shot run has no time to gather more: what it found goes out now.
    this.grouper.flush();
    return this.entries.map((entry) => entry.view);
  }

  /** Judges a target now (a push target that was just pinged), then on its interval again. */
  pollNow(name: string): void {
    const entry = this.entryNamed(name);
    if (!entry || this.stopped || !this.started) return;
    // One poll at a time per target: a ping during a poll asks for another right after it.
    if (entry.polling) {
      entry.again = true;
      return;
    }
    const waitMs = this.pingWait(entry);
    // Already planned within the gap (an earlier ping of the flood): that judgement takes this ping.
    if (waitMs > 0 && entry.dueAt !== undefined && entry.dueAt <= Date.now() + waitMs) return;
    clearTimeout(entry.timer);
    this.schedule(entry, waitMs);
  }

  /** How long a ping's judgement waits for the gap since the last poll started (0: at once). */
  private pingWait(entry: Entry): number {
    if (entry.lastPollAt === undefined) return 0;
    return Math.max(0, entry.lastPollAt + PING_JUDGE_GAP_MS - Date.now());
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
      entry.runner.closeProbe();
    }
    // What waits for its group goes out now rather than never.
    this.grouper.flush();
    return this.dispatcher.drain(drainMs, options.abandonRetries ?? true);
  }

  private schedule(entry: Entry, delayMs: number): void {
    if (this.stopped || entry.retired) return;
    entry.dueAt = Date.now() + delayMs;
    entry.timer = setTimeout(() => void this.poll(entry), delayMs);
  }

  private fenceOf(entry: Entry): Fence | undefined {
    const { fleet } = this.options;
    if (!fleet || entry.epoch === undefined) return undefined;
    return { member: fleet.member, epoch: entry.epoch, ...(entry.leaseKey ? { key: entry.leaseKey } : {}) };
  }

  /**
   * One poll, then the next one: whatever happens here, the target keeps being polled. The lease is
   * taken as it was when the poll started, and the database judges it: this member's belief that it
   * still owns the target is not trusted (it may have been paused past its lease). A result whose
   * lease this member already knows it gave up is not even offered: it would only bounce, as a
   * "stale write" warning for every poll in flight when targets move (a member joining, leaving).
   */
  private async poll(entry: Entry): Promise<void> {
    const started = Date.now();
    entry.lastPollAt = started;
    this.noteLag(entry, started);
    this.polls++;
    entry.polling = true;
    const fence = this.fenceOf(entry);
    let discarded = false;
    try {
      const result = await entry.runner.run();
      if (this.stopped || entry.retired) return;
      discarded = fence !== undefined && entry.epoch !== fence.epoch;
      if (discarded) this.pollsDiscarded++;
      else {
        this.accept(entry, result, fence);
        this.prune();
      }
    } catch (error) {
      this.options.log.error('poll failed', { target: entry.view.target.name, error: String(error) });
    } finally {
      entry.polling = false;
    }
    const again = entry.again === true;
    entry.again = false;
    if (!this.owns(entry)) return;
    let delayMs = again
      ? this.pingWait(entry)
      : Math.max(0, entry.view.target.intervalMs - (Date.now() - started));
    // Taken again while the dropped poll ran: poll now under the new lease, as `adopt` would have.
    if (discarded) delayMs = 0;
    this.schedule(entry, delayMs);
  }

  private accept(entry: Entry, result: CheckResult, fence?: Fence): void {
    const { target } = entry.view;
    const fields = (result.fields ?? {}) as ProbeFields;
    let level = result.level;
    let message = result.message;
    let assessment = fields.assessment;
    const window = this.windows.activeFor(target.name, result.time);
    if (window) {
      const mark = { by: 'window' as const, message: `maintenance window "${window.id}": ${window.message}` };
      assessment = inMaintenance(assessment ?? bareAssessment(result), mark);
      level = 'maintenance';
      message = target.redact(assessment.message ?? mark.message);
    }
    const sample: Sample = {
      time: result.time,
      target: target.name,
      level,
      word: fields.word,
      httpCode: fields.httpStatus,
      durationMs: result.durationMs,
      message,
      intervalMs: target.intervalMs,
      values: this.sampleValues(target, assessment, fields.assessment !== undefined),
    };
    const debounce = level === 'maintenance' ? IMMEDIATE : target.debounce;
    const { state, transition } = observe(entry.view.state, level, result.time, debounce);
    entry.view = { target, state, last: sample };
    const muted = transition !== undefined && this.muted(entry, transition);
    if (muted && sample.values) sample.values.muted = true;
    const inMaintenanceNow = level === 'maintenance';
    const changes = (assessment?.events ?? []).map(
      (event): ChangeRecord => ({
        time: result.time,
        target: target.name,
        url: target.displayUrl,
        rule: event.rule,
        message: target.redact(event.explanation ?? ''),
        muted: inMaintenanceNow,
      }),
    );
    for (const [key, value] of Object.entries(assessment?.recorded ?? {})) entry.known.set(key, value);
    const fleet = this.options.fleet;
    // A quorum target's level is decided by the store from every region's result (fleet/quorum.ts):
    // this region's own reading is shown on --serve, never announced.
    const regional = fleet !== undefined && target.quorum !== undefined;
    const event = transition && !regional ? this.announce(entry, sample, transition, muted) : undefined;
    const extras = fleet ? this.fleetExtras(target, sample, fence, event, regional) : undefined;
    const recorded = regional ? undefined : transition;
    this.write(() => this.options.store?.record(sample, target.displayUrl, state, recorded, changes, extras));
    // A fleet's transitions are delivered from the outbox (fleet/outbox.ts), once for the fleet.
    if (event && !fleet) this.grouper.add({ kind: 'transition', target, event });
    for (const change of changes) this.announceChange(target, change);
    for (const listener of this.listeners) listener.sampled?.(entry.view);
  }

  /** What a fleet's write carries: the lease, the region, the outbox's receivers, a quorum's rules. */
  private fleetExtras(
    target: WatchTarget,
    sample: Sample,
    fence: Fence | undefined,
    event: TransitionEvent | undefined,
    regional: boolean,
  ): RecordExtras {
    const receivers = receiversOf(target).map((r) => r.key);
    const region = this.options.fleet?.region;
    return {
      ...(fence ? { fence } : {}),
      ...(region ? { region } : {}),
      ...(event ? { event: event as unknown as Record<string, unknown>, receivers } : {}),
      ...(regional && target.quorum
        ? {
            receivers,
            quorum: {
              ...target.quorum,
              debounce: target.debounce,
              event: {
                target: target.name,
                url: target.displayUrl,
                ...(sample.word === undefined ? {} : { word: sample.word }),
                ...(sample.httpCode === undefined ? {} : { httpCode: sample.httpCode }),
                durationMs: sample.durationMs,
              },
            },
          }
        : {}),
    };
  }

  /** The rules' part of a sample: what replay and a restart need, nothing when there is nothing. */
  private sampleValues(
    target: WatchTarget,
    assessment: Assessment | undefined,
    judged: boolean,
  ): SampleValues | undefined {
    if (!assessment) return undefined;
    // The base judgement marks an answer that was judged (replay runs new rules only over those):
    // an unreachable target inside a window has a mark but no answer.
    const values: SampleValues = judged ? { base: assessment.base } : {};
    if (target.rules.rules.length > 0) {
      values.recorded = assessment.recorded;
      const failed = assessment.verdicts.filter((v) => v.kind === 'condition' && v.verdict !== 'pass');
      if (failed.length > 0) {
        values.failed = failed.map((v) => ({
          rule: v.rule,
          severity: v.severity,
          verdict: v.verdict,
          ...(v.explanation === undefined ? {} : { explanation: target.redact(v.explanation) }),
        }));
      }
    }
    if (assessment.maintenance) values.maintenance = assessment.maintenance;
    if (assessment.announced) values.announced = assessment.announced;
    const ping = target.source.kind === 'push' ? this.board.last(target.name) : undefined;
    if (ping)
      values.ping = { at: ping.at, level: ping.level, ...(ping.message ? { message: ping.message } : {}) };
    return values;
  }

  /**
   * Maintenance mutes: entering it, and leaving it for the level last notified (a target that was
   * ok, went into maintenance and came back ok is no news). Leaving it for anything else is news.
   */
  private muted(entry: Entry, transition: Transition): boolean {
    if (transition.to === 'maintenance') return true;
    return transition.from === 'maintenance' && transition.to === (entry.announced ?? 'ok');
  }

  /** Logs the transition; returns the event to notify, if it is news. */
  private announce(
    entry: Entry,
    sample: Sample,
    transition: Transition,
    muted: boolean,
  ): TransitionEvent | undefined {
    const { target } = entry.view;
    const details = {
      target: target.name,
      url: target.displayUrl,
      ...(sample.word === undefined ? {} : { word: sample.word }),
      ...(sample.httpCode === undefined ? {} : { httpCode: sample.httpCode }),
      ...(sample.message === undefined ? {} : { message: sample.message }),
      ...(sample.values?.failed ? { rules: sample.values.failed } : {}),
      ...(muted ? { muted: true } : {}),
    };
    const { log } = this.options;
    if (transition.from === undefined) {
      // A target found ok at start is news to no one; one found down is: it alerts (without
      // history, a restarted watcher alerts again rather than stay silent about an outage).
      const fields = { ...details, to: transition.to };
      if (transition.to === 'ok') {
        log.info(`${target.name} is ${transition.to}`, fields);
        return undefined;
      }
      if (muted) log.info(`${target.name} is ${transition.to} (muted)`, fields);
      else log.warn(`${target.name} is ${transition.to}`, fields);
    } else {
      const line = `${target.name}: ${transition.from} -> ${transition.to}${muted ? ' (muted)' : ''}`;
      const fields = { ...details, from: transition.from, to: transition.to };
      if (SEVERITY[transition.to] > SEVERITY[transition.from] && !muted) log.warn(line, fields);
      else log.info(line, fields);
    }
    if (muted) return undefined;
    entry.announced = transition.to;
    return {
      target: target.name,
      url: target.displayUrl,
      from: transition.from,
      to: transition.to,
      message: sample.message,
      word: sample.word,
      httpCode: sample.httpCode,
      durationMs: sample.durationMs,
      at: transition.at,
      ...(sample.values?.failed ? { rules: sample.values.failed } : {}),
    };
  }

  /** A value change an event rule saw: logged, and notified unless the target is in maintenance. */
  private announceChange(target: WatchTarget, change: ChangeRecord): void {
    const fields = {
      target: target.name,
      url: target.displayUrl,
      rule: change.rule,
      ...(change.muted ? { muted: true } : {}),
    };
    this.options.log.info(`${target.name}: ${change.message}${change.muted ? ' (muted)' : ''}`, fields);
    if (change.muted) return;
    const event: ChangeEvent = {
      target: target.name,
      url: target.displayUrl,
      rule: change.rule,
      explanation: change.message,
      at: change.time,
    };
    this.grouper.add({ kind: 'change', target, event });
  }

  /**
   * The history's state for a target, when it has one for the same name and URL: a target whose URL
   * changed is another service, and starts fresh rather than inherit its level and `since`.
   */
  private savedStates(): (target: WatchTarget) => TargetState {
    let rows: readonly StoredTarget[] = [];
    try {
      rows = settled(this.options.store?.targets()) ?? this.options.savedTargets ?? [];
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

  /** A target's entry: its runner reads the entry's known values, and the push board. */
  private entryOf(target: WatchTarget, state: TargetState, last?: Sample): Entry {
    const known = new Map<string, Value>();
    const entry: Entry = {
      view: { target, state, ...(last === undefined ? {} : { last }) },
      known,
      runner: probeRunner(target, { previous: () => entry.known, board: this.board, now: this.options.now }),
    };
    if (state.level !== undefined) this.restoreValues(entry);
    return entry;
  }

  /** From the history: the last known values (for `changed()`) and a push target's last ping. */
  private restoreValues(entry: Entry): void {
    const { store } = this.options;
    if (!store) return;
    const apply = ({ known, ping }: Awaited<ReturnType<HistoryStore['lastValues']>>) => {
      entry.known = known as Map<string, Value>;
      if (ping) this.board.restore(entry.view.target.name, ping);
    };
    const failed = (error: unknown) =>
      this.options.log.error('history read failed', { error: (error as Error).message });
    try {
      const found = store.lastValues(entry.view.target.name);
      if (found instanceof Promise) found.then(apply, failed);
      else apply(found);
    } catch (error) {
      failed(error);
    }
  }

  private prune(): void {
    const { store } = this.options;
    const { retainMs } = this;
    const now = Date.now();
    if (!store || !pruneDue(this.lastPrunedAt, now, retainMs)) return;
    this.lastPrunedAt = now;
    const report = (pruned: { samples: number; transitions: number }) => {
      if (pruned.samples + pruned.transitions > 0) this.options.log.info('history pruned', { ...pruned });
    };
    this.write(() => {
      const pruned = store.prune(retentionCutoff(now, retainMs));
      if (pruned instanceof Promise) return pruned.then(report);
      report(pruned);
    });
  }

  /** A failing history (disk full, file removed) is logged, once per distinct error; polling goes on. */
  private write(action: () => MaybePromise<void> | undefined): void {
    const failed = (error: unknown) => {
      const message = (error as Error).message;
      if (message !== this.storeError) this.options.log.error('history write failed', { error: message });
      this.storeError = message;
    };
    try {
      const done = action();
      if (done instanceof Promise) done.catch(failed);
      else this.storeError = undefined;
    } catch (error) {
      failed(error);
    }
  }
}

/** A result without an assessment (the target could not be reached) for a window to mark. */
function bareAssessment(result: CheckResult): Assessment {
  return {
    level: result.level,
    base: { level: result.level, ...(result.message === undefined ? {} : { message: result.message }) },
    verdicts: [],
    events: [],
    recorded: {},
    ...(result.message === undefined ? {} : { message: result.message }),
  };
}

/**
 * When an adopted target is first polled: on its cadence when it was polled lately (a handover
 * keeps the rhythm), else at a point of its interval spread by its name. Thousands of targets taken
 * at once (a fleet started, a member gone for a while) would otherwise all poll in the same
 * instant, and again an interval later, each burst starting its last polls late.
 */
function firstPollDelay(target: WatchTarget, stored: StoredTarget | null): number {
  const interval = target.intervalMs;
  const due = stored?.lastTime === undefined ? undefined : stored.lastTime + interval - Date.now();
  if (due !== undefined && due >= 0) return Math.min(interval, due);
  // A well-mixed hash: a plain polynomial one puts `t300`, `t301`, … a few ms apart, in one burst.
  return weight('', target.name) % interval;
}

/** A store's answer when it came at once; undefined for one still on its way. */
function settled<T>(value: MaybePromise<T> | undefined): T | undefined {
  if (!(value instanceof Promise)) return value;
  value.catch(() => {});
  return undefined;
}

function retire(entry: Entry): void {
  entry.retired = true;
  clearTimeout(entry.timer);
  entry.runner.stop();
  entry.runner.closeProbe();
}
