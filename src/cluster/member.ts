/**
 * One instance's membership in its service's cluster: publishes its report once per interval,
 * merges everyone's into the cluster view, and plugs the view into the status through `StatusHost`
 * (the `?scope=cluster` route, the summary at the mount path, the readiness guard). Requests only
 * read the last merge: publishing costs one store call per interval, never one per request.
 */
import { hostname } from 'node:os';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import type { StatusHost } from '../host.js';
import type { Removal } from '../http/handler.js';
import { json } from '../http/responses.js';
import type { StatusResponse } from '../http/types.js';
import { wrapInEnvelope } from '../render/envelope.js';
import { correlatedFailure, failingComponents, type GuardOptions } from './guard.js';
import type { QuorumRule } from './quorum.js';
import { clusterDocument, clusterSummary } from './render.js';
import { type InstanceReport, reportOf } from './report.js';
import { clusterRoute } from './route.js';
import type { ClusterStore } from './store.js';
import {
  type ClusterView,
  type MergeOptions,
  mergeView,
  type StoredReport,
  unavailableView,
} from './view.js';

/** Settings of a member, resolved (durations in ms). */
export interface MemberSettings {
  service: string;
  instance: string;
  version?: string;
  intervalMs: number;
  ttlMs: number;
  rule: QuorumRule;
  /** The correlated-failure guard; undefined when off. */
  guard?: GuardOptions;
  /** Where the summary goes in this instance's document; undefined for nowhere. */
  mount?: string;
  /** False for an observer that reads the view without being an instance of the service. */
  publish: boolean;
  onError: (error: unknown) => void;
}

/** When this process started (epoch ms), as every report says. */
const PROCESS_STARTED_AT = Math.round(Date.now() - process.uptime() * 1000);

/**
 * Members of this process by the instance they publish as. A reloaded agent builds a new member
 * before closing the old one: the old one then hands over silently instead of saying goodbye.
 */
const membersByInstance = new Map<string, Set<ClusterMember>>();

export class ClusterMember {
  private view: ClusterView;
  private staleView: { of: ClusterView; view: ClusterView } | undefined;
  private readonly answers = new Map<string, StatusResponse>();
  private answersOf: ClusterView | undefined;
  private summaryOf: ClusterView | undefined;
  private summaryJson = '';
  private summary: Record<string, unknown> = {};
  private lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly removals: Removal[] = [];
  private closed = false;

  constructor(
    private readonly host: StatusHost,
    private readonly store: ClusterStore,
    readonly settings: MemberSettings,
  ) {
    this.view = unavailableView(this.mergeOptions(), 'no exchange with the store yet');
  }

