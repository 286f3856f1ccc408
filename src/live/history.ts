import type { Disclosure } from '../access/types.js';
import type { StatusHost } from '../host.js';
import type { Snapshot } from '../tree/snapshot.js';
import { type Duration, optionalDuration, parseDuration } from '../util/duration.js';
import { LiveEvent } from './event.js';
import { type ChartPoints, type HistoryChart, type HistorySources, sourceCharts } from './history-charts.js';
import { HistoryStore } from './history-store.js';
import { StatusTimeline, type Transition, transitionJson } from './history-timeline.js';
import { LiveError } from './protocol.js';
import { resolveSources } from './sources.js';

export type { HistoryChart, HistorySources, HistoryVitals } from './history-charts.js';
export type { Transition } from './history-timeline.js';

/** Sizes and pace of the history. Every duration is text with a unit (`1s`, `1h`) or ms. */
export interface HistoryOptions {
  /** Sampling interval of the fine ring. Default 1 s, or the vitals sampler's interval when slower. */
  interval?: Duration;
  /** How far back the fine ring reaches. Default 1 h. */
  span?: Duration;
  /** Time one coarse point covers. Default 1 min. */
  coarseInterval?: Duration;
  /** How far back the coarse ring reaches. Default 24 h. */
  coarseSpan?: Duration;
  /** Series kept at most over all charts (memory is 8 bytes × points per series). Default 64. */
  maxSeries?: number;
  /** Transitions kept. Default 500. */
  maxTransitions?: number;
  /** How often the status tree is evaluated for transitions when no one else evaluates it. Default 1 s. */
  statusInterval?: Duration;
  /** More charts to record, by name (`responseTime: { unit: 'ms', read: () => [['api', 12]] }`). */
  charts?: Record<string, HistoryChart>;
}

export interface HistoryInputs extends HistoryOptions, HistorySources {
  status: StatusHost;
  onError?: (error: unknown) => void;
  /** The clock samples are stamped with (tests drive a fast one). Default `Date.now`. */
  clock?: () => number;
}

/** What `history <topics> [since]` asks for. */
export interface HistoryRequest {
  /** Chart names, `transitions`, or `all`. */
  topics: readonly string[];
  /** Epoch ms: points and transitions after this instant. */
  since: number;
  /** How `since` was written, when it was a range back from now (`15m`): answers to it are cached. */
  range?: string;
  /** Every transition kept, whatever `since` (the first push of the `history` topic: the timeline is state). */
  allTransitions?: boolean;
}

/** A new sample, told to listeners (the feed pushes it to `history` subscribers). */
export interface HistorySample {
  time: number;
  transitions: readonly Transition[];
}

export interface HistoryStats {
  samples: number;
  series: number;
  /** Bytes of the rings (fixed once a series exists). */
  bytes: number;
  /** Bytes the rings may reach: (maxSeries + 1) × (fine + coarse points) × 8. */
  capBytes: number;
  droppedSeries: number;
  transitions: number;
  intervalMs: number;
}

/** The default range of a window: what the dashboard draws the moment it opens. */
export const DEFAULT_RANGE = '15m';
export const TRANSITIONS = 'transitions';
export const ALL = 'all';

const CACHE_ENTRIES = 32;

/**
 * The live feed's memory: every chart series at the sampling interval for the last hour and at a
 * coarse step for the last day (`HistoryStore`), and the last transitions of the document and its
 * components (`StatusTimeline`). It samples on its own timer from the moment it is created, so a
 * client that connects later gets the past at once (`history <topics> [since]`, SSE replay).
 * Answers are serialized from the rings, once per sample for each (topics, range, tier).
 */
