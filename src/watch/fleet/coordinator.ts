/**
 * A fleet member's round, every `heartbeatMs`: beat, read the live members, work out which targets
 * are this member's (rendezvous.ts), renew the leases it holds, hand back those that moved to
 * another member, take the free ones it should own, and tell the watcher. A member alone is a fleet
 * of one: the same round, the same leases, the same fencing.
 *
 * The database being unreachable is not a lost lease: the member keeps polling what it holds (its
 * writes wait in the store's buffer, fenced by the epoch they were polled under) and tries again.
 */
import { hostname } from 'node:os';
import type { Logger } from '../../client/log.js';
import type { PgHistoryStore } from '../postgres/store.js';
import type { Watcher } from '../watcher.js';
import * as sql from './leases.js';
import { assigned } from './rendezvous.js';

export interface FleetSettings {
  /** This member's id, unique in the fleet (default host-pid-random). */
  member?: string;
  region?: string;
  /** How long a lease lasts without renewal; a dead member's targets move after this. */
  leaseMs?: number;
  /** How often a member beats and renews (default a third of the lease). */
  heartbeatMs?: number;
}

import { DEFAULT_LEASE_MS, DEFAULT_REGION } from './lease-defaults.js';

export { DEFAULT_LEASE_MS, DEFAULT_REGION };

