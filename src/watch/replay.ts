/**
 * `statuskit watch replay`: runs a config's rules and debouncing over the stored samples and
 * tells the incidents and notifications they would have produced, next to those recorded under
 * the rules then in force. Pure over the samples: the store streams them in.
 *
 * A stored sample holds the values the rules of its time read (rule-history.ts), the base
 * judgement (word, code, check level) and why it was maintenance. New rules that read a value no
 * rule read then replay it as unknown, and the report says which values were missing how often.
 */
import { type Level, SEVERITY } from '../model/levels.js';
import { assess, inMaintenance } from './assess.js';
import type { ChangeRecord, RuleSample } from './rule-history.js';
import { lazyAnswer } from './rules/answer.js';
import type { Value } from './rules/values.js';
import type { TransitionRecord } from './store.js';
import type { WatchTarget } from './target.js';
import { observe, type TargetState } from './transitions.js';
import type { WatchWindows } from './windows.js';

export interface Incident {
  target: string;
  start: number;
  /** Undefined while it is still open at the end of the window. */
  end?: number;
  worst: Level;
  message?: string;
}

export interface Notified {
  target: string;
  time: number;
  /** `ok -> critical`, `is critical`, or the rule of a change. */
  what: string;
  message?: string;
}

export interface Outcome {
  incidents: Incident[];
  notifications: Notified[];
}

export interface TargetReplay {
  target: string;
  samples: number;
  recorded: Outcome;
  replayed: Outcome;
  /** Values the new rules read that the history does not hold, with how many samples lack them. */
  missing: Record<string, number>;
}

const IMMEDIATE = { failAfter: 1, recoverAfter: 1 };

/** The new rules over one target's samples (time order). */
export function replayTarget(
  target: WatchTarget,
  samples: Iterable<RuleSample>,
  windows: WatchWindows,
  recordedTransitions: readonly TransitionRecord[],
  recordedChanges: readonly ChangeRecord[],
): TargetReplay {
  const known = new Map<string, Value>();
  const missing: Record<string, number> = {};
  const mutedAt = new Set<number>();
  let state: TargetState | undefined;
  let announced: Level | undefined;
  const replayedTransitions: { time: number; from: Level; to: Level; message?: string; muted: boolean }[] =
    [];
  const notifications: Notified[] = [];
  let count = 0;
  for (const sample of samples) {
    count++;
    if (sample.values.muted) mutedAt.add(sample.time);
    const { level, message, events } = rejudge(target, sample, known, windows, missing);
    if (state === undefined) {
      // The replay starts from what was seen first: no "first observation" to announce.
      state = { level, since: sample.time, streak: 0 };
      announced = level;
      continue;
    }
    const next = observe(state, level, sample.time, level === 'maintenance' ? IMMEDIATE : target.debounce);
    state = next.state;
    const transition = next.transition;
    if (transition?.from !== undefined) {
      const muted =
        transition.to === 'maintenance' ||
        (transition.from === 'maintenance' && transition.to === (announced ?? 'ok'));
      replayedTransitions.push({
        time: transition.at,
        from: transition.from,
        to: transition.to,
        message,
        muted,
      });
      if (!muted) {
        announced = transition.to;
        notifications.push({
          target: target.name,
          time: transition.at,
          what: `${transition.from} -> ${transition.to}`,
          ...(message ? { message } : {}),
        });
      }
    }
    if (level !== 'maintenance') {
      for (const event of events)
        notifications.push({
          target: target.name,
          time: sample.time,
          what: event.rule,
          message: event.explanation,
        });
    }
  }
  const recordedNotifications: Notified[] = [
    ...recordedTransitions
      .filter((t) => !mutedAt.has(t.time) && (t.from !== undefined || t.to !== 'ok'))
      .map((t) => ({
        target: t.target,
        time: t.time,
        what: t.from === undefined ? `is ${t.to}` : `${t.from} -> ${t.to}`,
        ...(t.message ? { message: t.message } : {}),
      })),
    ...recordedChanges
      .filter((c) => !c.muted)
      .map((c) => ({ target: c.target, time: c.time, what: c.rule, message: c.message })),
  ].sort((a, b) => a.time - b.time);
  return {
    target: target.name,
    samples: count,
    recorded: {
      incidents: incidentsOf(
        target.name,
        recordedTransitions.map((t) => ({ time: t.time, to: t.to, message: t.message })),
      ),
      notifications: recordedNotifications,
    },
    replayed: {
      incidents: incidentsOf(
        target.name,
        replayedTransitions.map((t) => ({ time: t.time, to: t.to, message: t.message })),
      ),
      notifications,
    },
    missing,
  };
}

/** One stored sample judged by the target's rules of now. */
function rejudge(
  target: WatchTarget,
  sample: RuleSample,
  known: Map<string, Value>,
  windows: WatchWindows,
  missing: Record<string, number>,
): { level: Level; message?: string; events: { rule: string; explanation?: string }[] } {
  const { values } = sample;
  const window = windows.activeFor(target.name, sample.time);
  if (!values.base) {
    // No answer was judged (unreachable, timed out): the rules have nothing to read.
    const level = window ? 'maintenance' : sample.level;
    return { level, ...(sample.message ? { message: sample.message } : {}), events: [] };
  }
  const recorded = new Map(Object.entries(values.recorded ?? {}));
  for (const key of target.rules.keys.keys()) {
    if (!recorded.has(key) && !isSampleColumn(key)) missing[key] = (missing[key] ?? 0) + 1;
  }
  const base = values.base;
  const answer = lazyAnswer(undefined, {
    ...(sample.httpCode === undefined ? {} : { status: sample.httpCode }),
    time: sample.durationMs,
    ...(base.word === undefined ? {} : { word: base.word }),
    level: base.level,
    ...(base.message === undefined ? {} : { message: base.message }),
  });
  let assessment = assess(target, answer, base, known, recorded);
  if (values.maintenance?.by === 'target' && target.targetMaintenance)
    assessment = inMaintenance(assessment, values.maintenance);
  if (window)
    assessment = inMaintenance(assessment, {
      by: 'window',
      message: `maintenance window "${window.id}": ${window.message}`,
    });
  for (const [key, value] of recorded) known.set(key, value);
  return {
    level: assessment.level,
    ...(assessment.message ? { message: target.redact(assessment.message) } : {}),
    events: assessment.events,
  };
}

/** Names every sample stores in its own columns: never missing. */
function isSampleColumn(key: string): boolean {
  return key === 'status' || key === 'time' || key === 'word' || key === 'level' || key === 'message';
}

/** Periods whose reported level was neither ok nor maintenance. */
function incidentsOf(
  target: string,
  transitions: readonly { time: number; to: Level; message?: string }[],
): Incident[] {
  const incidents: Incident[] = [];
  let open: Incident | undefined;
  for (const t of transitions) {
    const bad = t.to !== 'ok' && t.to !== 'maintenance';
    if (bad && !open) {
      open = { target, start: t.time, worst: t.to, ...(t.message ? { message: t.message } : {}) };
      incidents.push(open);
    } else if (bad && open && SEVERITY[t.to] > SEVERITY[open.worst]) open.worst = t.to;
    else if (!bad && open) {
      open.end = t.time;
      open = undefined;
    }
  }
  return incidents;
}