export class History {
  readonly intervalMs: number;
  private readonly store: HistoryStore;
  private readonly timeline: StatusTimeline;
  private readonly charts: Map<string, HistoryChart>;
  private readonly units: Record<string, string> = {};
  private readonly listeners = new Set<(sample: HistorySample) => void>();
  private readonly answers = new Map<string, string>();
  private readonly statusIntervalMs: number;
  private readonly capBytes: number;
  private readonly clock: () => number;
  private readonly onError: (error: unknown) => void;
  private readonly metricsSource: () => Record<string, unknown> | undefined;
  private sampleTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private lastObserved = Number.NEGATIVE_INFINITY;
  private polling = false;

  constructor(private readonly inputs: HistoryInputs) {
    if (typeof inputs?.status?.snapshot !== 'function')
      throw new TypeError('createHistory: `status` (a StatusKit from createStatus()) is required');
    this.clock = inputs.clock ?? Date.now;
    this.onError = inputs.onError ?? (() => {});
    const sizes = historySizes(inputs);
    this.intervalMs = sizes.intervalMs;
    this.statusIntervalMs = sizes.statusIntervalMs;
    this.capBytes = sizes.capBytes;
    const metrics = resolveSources({ metrics: inputs.metrics, sources: inputs.sources }).metrics;
    this.metricsSource = () => {
      const data = metrics?.();
      return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : undefined;
    };
    this.timeline = new StatusTimeline(sizes.maxTransitions);
    this.charts = this.chartsOf(inputs);
    for (const [name, chart] of this.charts) this.units[name] = chart.unit;
    this.store = new HistoryStore({
      ...sizes,
      aggregateOf: (chart) => this.charts.get(chart)?.aggregate ?? 'mean',
    });
  }

  /** Starts sampling and polling the status (timers unref'ed: they never keep a process alive). */
  start(): this {
    if (this.sampleTimer) return this;
    this.sampleTimer = setInterval(() => this.sample(), this.intervalMs);
    this.sampleTimer.unref();
    this.statusTimer = setInterval(() => void this.pollStatus(), this.statusIntervalMs);
    this.statusTimer.unref();
    void this.pollStatus();
    return this;
  }

  stop(): void {
    clearInterval(this.sampleTimer);
    clearInterval(this.statusTimer);
    this.sampleTimer = undefined;
    this.statusTimer = undefined;
  }

