/**
 * The probes' answers: `/health/live`, `/health/ready`, `/health/started` and `/health/<group>`.
 * Each is a pure function of the lifecycle, the app's hold on readiness and (when the verdict
 * needs one) a snapshot, so the HTTP routes and the watchdog's published copy say the same.
 *
 * - started: 503 while starting (neither up nor down: the `unknown` word), 200 ever after;
 * - live: 200 while starting whatever the liveness group says; then the group (no check without one);
 * - ready: 503 while starting, draining or held back; then the readiness group or the overall level.
 */
import type { LifecycleState } from '../lifecycle/lifecycle.js';
import type { HttpCodeMap } from '../model/http-codes.js';
import type { Level } from '../model/levels.js';
import type { Vocabulary } from '../model/vocabulary.js';
import { formatPath } from '../tree/paths.js';
import type { Snapshot } from '../tree/snapshot.js';
import type { MaybePromise, RequestContext } from './context.js';
import { type GroupJudge, type HealthGroup, memberWords, parseExclusions } from './probes.js';
import { json } from './responses.js';
import type { ComponentPath } from './selection.js';
import type { StatusResponse } from './types.js';

export type ProbeKind = 'live' | 'ready' | 'started';

export interface ProbeAnswer {
  code: number;
  body: Record<string, unknown>;
}

/** What the probes read besides snapshots. */
export interface ProbeState {
  lifecycle(): LifecycleState;
  /** Why the app holds readiness back (`setReadiness(false, reason)`), or undefined. */
  heldBack(): string | undefined;
  /** What a start still waits for, while starting. */
  startupWaitsFor(): string;
  /** Whether the start is decided by components (judged on snapshots), not only by `markStarted()`. */
  startupJudgesComponents(): boolean;
}

export interface ProbesConfig {
  vocabulary: Vocabulary;
  httpCodes: HttpCodeMap;
  live?: HealthGroup;
  ready?: HealthGroup;
  /** Readiness with `?exclude=` and no readiness group: every top-level component, the status's aggregation. */
  everything: HealthGroup;
  judge: GroupJudge;
  state: ProbeState;
  snapshot: () => MaybePromise<Snapshot>;
}

/** A readiness verdict drawn from a snapshot: its level and, when statuskit decided it, why. */
export interface ReadinessVerdict {
  level: Level;
  reason?: string;
}

/** The components readiness follows (their tree paths); undefined when it follows the whole document. */
export interface ReadinessScope {
  readonly components: readonly (readonly string[])[];
}

/**
 * Reviews the readiness verdict drawn from the snapshot (never the ones for starting, shutting
 * down or held back): returns another verdict, or undefined to keep it. The cluster's
 * correlated-failure guard is one.
 */
export type ReadinessReview = (
  verdict: ReadinessVerdict,
  snapshot: Snapshot,
  scope: ReadinessScope | undefined,
) => ReadinessVerdict | undefined;

const SHUTTING_DOWN = 'shutting down';

export class Probes {
  private reviews: readonly ReadinessReview[] = [];

  constructor(private readonly config: ProbesConfig) {}

  /** Adds a review of the readiness verdict; reviews run in the order added, each seeing the last's verdict. */
  addReadinessReview(review: ReadinessReview): () => void {
    if (typeof review !== 'function') throw new TypeError('addReadinessReview: expected a function');
    this.reviews = [...this.reviews, review];
    return () => {
      this.reviews = this.reviews.filter((r) => r !== review);
    };
  }

  /** Whether the probe's verdict reads a snapshot (and so runs checks). */
  needsSnapshot(kind: ProbeKind): boolean {
    const { state } = this.config;
    const lifecycle = state.lifecycle();
    if (kind === 'started') return lifecycle === 'starting' && state.startupJudgesComponents();
    if (kind === 'live') return lifecycle !== 'starting' && this.config.live !== undefined;
    if (lifecycle === 'draining' || lifecycle === 'stopped') return false;
    if (lifecycle === 'starting' && !state.startupJudgesComponents()) return false;
    return state.heldBack() === undefined;
  }

  /** A probe's answer; `snapshot` is required when `needsSnapshot(kind)` says so. */
  answer(
    kind: ProbeKind,
    snapshot: Snapshot | undefined,
    exclude: readonly ComponentPath[] = [],
  ): ProbeAnswer {
    if (kind === 'started') return this.started();
    if (kind === 'live') return this.live(snapshot, exclude);
    return this.ready(snapshot, exclude);
  }

  /** A named group's answer, with its members' words when `showMembers`. */
  group(group: HealthGroup, snapshot: Snapshot, exclude: readonly ComponentPath[], showMembers: boolean) {
    const { answer, verdict } = this.judged(group, snapshot, exclude, group.httpCodes);
    if (showMembers)
      answer.body.components = memberWords(verdict.selected.members, this.config.vocabulary.component);
    return answer;
  }

  /** The snapshot `/status?group=` renders: the selection, with the group's level at its root. */
  groupSnapshot(group: HealthGroup, snapshot: Snapshot): Snapshot {
    const verdict = this.config.judge.judge(group, snapshot);
    verdict.document ??= {
      ...snapshot,
      root: { ...verdict.selected.root, level: verdict.level },
      level: verdict.level,
    };
    return verdict.document;
  }