  /** Plugs the view into the status and starts publishing; resolves after the first exchange. */
  async start(): Promise<this> {
    const { host, settings } = this;
    const members = membersByInstance.get(this.identity) ?? new Set();
    membersByInstance.set(this.identity, members.add(this));
    this.removals.push(host.addRoute(clusterRoute(host, (details, pretty) => this.answer(details, pretty))));
    if (settings.guard)
      this.removals.push(host.addReadinessReview((v, s, scope) => this.review(v, s, scope)));
    if (settings.mount) {
      const mount = settings.mount;
      host.provider(mount, () => this.currentSummary());
      this.removals.push(() => host.remove(mount));
    }
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), settings.intervalMs);
    this.timer.unref();
    return this;
  }

  /**
   * The last merge, or an unavailable view once it is older than the TTL (the store went quiet, the
   * timer stopped), and at least two intervals, so a slow exchange never makes it flicker.
   */
  current(): ClusterView {
    const view = this.view;
    const { ttlMs, intervalMs } = this.settings;
    if (Date.now() - view.time <= Math.max(ttlMs, 2 * intervalMs)) return view;
    if (this.staleView?.of !== view) {
      const reason = `no exchange with the ${view.store} store for ${Math.round((Date.now() - view.time) / 1000)} s`;
      this.staleView = { of: view, view: unavailableView(this.mergeOptions(), reason) };
    }
    return this.staleView.view;
  }

  /** Publishes and merges now (the timer does it every interval). Concurrent calls share one run. */
  refresh(): Promise<void> {
    this.inFlight ??= this.exchange().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * Says goodbye (a last report as `leaving`, unless a successor in this process publishes as the
   * same instance), stops, and takes the route, guard and summary back.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.inFlight;
    const members = membersByInstance.get(this.identity);
    members?.delete(this);
    if (members?.size === 0) membersByInstance.delete(this.identity);
    const successor = (members?.size ?? 0) > 0;
    if (this.settings.publish && !successor) {
      try {
        await this.store.exchange(await this.ownReport('leaving'));
      } catch (error) {
        this.settings.onError(error);
      }
    }
    for (const remove of this.removals.splice(0)) remove();
    await this.store.close();
  }

  private get identity(): string {
    return `${this.store.kind}|${this.settings.service}|${this.settings.instance}`;
  }

  private async exchange(): Promise<void> {
    let report: InstanceReport | undefined;
    if (this.settings.publish && !this.closed) {
      report = await this.ownReport(this.host.isDraining ? 'leaving' : 'serving').catch((error) => {
        this.settings.onError(error);
        return undefined;
      });
    }
    try {
      const stored = await this.store.exchange(report);
      this.view = mergeView(withOwn(stored, report), this.mergeOptions());
    } catch (error) {
      this.view = unavailableView(this.mergeOptions(), `cluster store unreachable: ${messageOf(error)}`);
    }
  }

  private async ownReport(state: InstanceReport['state']): Promise<InstanceReport> {
    const snapshot = await this.host.snapshot();
    const elu = performance.eventLoopUtilization(this.lastElu);
    this.lastElu = performance.eventLoopUtilization();
    const { instance, version } = this.settings;
    return reportOf(snapshot, {
      id: instance,
      version,
      startedAt: PROCESS_STARTED_AT,
      elu: elu.utilization,
      state,
    });
  }

  private review: Parameters<StatusHost['addReadinessReview']>[0] = (verdict, snapshot, scope) => {
    const guard = this.settings.guard;
    // Only a verdict of failing checks: not maintenance, not a missing component of the group.
    if (!guard || verdict.level !== 'critical' || verdict.reason !== undefined) return undefined;
    const failing = failingComponents(snapshot, scope);
    if (!failing) return undefined;
    const reason = correlatedFailure(failing, this.current(), this.settings.instance, guard);
    return reason === undefined ? undefined : { level: 'warning', reason };
  };

  /** The document for `?scope=cluster`, rendered once per merge for each (details, pretty). */
  private answer(details: boolean, pretty: boolean): StatusResponse {
    const view = this.current();
    if (this.answersOf !== view) {
      this.answers.clear();
      this.answersOf = view;
    }
    const key = `${details}|${pretty}`;
    let response = this.answers.get(key);
    if (!response) {
      const { host } = this;
      const document = clusterDocument(view, host.style, details);
      const body = host.envelope ? wrapInEnvelope(document, view.level, host.envelope) : document;
      response = json(host.httpCodes[view.level], body, pretty);
      this.answers.set(key, response);
    }
    return response;
  }

  /** The same object while the summary reads the same, so the instance's document stays cached. */
  private currentSummary(): Record<string, unknown> {
    const view = this.current();
    if (this.summaryOf === view) return this.summary;
    this.summaryOf = view;
    const summary = clusterSummary(view, this.host.style);
    const text = JSON.stringify(summary);
    if (text !== this.summaryJson) {
      this.summaryJson = text;
      this.summary = summary;
    }
    return this.summary;
  }

  private mergeOptions(): MergeOptions {
    const { service, instance, ttlMs, rule } = this.settings;
    return { service, store: this.store.kind, rule, ttlMs, selfId: instance, now: Date.now() };
  }
}

/** This instance as it just published, whatever the store returned for it. */
function withOwn(stored: StoredReport[], own: InstanceReport | undefined): StoredReport[] {
  if (!own) return stored;
  return [...stored.filter((entry) => entry.report.id !== own.id), { report: own, ageMs: 0 }];
}

/** `<hostname>-<pid>`, made safe as an instance name. */
export function defaultInstanceName(): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return `${host.slice(0, 100) || 'instance'}-${process.pid}`;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