  /** Tells of every new sample; returns the removal. */
  onSample(listener: (sample: HistorySample) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A snapshot someone evaluated (the feed's status polls, `status` commands): recorded, and this
   * history's own poll skips its next turn, so the tree is not evaluated twice for one interval.
   */
  observe(snapshot: Snapshot): void {
    this.lastObserved = this.clock();
    this.timeline.observe(snapshot);
  }

  /** Takes one sample of every chart now (the timer's work; tests call it with a fast clock). */
  sample(time = this.clock()): void {
    const values = new Map<string, Map<string, number | null>>();
    const put = (chart: string, points: ChartPoints | undefined) => {
      if (points && points.length > 0) values.set(chart, new Map(points.map(([l, v]) => [l, v ?? null])));
    };
    this.readMetrics = once(this.metricsSource);
    for (const [name, chart] of this.charts) {
      try {
        put(name, chart.read());
      } catch (error) {
        this.onError(error);
      }
    }
    const previous = this.store.samples;
    this.store.record(time, values);
    if (this.store.samples === previous) return;
    this.answers.clear();
    const sample: HistorySample = { time, transitions: this.timeline.takeNew() };
    for (const listener of this.listeners) {
      try {
        listener(sample);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  /** Parses `history <topics> [since]`'s arguments; throws a LiveError the client can act on. */
  request(args: readonly string[], disclosure: Disclosure): HistoryRequest {
    const [topicText, sinceText = DEFAULT_RANGE, extra] = args;
    if (!topicText || extra !== undefined)
      throw new LiveError('bad_request', `history needs topics and at most a since: "history cpu,memory 1h"`);
    const topics = [...new Set(topicText.split(','))];
    const unknown = topics.find((t) => t !== ALL && t !== TRANSITIONS && !this.charts.has(t));
    if (unknown !== undefined)
      throw new LiveError(
        'unknown_topic',
        `no history of "${unknown.slice(0, 50)}"; history topics: ${[ALL, ...this.topicNames()].join(', ')}`,
      );
    const charts = topics.filter((topic) => topic !== ALL && topic !== TRANSITIONS);
    if (charts.length > 0 && !disclosure.details)
      throw new LiveError('forbidden', `history of ${charts[0]} is not visible to this caller`);
    return { topics, ...parseSince(sinceText, this.clock()) };
  }

  /** The charts recorded so far and `transitions`: what `history` has something to answer for. */
  topicNames(): string[] {
    return [...this.store.chartNames(), TRANSITIONS];
  }

  /**
   * The answer to a request, as JSON: the points after `since` at the finest resolution kept that
   * far back, the units, and the transitions. Served from the rings; the same request, range and
   * tier within one sample interval gets the same string.
   */
  window(request: HistoryRequest, disclosure: Disclosure): string {
    const key =
      request.range &&
      `${request.topics.join(',')}|${request.range}|${request.allTransitions === true}|${disclosure.key}`;
    const cached = key && this.answers.get(key);
    if (cached) return cached;
    const everything = request.topics.includes(ALL);
    const charts = disclosure.details
      ? this.store.chartNames().filter((chart) => everything || request.topics.includes(chart))
      : [];
    const withTransitions = everything || request.topics.includes(TRANSITIONS);
    const units = Object.fromEntries(charts.map((chart) => [chart, this.units[chart] ?? '']));
    const transitions = withTransitions
      ? `,"transitions":[${this.timeline
          .after(request.allTransitions ? Number.NEGATIVE_INFINITY : request.since, disclosure)
          .map((t) => transitionJson(t, disclosure))
          .join(',')}]`
      : '';
    const to = this.store.latestTime ?? this.clock();
    const restricted = !disclosure.details && everything ? ',"restricted":true' : '';
    // A tier without details gets the shape of an `all` answer with nothing in it.
    const points =
      charts.length > 0 || (everything && disclosure.details)
        ? `,${this.store.windowJson(request.since, charts)}`
        : everything
          ? ',"time":[],"charts":{}'
          : '';
    const json =
      `{"kind":"window","history":${JSON.stringify(request.topics)},"from":${request.since},"to":${to},` +
      `"intervalMs":${this.intervalMs},"units":${JSON.stringify(units)}${points}${transitions}${restricted}}`;
    if (key) {
      if (this.answers.size >= CACHE_ENTRIES) this.answers.clear();
      this.answers.set(key, json);
    }
    return json;
  }

  /** The push of one sample: the latest point of every chart and the transitions since the last one. */
  sampleJson(sample: HistorySample, disclosure: Disclosure): string {
    const charts = disclosure.details ? this.store.latestJson(this.store.chartNames()) : '{}';
    const transitions = sample.transitions
      .filter((t) => disclosure.details || t.summary)
      .map((t) => transitionJson(t, disclosure));
    return `{"kind":"sample","time":${sample.time},"charts":${charts},"transitions":[${transitions.join(',')}]}`;
  }

  stats(): HistoryStats {
    return {
      samples: this.store.samples,
      series: this.store.series,
      bytes: this.store.bytes,
      capBytes: this.capBytes,
      droppedSeries: this.store.droppedSeries,
      transitions: this.timeline.size,
      intervalMs: this.intervalMs,
    };
  }

  private async pollStatus(): Promise<void> {
    // Someone else evaluated the tree within this interval (the feed's watch): no second evaluation.
    if (this.polling || this.clock() - this.lastObserved < this.statusIntervalMs * 0.9) return;
    this.polling = true;
    try {
      this.observe(await this.inputs.status.snapshot());
    } catch (error) {
      this.onError(error);
    } finally {
      this.polling = false;
    }
  }

  /** The metrics source, read at most once per sample (several charts may fall back to it). */
  private readMetrics: () => Record<string, unknown> | undefined = () => undefined;

  /** The sources' charts, the status's own two, then the caller's. */
  private chartsOf(inputs: HistoryInputs): Map<string, HistoryChart> {
    const charts = sourceCharts(inputs, () => this.readMetrics());
    charts.set('levels', { unit: 'level', aggregate: 'max', read: () => this.timeline.levelPoints() });
    charts.set('checks', { unit: 'ms', read: () => this.timeline.takeResponseTimes() });
    for (const [name, chart] of Object.entries(inputs.charts ?? {})) {
      if (typeof chart?.read !== 'function')
        throw new TypeError(`createHistory: charts.${name} needs read() returning [label, value] pairs`);
      if (name === TRANSITIONS || name === ALL)
        throw new TypeError(`createHistory: "${name}" cannot name a chart`);
      charts.set(name, {
        unit: String(chart.unit ?? ''),
        aggregate: chart.aggregate,
        read: () => chart.read(),
      });
    }
    return charts;
  }
}

/**
 * The `history` topic's current state, cut per tier, as one event: every chart since `since`
 * (`15m`) and every transition kept (what a page needs to open on the past).
 */
export function historyWindowEvent(history: History, id: number, since: string): LiveEvent {
  const render = (disclosure: Disclosure) =>
    history.window({ ...history.request([ALL, since], disclosure), allTransitions: true }, disclosure);
  return new LiveEvent('history', id, render, true);
}

/** One sample's push, cut per tier. */
export function historySampleEvent(history: History, sample: HistorySample, id: number): LiveEvent {
  return new LiveEvent('history', id, (disclosure) => history.sampleJson(sample, disclosure), true);
}

export function createHistory(inputs: HistoryInputs): History {
  return new History(inputs).start();
}

/** The rings' sizes and the pace, from the options (durations with units or ms). */
function historySizes(inputs: HistoryInputs) {
  const ms = (value: Duration | undefined, fallback: number, name: string) =>
    positive(optionalDuration(value, fallback, `history.${name}`), name);
  // A sampler slower than a second sets the pace; a faster one is read once a second.
  const intervalMs = ms(
    inputs.interval,
    Math.max(1000, positiveNumber(inputs.vitals?.intervalMs) ?? 0),
    'interval',
  );
  const coarseStepMs = ms(inputs.coarseInterval, 60_000, 'coarseInterval');
  const fineCapacity = Math.ceil(ms(inputs.span, 3_600_000, 'span') / intervalMs);
  const coarseCapacity = Math.ceil(ms(inputs.coarseSpan, 86_400_000, 'coarseSpan') / coarseStepMs);
  const maxSeries = count(inputs.maxSeries, 64, 'maxSeries');
  return {
    intervalMs,
    statusIntervalMs: ms(inputs.statusInterval, 1000, 'statusInterval'),
    coarseStepMs,
    fineCapacity,
    coarseCapacity,
    maxSeries,
    maxTransitions: count(inputs.maxTransitions, 500, 'maxTransitions'),
    capBytes: (maxSeries + 1) * (fineCapacity + coarseCapacity) * 8,
  };
}

/**
 * `15m` (back from now) or epoch milliseconds (after that instant). A bare number too short to be
 * an instant of this century (`5`) is a duration without its unit, and refused as one.
 */
function parseSince(text: string, now: number): { since: number; range?: string } {
  if (/^\d{13,}$/.test(text)) return { since: Number(text) };
  try {
    return { since: now - parseDuration(text, 'since'), range: text };
  } catch (error) {
    throw new LiveError(
      'bad_request',
      `${(error as Error).message}; since is a range like 15m, 1h, 24h or epoch milliseconds`,
    );
  }
}

function once<T>(read: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = read();
      done = true;
    }
    return value;
  };
}

function positive(ms: number, name: string): number {
  if (!(ms > 0)) throw new RangeError(`createHistory: ${name} must be more than 0 ms`);
  return ms;
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function count(value: number | undefined, fallback: number, name: string): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen <= 0)
    throw new RangeError(`createHistory: ${name} must be a positive integer, got ${String(value)}`);
  return chosen;
}