export function memberId(): string {
  return `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
}

export interface FleetView {
  member: string;
  region: string;
  members: sql.MemberRow[];
  leases: Map<string, number>;
  at: number;
}

export class FleetCoordinator {
  readonly member: string;
  readonly region: string;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  /** Target → epoch of the leases this member holds. */
  private readonly held = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;
  private unreachable = false;
  private readonly unsubscribe: () => void;
  /** Leases refused back to this member (a stale write or renewal), for /metrics. */
  readonly counts = { staleWrites: 0, leasesLost: 0, leasesTaken: 0, leasesReleased: 0 };
  view: FleetView | undefined;

  constructor(
    private readonly store: PgHistoryStore,
    private readonly watcher: Watcher,
    private readonly log: Logger,
    settings: FleetSettings & { member: string },
  ) {
    this.member = settings.member;
    this.region = settings.region ?? DEFAULT_REGION;
    this.leaseMs = settings.leaseMs ?? DEFAULT_LEASE_MS;
    this.heartbeatMs = settings.heartbeatMs ?? Math.max(50, Math.round(this.leaseMs / 3));
    this.unsubscribe = store.onRefused((target, fence) => {
      this.counts.staleWrites++;
      this.log.warn('stale write refused: another member holds the lease', {
        target,
        epoch: fence?.epoch,
        member: this.member,
      });
      const key = fence?.key ?? target;
      if (this.held.get(key) === fence?.epoch) this.lose(key);
    });
  }

  /** The first round before polling starts, so the member begins with its share. */
  async start(): Promise<void> {
    await this.runRound();
    this.schedule();
  }

  get owned(): number {
    return this.held.size;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.runRound().finally(() => this.schedule());
    }, this.heartbeatMs);
  }

  private async runRound(): Promise<void> {
    try {
      await this.roundOnce();
      if (this.unreachable) this.log.info('fleet: database back, leases renewed', { member: this.member });
      this.unreachable = false;
    } catch (error) {
      if (!this.unreachable)
        this.log.warn('fleet: database unreachable, polling what this member holds', {
          member: this.member,
          error: (error as Error).message,
        });
      this.unreachable = true;
    }
  }

  private async roundOnce(): Promise<void> {
    const { pool } = this.store;
    const back = await sql.beat(pool, {
      member: this.member,
      region: this.region,
      owned: this.held.size,
      lag: this.watcher.schedulingLag(),
    });
    if (back) await this.recordMember(this.member, 'ok');
    for (const gone of await sql.markGone(pool, this.leaseMs)) {
      this.log.warn(`fleet member ${gone.id} stopped heartbeating`, { member: gone.id, region: gone.region });
      await this.recordMember(gone.id, 'critical');
    }
    const members = await sql.members(pool, this.leaseMs);
    const mine = this.share(members);
    await this.renewHeld();
    await this.handBack(mine);
    await this.take([...mine].filter((name) => !this.held.has(name)));
    this.view = {
      member: this.member,
      region: this.region,
      members,
      leases: new Map(this.held),
      at: Date.now(),
    };
  }

  /**
   * The lease keys this member should hold: a plain target among every live member; a quorum
   * target, once per region it names, among the live members of that region (`name@region`).
   */
  private share(members: readonly sql.MemberRow[]): Set<string> {
    const live = members.filter((m) => m.live).map((m) => m.id);
    const local = members.filter((m) => m.live && m.region === this.region).map((m) => m.id);
    for (const list of [live, local]) if (!list.includes(this.member)) list.push(this.member);
    const plain: string[] = [];
    const regional: string[] = [];
    for (const { target } of this.watcher.views) {
      if (!target.quorum) plain.push(target.name);
      else if (target.quorum.regions.includes(this.region)) regional.push(`${target.name}@${this.region}`);
    }
    return new Set([...assigned(this.member, plain, live), ...assigned(this.member, regional, local)]);
  }

  private async renewHeld(): Promise<void> {
    const renewed = await sql.renew(this.store.pool, this.member, this.held, this.leaseMs);
    for (const target of [...this.held.keys()]) {
      if (renewed.has(target)) continue;
      this.log.warn('lease lost: another member took the target', { target, member: this.member });
      this.lose(target);
    }
  }

  private async handBack(mine: ReadonlySet<string>): Promise<void> {
    const moving = new Map([...this.held].filter(([target]) => !mine.has(target)));
    if (moving.size === 0) return;
    for (const target of moving.keys()) this.lose(target, false);
    // What this member polled of them goes in first, under its lease: handed over, not refused.
    await this.store.flush(this.heartbeatMs);
    await sql.release(this.store.pool, this.member, moving);
    this.counts.leasesReleased += moving.size;
  }

  private async take(wanted: readonly string[]): Promise<void> {
    const taken = await sql.acquire(this.store.pool, this.member, wanted, this.leaseMs);
    const adopted = await this.store.adoptAll(this.member, taken);
    for (const [key, stored] of adopted) {
      const epoch = taken.get(key)!;
      this.held.set(key, epoch);
      this.counts.leasesTaken++;
      this.watcher.adopt(sql.targetOfLease(key), epoch, stored, key);
    }
  }

  private lose(key: string, lost = true): void {
    this.held.delete(key);
    if (lost) this.counts.leasesLost++;
    this.watcher.release(sql.targetOfLease(key));
  }

  /** A member going silent (or coming back) is a transition like any other, recorded once. */
  private async recordMember(id: string, to: 'ok' | 'critical'): Promise<void> {
    await this.store.pool.query(
      `INSERT INTO transitions (time, target, url, from_level, to_level, message, member)
         VALUES ($1, $2, 'fleet', $3, $4, $5, $6)`,
      [
        Date.now(),
        `member.${id}`,
        to === 'ok' ? 'critical' : 'ok',
        to,
        to === 'ok' ? `member ${id} is heartbeating again` : `member ${id} stopped heartbeating`,
        this.member,
      ],
    );
  }

  /** Stops the rounds and hands every lease back, so the others take over without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unsubscribe();
    await this.round?.catch(() => {});
    const held = new Map(this.held);
    for (const target of held.keys()) this.lose(target, false);
    await sql.release(this.store.pool, this.member, held).catch(() => {});
    await this.store.pool
      .query("UPDATE members SET heartbeat_at = now() - interval '1 hour', left_at = now() WHERE id = $1", [
        this.member,
      ])
      .catch(() => {});
  }
}