  /** The probe as an HTTP answer: takes a snapshot only when the verdict needs one. */
  respond(kind: ProbeKind, context: RequestContext): MaybePromise<StatusResponse> {
    const exclude = parseExclusions(context.search);
    if (!this.needsSnapshot(kind)) return toResponse(this.answer(kind, undefined, exclude));
    return withSnapshot(this.config.snapshot(), (snapshot) =>
      toResponse(this.answer(kind, snapshot, exclude)),
    );
  }

  /** `/health/<group>`: members are shown to callers whose tier shows details, when the group allows it. */
  respondGroup(group: HealthGroup, context: RequestContext): MaybePromise<StatusResponse> {
    const exclude = parseExclusions(context.search);
    const answer = (snapshot: Snapshot, show: boolean) =>
      toResponse(this.group(group, snapshot, exclude, show));
    if (!group.details) return withSnapshot(this.config.snapshot(), (snapshot) => answer(snapshot, false));
    const decision = context.authorize();
    const show = (settled: Awaited<typeof decision>) => settled.allowed && settled.disclosure.details;
    if (decision instanceof Promise)
      return decision.then((settled) =>
        withSnapshot(this.config.snapshot(), (s) => answer(s, show(settled))),
      );
    return withSnapshot(this.config.snapshot(), (snapshot) => answer(snapshot, show(decision)));
  }

  private started(): ProbeAnswer {
    if (this.config.state.lifecycle() !== 'starting') return this.word('ok', 200);
    return this.word('unknown', 503, `starting: ${this.config.state.startupWaitsFor()}`);
  }

  private live(snapshot: Snapshot | undefined, exclude: readonly ComponentPath[]): ProbeAnswer {
    const group = this.config.live;
    // A slow start is not a dead process: the liveness group waits for the start.
    if (!group || !snapshot || this.config.state.lifecycle() === 'starting') return this.word('ok', 200);
    return this.judged(group, snapshot, exclude, this.config.httpCodes).answer;
  }

  private ready(snapshot: Snapshot | undefined, exclude: readonly ComponentPath[]): ProbeAnswer {
    const { state } = this.config;
    const lifecycle = state.lifecycle();
    if (lifecycle === 'draining' || lifecycle === 'stopped') return this.word('critical', 503, SHUTTING_DOWN);
    if (lifecycle === 'starting') return this.word('unknown', 503, `starting: ${state.startupWaitsFor()}`);
    const heldBack = state.heldBack();
    if (heldBack !== undefined) return this.word('critical', 503, heldBack);
    if (!snapshot) return this.word('unknown', 503, 'no snapshot');
    const group = this.config.ready ?? (exclude.length > 0 ? this.config.everything : undefined);
    const { httpCodes } = this.config;
    if (!group) return this.reviewed({ level: snapshot.level }, snapshot, undefined, undefined);
    const { answer, verdict } = this.judged(group, snapshot, exclude, httpCodes);
    if (this.reviews.length === 0) return answer;
    const scope = { components: verdict.selected.members.map((member) => member.path) };
    return this.reviewed({ level: verdict.level, reason: verdict.reason }, snapshot, scope, answer);
  }

  /** The readiness verdict after every review; `answer` is kept when no review changed it. */
  private reviewed(
    drawn: ReadinessVerdict,
    snapshot: Snapshot,
    scope: ReadinessScope | undefined,
    answer: ProbeAnswer | undefined,
  ): ProbeAnswer {
    let verdict = drawn;
    for (const review of this.reviews) verdict = review(verdict, snapshot, scope) ?? verdict;
    if (answer && verdict === drawn) return answer;
    return this.word(verdict.level, this.config.httpCodes[verdict.level], verdict.reason);
  }

  /** A group's verdict as a probe answer; names what the caller excluded that matched nothing. */
  private judged(
    group: HealthGroup,
    snapshot: Snapshot,
    exclude: readonly ComponentPath[],
    codes: HttpCodeMap,
  ) {
    const verdict = this.config.judge.judge(group, snapshot, exclude);
    const answer = this.word(verdict.level, codes[verdict.level], verdict.reason);
    // Only what the caller asked to exclude: a group's own excludes may name optional components.
    const ignored = verdict.selected.unmatched.filter((path) => exclude.includes(path));
    if (ignored.length > 0)
      answer.body.warnings = ignored.map(
        (path) => `exclude "${formatPath(path)}" matches no component of this probe`,
      );
    return { answer, verdict };
  }

  private word(level: Level, code: number, reason?: string): ProbeAnswer {
    const body: Record<string, unknown> = { status: this.config.vocabulary.overall[level] };
    if (reason) body.reason = reason;
    return { code, body };
  }
}

function toResponse(answer: ProbeAnswer): StatusResponse {
  return json(answer.code, answer.body, false);
}

function withSnapshot<T>(snapshot: MaybePromise<Snapshot>, use: (snapshot: Snapshot) => T): MaybePromise<T> {
  return snapshot instanceof Promise ? snapshot.then(use) : use(snapshot);
}
