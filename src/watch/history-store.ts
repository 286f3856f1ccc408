/**
 * The one history interface the watcher, `watch history`, replay and `--serve` read through. Two
 * implementations: SQLite (store.ts; synchronous, one watcher) and PostgreSQL (postgres/store.ts;
 * asynchronous, a fleet). Every method may answer at once or with a promise: callers `await` it, so
 * neither store pays for the other's shape.
 */
import type { Level } from '../model/levels.js';
import type { AnnouncedMaintenance, MaintenanceMark } from './assess.js';
import type { LevelSample } from './availability.js';
import type { Judgement } from './judge.js';
import type { TargetState, Transition } from './transitions.js';

export type MaybePromise<T> = T | Promise<T>;

export interface Sample {
  time: number;
  target: string;
  /** The raw observed level (before debouncing). */
  level: Level;
  word?: string;
  httpCode?: number;
  durationMs: number;
  message?: string;
  intervalMs: number;
  /** What the rules saw (a JSON column; see rule-history.ts). */
  values?: SampleValues;
}

export interface SampleValues {
  base?: Judgement;
  /** The values the rules read, by their text. */
  recorded?: Record<string, unknown>;
  /** Failed and unknown conditions, with what was seen and expected. */
  failed?: { rule: string; severity: string; verdict: string; explanation?: string }[];
  maintenance?: MaintenanceMark;
  /** When the target says its maintenance takes place (the status page shows it). */
  announced?: AnnouncedMaintenance;
  /** A push target's last ping. */
  ping?: { at: number; level: Level; message?: string };
  /** The transition this sample caused was recorded but not notified (maintenance). */
  muted?: boolean;
}

export interface ChangeRecord {
  time: number;
  target: string;
  url: string;
  rule: string;
  message: string;
  muted: boolean;
}

/** A stored sample with what replay needs: its rule values always there (empty when none). */
export interface RuleSample extends Omit<Sample, 'values'> {
  values: SampleValues;
}

export interface TransitionRecord {
  time: number;
  target: string;
  url: string;
  from?: Level;
  to: Level;
  word?: string;
  httpCode?: number;
  message?: string;
}

export interface StoredTarget {
  name: string;
  url: string;
  state: TargetState;
  lastTime?: number;
}

export interface Pruned {
  samples: number;
  transitions: number;
  changes?: number;
}

/** The lease a fleet member held when it polled: a write is refused unless it is still current. */
export interface Fence {
  member: string;
  epoch: number;
  /** The lease's key: the target's name, or `name@region` for a target polled from regions. */
  key?: string;
}

/** What a write carries besides the sample (fleet stores use all of it, SQLite none). */
export interface RecordExtras {
  fence?: Fence;
  /** Receiver keys of the target: the transition's outbox rows (transactional outbox). */
  receivers?: readonly string[];
  /** The transition's notification, stored in each outbox row. */
  event?: Record<string, unknown>;
  /** The watcher's region (quorum targets keep each region's result). */
  region?: string;
  /**
   * A target polled from several regions: the store keeps this region's result and decides the
   * level from the quorum and the stored debounce state, in the write's transaction.
   */
  quorum?: {
    regions: readonly string[];
    downWhen: number;
    debounce: { failAfter: number; recoverAfter: number };
    /** The notification's fields other than from / to / message / at. */
    event: Record<string, unknown>;
  };
}

/** One day of one target, from the day rollup (the status page's bars). */
export interface DayAvailability {
  /** Start of the UTC day, epoch ms. */
  day: number;
  /** Observed time per level. */
  byLevel: Record<Level, number>;
  /** Time no live member polled the target (observer gaps), kept apart. */
  gapMs: number;
  samples: number;
  ratio?: number;
}

/** A poll's round trip (the status page's response-time chart). */
export interface ResponseTime {
  time: number;
  durationMs: number;
  level: Level;
}

export interface HistoryStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the history is, safe to print (a database URL without its password). */
  readonly file: string;
  /** Stored targets with their debounce state. */
  targets(): MaybePromise<StoredTarget[]>;
  /** A sample, the transition and value changes it caused, and the target's new state, atomically. */
  record(
    sample: Sample,
    url: string,
    state: TargetState,
    transition?: Transition,
    changes?: readonly ChangeRecord[],
    extras?: RecordExtras,
  ): MaybePromise<void>;
  transitions(since: number, target?: string): MaybePromise<TransitionRecord[]>;
  changes(since: number, target?: string): MaybePromise<ChangeRecord[]>;
  ruleSamples(since: number, target?: string): MaybePromise<Iterable<RuleSample>>;
  lastValues(target: string): MaybePromise<{ known: Map<string, unknown>; ping?: SampleValues['ping'] }>;
  /** A target's samples from `start` on, preceded by the last one before it, in time order. */
  levelSamples(target: string, start: number): MaybePromise<Iterable<LevelSample>>;
  /** Per-UTC-day availability of one target over the last `days` days (from the day rollup). */
  dailyAvailability(target: string, days: number, now?: number): MaybePromise<DayAvailability[]>;
  /** Poll durations of one target since `since` (the status page charts the last 24 h). */
  responseTimes(target: string, since: number): MaybePromise<ResponseTime[]>;
  prune(cutoff: number): MaybePromise<Pruned>;
  count(table: 'samples' | 'transitions', target?: string): MaybePromise<number>;
  close(): MaybePromise<void>;
}
