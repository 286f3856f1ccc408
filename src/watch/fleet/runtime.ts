/**
 * A watcher as a fleet member: the coordinator (membership, leases) and the outbox sender around
 * one Watcher and one PostgreSQL store, started and stopped in the order that loses nothing; and
 * what `--serve` shows of the fleet (the `fleet` component, `/fleet`, and counters on /metrics).
 */
import type { Logger } from '../../client/log.js';
import type { Route } from '../../http/handler.js';
import { json } from '../../http/responses.js';
import type { CheckOutcome } from '../../model/result.js';
import type { HookOptions } from '../hooks.js';
import type { PgHistoryStore } from '../postgres/store.js';
import type { Watcher } from '../watcher.js';
import { FleetCoordinator, type FleetSettings } from './coordinator.js';
import { type FreshnessSummary, fleetFreshness } from './freshness.js';
import { OutboxSender } from './outbox.js';

export const FLEET_PATH = '/fleet';

export interface ServeExtras {
  /** Gauges by metric name, read at each scrape. */
  gauges: Record<string, () => number>;
  routes: Route[];
  components: Record<string, () => CheckOutcome>;
}

export class FleetRuntime {
  readonly coordinator: FleetCoordinator;
  readonly outbox: OutboxSender;

  constructor(
    readonly store: PgHistoryStore,
    readonly watcher: Watcher,
    log: Logger,
    settings: FleetSettings & { member: string },
    hooks: HookOptions,
  ) {
    this.coordinator = new FleetCoordinator(store, watcher, log, settings);
    this.outbox = new OutboxSender(store, {
      member: settings.member,
      targets: () => watcher.views.map((view) => view.target),
      log,
      timeoutMs: hooks.timeoutMs,
      backoffMs: hooks.backoffMs,
      pollMs: Math.min(500, this.coordinator.heartbeatMs),
    });
  }

  /** Polling first (nothing is owned yet), then the first round takes this member's share. */
  async start(): Promise<void> {
    this.watcher.start();
    await this.coordinator.start();
    this.outbox.start();
  }

  /** After the watcher stopped: the sender finishes, the buffer is written, the leases go back. */
  async stop(): Promise<void> {
    await this.outbox.stop();
    await this.store.flush(5000);
    await this.coordinator.stop();
  }

  serveExtras(): ServeExtras {
    const { coordinator, outbox, store } = this;
    return {
      gauges: {
        statuskit_watch_stale_writes_refused_total: () => coordinator.counts.staleWrites,
        statuskit_watch_leases_held: () => coordinator.owned,
        statuskit_watch_leases_lost_total: () => coordinator.counts.leasesLost,
        statuskit_watch_history_buffered: () => store.writeCounts.buffered,
        statuskit_watch_history_dropped_total: () => store.writeCounts.dropped,
        statuskit_watch_outbox_sent_total: () => outbox.counts.sent,
        statuskit_watch_polls_total: () => this.watcher.polls,
        statuskit_watch_polls_discarded_total: () => this.watcher.pollsDiscarded,
        statuskit_watch_history_written_total: () => store.writeCounts.written,
        statuskit_watch_history_statements_total: () => store.statements,
      },
      routes: [this.fleetRoute()],
      components: { fleet: () => this.fleetComponent() },
    };
  }

  /**
   * Members, region, last heartbeat, targets owned, scheduling lag (as each member last beat);
   * and every target's last sample against its interval, read from the database: every member
   * shows the same fleet, a target nobody polls included.
   */
  async fleetJson(): Promise<Record<string, unknown>> {
    const view = this.coordinator.view;
    return {
      member: this.coordinator.member,
      region: this.coordinator.region,
      leaseMs: this.coordinator.leaseMs,
      staleWritesRefused: this.coordinator.counts.staleWrites,
      members: (view?.members ?? []).map((m) => ({
        id: m.id,
        region: m.region,
        live: m.live,
        lastHeartbeat: new Date(m.heartbeatAt).toISOString(),
        targetsOwned: m.owned,
        lagMs: m.lagMs,
        ...(m.lag ? { lag: m.lag } : {}),
      })),
      targets: await this.freshness(),
    };
  }

  /** The database being unreachable is said, not thrown: /fleet still shows the members. */
  private async freshness(): Promise<FreshnessSummary | { error: string }> {
    const watched = this.watcher.views.map(({ target }) => ({
      name: target.name,
      intervalMs: target.intervalMs,
    }));
    try {
      return await fleetFreshness(this.store.pool, watched);
    } catch (error) {
      return { error: `history database unreachable: ${(error as Error).message}` };
    }
  }

  private fleetRoute(): Route {
    return async (context) => {
      if (context.pathname !== FLEET_PATH) return undefined;
      return json(200, await this.fleetJson(), true);
    };
  }

  /** Critical while a member that was seen has stopped heartbeating: a transition like any other. */
  private fleetComponent(): CheckOutcome {
    const members = this.coordinator.view?.members ?? [];
    const silent = members.filter((m) => !m.live).map((m) => m.id);
    const fields = {
      members: members.length,
      live: members.length - silent.length,
      member: this.coordinator.member,
    };
    return silent.length === 0
      ? { level: 'ok', fields }
      : { level: 'warning', message: `not heartbeating: ${silent.join(', ')}`, fields };
  }
}
