/**
 * Transition detection for one watched target, kept pure: the previous state and one observed level
 * in, the next state and (maybe) a transition out. The state is plain data so the history store can
 * persist it: a restarted watcher, or `watch --once` run from cron, carries on where it stopped
 * instead of alerting again or forgetting a half-confirmed failure.
 *
 * The debounce rule is the check runner's hysteresis (src/tree/check-runner.ts): the reported level
 * gets worse only after `failAfter` consecutive results worse than it, and better only after
 * `recoverAfter` consecutive better ones; the level adopted is the latest of the streak. The runner's
 * own copy cannot be seeded from history nor tell a transition apart, hence this one.
 */
import { type Level, SEVERITY } from '../model/levels.js';

export interface Debounce {
  /** Consecutive worse results before the reported level gets worse. */
  failAfter: number;
  /** Consecutive better results before the reported level gets better. */
  recoverAfter: number;
}

export interface TargetState {
  /** The reported (debounced) level; undefined before the first observation. */
  level?: Level;
  /** Epoch ms of the last transition (or the first observation). */
  since?: number;
  /** The latest raw level of a streak waiting for confirmation. */
  pending?: Level;
  /** How many results the pending streak has. */
  streak: number;
}

export interface Transition {
  at: number;
  /** Undefined for the first observation of a target. */
  from?: Level;
  to: Level;
}

export interface Observation {
  state: TargetState;
  transition?: Transition;
}

export const INITIAL_STATE: TargetState = Object.freeze({ streak: 0 });

export function observe(state: TargetState, observed: Level, at: number, debounce: Debounce): Observation {
  if (state.level === undefined) {
    return { state: { level: observed, since: at, streak: 0 }, transition: { at, to: observed } };
  }
  if (observed === state.level) return { state: { level: state.level, since: state.since, streak: 0 } };
  const worse = SEVERITY[observed] > SEVERITY[state.level];
  const needed = worse ? debounce.failAfter : debounce.recoverAfter;
  const continues = state.pending !== undefined && isWorse(state.pending, state.level) === worse;
  const streak = continues ? state.streak + 1 : 1;
  if (streak >= needed) {
    return {
      state: { level: observed, since: at, streak: 0 },
      transition: { at, from: state.level, to: observed },
    };
  }
  return { state: { level: state.level, since: state.since, pending: observed, streak } };
}

function isWorse(level: Level, than: Level): boolean {
  return SEVERITY[level] > SEVERITY[than];
}
