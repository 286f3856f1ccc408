/**
 * A service's lifecycle: starting -> ready -> draining -> stopped. The probes read it (starting is
 * neither up nor down; draining turns readiness 503 before any listener closes), the document can
 * show it (mount `status.lifecycle` as a leaf), and the watchdog publishes it.
 */
import { Announcer } from '../tree/change-signal.js';
import type { StatusReadable } from '../tree/nodes.js';

export const LIFECYCLE_STATES = ['starting', 'ready', 'draining', 'stopped'] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/** What the document shows: the state and when it was entered (ISO 8601). */
export interface LifecycleView {
  readonly state: LifecycleState;
  readonly since: string;
}

export type LifecycleListener = (view: LifecycleView) => void;

/**
 * The state machine. It only moves forward (a draining service never becomes ready again), so a
 * late `started()` during shutdown changes nothing. `readStatus()` returns the same frozen object
 * until the next transition: a mounted lifecycle leaf keeps documents cached between transitions.
 */
export class Lifecycle implements StatusReadable {
  private view: LifecycleView;
  private enteredAt: number;
  private readonly listeners = new Set<LifecycleListener>();
  /** Documents that mount the lifecycle are re-read on transitions only. */
  readonly statusChanges = new Announcer();

  constructor(
    initial: 'starting' | 'ready',
    private readonly now: () => number = Date.now,
  ) {
    this.enteredAt = now();
    this.view = freeze(initial, this.enteredAt);
  }

  get state(): LifecycleState {
    return this.view.state;
  }

  /** Epoch ms at which the current state was entered. */
  get since(): number {
    return this.enteredAt;
  }

  /** Moves to `state` if it lies ahead of the current one; returns whether it moved. */
  advance(state: LifecycleState): boolean {
    if (LIFECYCLE_STATES.indexOf(state) <= LIFECYCLE_STATES.indexOf(this.view.state)) return false;
    this.enteredAt = this.now();
    this.view = freeze(state, this.enteredAt);
    this.statusChanges.announce();
    for (const listener of [...this.listeners]) {
      try {
        listener(this.view);
      } catch {
        // A listener's failure must not stop a shutdown half-way.
      }
    }
    return true;
  }

  /** Calls `listener` on every transition; returns its removal. */
  onChange(listener: LifecycleListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  readStatus(): LifecycleView {
    return this.view;
  }
}

function freeze(state: LifecycleState, at: number): LifecycleView {
  return Object.freeze({ state, since: new Date(at).toISOString() });
}
