import type { Disclosure } from '../access/types.js';
import { type Level, SEVERITY } from '../model/levels.js';
import { checkNodes, type Snapshot } from '../tree/snapshot.js';
import type { ChartPoints } from './history-charts.js';

/** A level change of the whole document (`component: ""`) or of one component (its path). */
export interface Transition {
  /** Epoch ms of the snapshot that showed the change. */
  time: number;
  /** The component's path (`database`, `cache.redis`); `""` for the whole document. */
  component: string;
  from: Level;
  to: Level;
  /** The component's message at the change (shown only to tiers allowed messages). */
  message?: string;
  /** Kept in summaries: the whole document and components marked `summary: true`. */
  summary: boolean;
}

/** Longest message kept with a transition: the ring's memory stays bounded whatever a check says. */
const MAX_MESSAGE = 300;

/**
 * What the status did: a ring of the last transitions, and per sample each component's level and
 * each new check result's response time (for the `levels` and `checks` charts). It reads each new
 * snapshot once: an unchanged one (the same version) costs one comparison.
 */
export class StatusTimeline {
  private version = -1;
  private readonly levels = new Map<string, Level>();
  private readonly resultTimes = new Map<string, number>();
  /** Response times of results new since the last sample, taken by it. */
  private fresh: ChartPoints = [];
  private readonly ring: Transition[] = [];
  private start = 0;
  /** Transitions since the last `takeNew()`. */
  private unsent: Transition[] = [];
  /** Increases with every transition: a version for caches of answers. */
  count = 0;

  constructor(private readonly capacity: number) {}

  /** Observes a snapshot; records the level changes since the previous one. */
  observe(snapshot: Snapshot): void {
    if (snapshot.version === this.version) return;
    this.version = snapshot.version;
    const seen = new Set<string>(['']);
    this.compare('', snapshot.level, undefined, true, snapshot.time);
    for (const node of checkNodes(snapshot.root)) {
      const path = node.path.join('.');
      const result = node.check!;
      seen.add(path);
      this.compare(
        path,
        node.level ?? result.level,
        result.message,
        node.options.summary === true,
        snapshot.time,
      );
      if (this.resultTimes.get(path) !== result.time) {
        this.resultTimes.set(path, result.time);
        this.fresh.push([path, responseTime(result)]);
      }
    }
    // Removed components leave quietly (no transition: they did not change, they went away).
    for (const path of this.levels.keys()) {
      if (!seen.has(path)) {
        this.levels.delete(path);
        this.resultTimes.delete(path);
      }
    }
  }

  /** Each known component's severity now (0 ok … 4 critical), for the `levels` chart. */
  levelPoints(): ChartPoints {
    return [...this.levels].map(([path, level]) => [path, SEVERITY[level]]);
  }

  /** Response times of the results that came in since the previous call. */
  takeResponseTimes(): ChartPoints {
    const points = this.fresh;
    this.fresh = [];
    return points;
  }

  /** Transitions recorded since the previous call. */
  takeNew(): Transition[] {
    const list = this.unsent;
    this.unsent = [];
    return list;
  }

  /** Transitions after `since`, oldest first, as `disclosure` may see them. */
  after(since: number, disclosure: Disclosure): Transition[] {
    const out: Transition[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const transition = this.ring[(this.start + i) % this.ring.length];
      if (transition.time > since && visible(transition, disclosure)) out.push(transition);
    }
    return out;
  }

  get size(): number {
    return this.ring.length;
  }

  private compare(path: string, level: Level, message: string | undefined, summary: boolean, time: number) {
    const before = this.levels.get(path);
    this.levels.set(path, level);
    if (before === undefined || before === level) return;
    const transition: Transition = { time, component: path, from: before, to: level, summary };
    if (message !== undefined) transition.message = message.slice(0, MAX_MESSAGE);
    this.push(transition);
  }

  private push(transition: Transition): void {
    if (this.ring.length < this.capacity) this.ring.push(transition);
    else {
      this.ring[this.start] = transition;
      this.start = (this.start + 1) % this.capacity;
    }
    this.unsent.push(transition);
    if (this.unsent.length > this.capacity) this.unsent.shift();
    this.count += 1;
  }
}

/** A transition as JSON for `disclosure`: messages only for tiers allowed them. */
export function transitionJson(transition: Transition, disclosure: Disclosure): string {
  const { time, component, from, to, message } = transition;
  const shown = disclosure.details && disclosure.messages && message !== undefined ? { message } : {};
  return JSON.stringify({ time, component, from, to, ...shown });
}

export function visible(transition: Transition, disclosure: Disclosure): boolean {
  return disclosure.details || transition.summary;
}

/**
 * A check's response time: the latency it observed (`observedValue` in ms: an HTTP round trip, a
 * watched target's poll), else how long the check itself took.
 */
function responseTime(result: {
  durationMs: number;
  observedValue?: unknown;
  observedUnit?: string;
}): number {
  return result.observedUnit === 'ms' && typeof result.observedValue === 'number'
    ? result.observedValue
    : result.durationMs;
}
