/**
 * What the public status page reads, and the only thing it reads: a narrow interface so the page
 * does not depend on how the watch history is stored. The SQLite history implements it in
 * sqlite-source.ts (synchronously: answers at once), the fleet's PostgreSQL history in
 * pg-source.ts (with promises); the page awaits every answer, so neither pays for the other's shape.
 */
import type { Level } from '../model/levels.js';
import type { AnnouncedMaintenance } from '../watch/assess.js';
import type { MaybePromise } from '../watch/history-store.js';

/** One UTC day of one target: time per observed level, and the time nobody was looking. */
export interface DayRollup {
  /** The day's start, ms since the epoch (UTC midnight). */
  day: number;
  /** Observed time per raw level (maintenance included, as its own level). */
  byLevel: Record<Level, number>;
  /** Time of the day (up to now) after the target's first sample that no sample covers: the watcher was not looking. */
  gapMs: number;
}

/** Response times of one hour. */
export interface HourTimes {
  /** The hour's start, ms since the epoch. */
  hour: number;
  count: number;
  meanMs: number;
  maxMs: number;
}

/** What is known of a target now, from the last sample seen. */
export interface CurrentState {
  target: string;
  /** The debounced level; undefined before the first poll. */
  level?: Level;
  since?: number;
  lastTime?: number;
  lastDurationMs?: number;
  /** Who put the target in maintenance when it is: its own notice, or one of the watcher's windows. */
  maintenanceBy?: 'target' | 'window';
  /** When the target says its maintenance takes place (seed 002's notices). */
  announced?: AnnouncedMaintenance;
}

/** A debounced level change. */
export interface PageTransition {
  /** The history's id of the transition, where it has one (PostgreSQL: incidents follow it once). */
  id?: number;
  time: number;
  target: string;
  from?: Level;
  to: Level;
}

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const INCIDENT_IMPACTS = ['minor', 'major', 'critical'] as const;
export type IncidentImpact = (typeof INCIDENT_IMPACTS)[number];

export interface IncidentUpdate {
  id: number;
  at: number;
  status: IncidentStatus;
  message: string;
}

export interface Incident {
  id: number;
  title: string;
  /** Targets concerned, by their configured (internal) names. */
  targets: string[];
  impact: IncidentImpact;
  status: IncidentStatus;
  /** Opened by a transition to critical (and closed by recovery) rather than by an operator. */
  automatic: boolean;
  openedAt: number;
  resolvedAt?: number;
  /** Oldest first. */
  updates: IncidentUpdate[];
}

export interface NewIncident {
  title: string;
  targets: readonly string[];
  impact: IncidentImpact;
  status: Exclude<IncidentStatus, 'resolved'>;
  message: string;
  automatic?: boolean;
  /** The transition that opened it: a fleet opens one incident per transition, whoever follows it. */
  transitionId?: number;
  at: number;
}

export interface NewUpdate {
  status?: IncidentStatus;
  message: string;
  /** The transition that wrote it (a recovery): written once per incident and transition. */
  transitionId?: number;
  at: number;
}

export interface StatusPageSource {
  /** Daily rollups of `target` for the days starting in [fromDay, toDay], each day present (zeros when nothing). */
  daily(target: string, fromDay: number, toDay: number, now: number): MaybePromise<DayRollup[]>;
  /** Hourly response times since `since`. */
  responseTimes(target: string, since: number): MaybePromise<HourTimes[]>;
  /** Every target seen, by name. */
  current(): MaybePromise<Map<string, CurrentState>>;
  transitions(since: number, target?: string): MaybePromise<PageTransition[]>;
  incidents(query: { openOnly?: boolean; since?: number; limit?: number }): MaybePromise<Incident[]>;
  incident(id: number): MaybePromise<Incident | undefined>;
  openIncident(input: NewIncident): MaybePromise<Incident>;
  /** Undefined for an unknown id. A `resolved` status resolves it. */
  addUpdate(id: number, update: NewUpdate): MaybePromise<Incident | undefined>;
  /**
   * Increments on every change the page shows (a new state, an incident written by anyone). Read
   * at every request, so it answers from memory: a PostgreSQL source keeps it current by polling.
   */
  version(): number;
}

/** Where the page's data comes in, for a source that does not follow the history by itself. */
export interface StatusPageSink {
  /** One poll and the debounced state after it; the transition it made, if any. */
  ingest(
    sample: {
      time: number;
      target: string;
      level: Level;
      durationMs: number;
      intervalMs: number;
      maintenanceBy?: 'target' | 'window';
    },
    state: { level?: Level; since?: number },
  ): PageTransition | undefined;
}
