/**
 * The status page on the fleet's PostgreSQL history: every member that serves the page reads the
 * same database, so each page shows what the fleet holds. Nothing is ingested here: the history
 * store already writes samples, transitions, state and rollups (src/watch/postgres/store.ts).
 *
 * - Day bars: the store's day rollups (`dailyAvailability`); response times: its samples of the
 *   last 24 h (`responseTimes`), grouped by hour; states: its `targets` rows with the last sample.
 * - Incidents: tables of migration 3. One opened by a transition carries the transition's id,
 *   unique, so members following the same transition open it once (and resolve it once).
 * - Change: the page's cache key is `version()`, read at every request, so it answers from memory.
 *   A poll every few seconds reads two primary-key maxima (transitions, incident updates): cheap,
 *   and it sees what any member wrote, the CLI included. LISTEN/NOTIFY would need every writer to
 *   notify and a connection held outside the pool (lost on a restart or through a pooler in
 *   transaction mode), with a poll still needed to catch up what was missed: the poll alone is simpler.
 */
import type { PoolClient } from 'pg';
import { isLevel, type Level } from '../model/levels.js';
import type { PgHistoryStore } from '../watch/postgres/store.js';
import { announcedOf } from './maintenance.js';
import { DAY_MS, hourlyTimes, hourStart } from './rollup.js';
import type {
  CurrentState,
  DayRollup,
  HourTimes,
  Incident,
  IncidentImpact,
  IncidentStatus,
  NewIncident,
  NewUpdate,
  PageTransition,
  StatusPageSource,
} from './source.js';

/** How often the version is read (a change shows on every member's page within this). */
export const VERSION_POLL_MS = 2000;
/**
 * Transitions are followed by id, and again over this much of their recent past: an id taken by a
 * transaction that commits after a later one is still seen (following twice is harmless).
 */
const FOLLOW_LOOKBACK_MS = 60_000;

interface IncidentRow {
  id: string;
  title: string;
  targets: string[];
  impact: string;
  status: string;
  automatic: boolean;
  opened_at: string;
  resolved_at: string | null;
}

interface UpdateRow {
  id: string;
  incident_id: string;
  at: string;
  status: string;
  message: string;
}

const guarded = new WeakSet<PoolClient>();

export type TransitionListener = (transition: PageTransition) => Promise<void>;

export class PgPageSource implements StatusPageSource {
  private shownVersion = 0;
  private fingerprint = '';
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Transitions already followed, by id, with their time (forgotten past the lookback). */
  private readonly followed = new Map<number, number>();
  private highestFollowed = 0;
  private followedOnce = false;
  /** The largest transition id at the last version read. */
  private latestTransition = 0;
  /** The last error of a poll, if any (the next poll tries again). */
  lastError: string | undefined;

  constructor(private readonly store: PgHistoryStore) {}

  private get pool() {
    return this.store.pool;
  }

  async daily(target: string, fromDay: number, toDay: number): Promise<DayRollup[]> {
    const days = Math.round((toDay - fromDay) / DAY_MS) + 1;
    // `now` at the last day's start: the store's days then end on `toDay`.
    const rows = await this.store.dailyAvailability(target, days, toDay);
    return rows.map((row) => ({ day: row.day, byLevel: row.byLevel, gapMs: row.gapMs }));
  }

  async responseTimes(target: string, since: number): Promise<HourTimes[]> {
    return hourlyTimes(await this.store.responseTimes(target, hourStart(since)));
  }

  async current(): Promise<Map<string, CurrentState>> {
    // One index probe per target for its last sample (duration, maintenance mark).
    const { rows } = await this.pool.query(
      `SELECT t.name, t.level, t.since, t.last_time, s.duration_ms, s.level AS last_level,
              s.rule_values -> 'maintenance' ->> 'by' AS maintenance_by,
              s.rule_values -> 'announced' AS announced
         FROM targets t
         LEFT JOIN LATERAL (SELECT duration_ms, level, rule_values FROM samples
                             WHERE target = t.name ORDER BY time DESC LIMIT 1) s ON true`,
    );
    return new Map(
      rows.map((row) => {
        const by = row.last_level === 'maintenance' ? row.maintenance_by : null;
        const state: CurrentState = {
          target: row.name,
          ...(isLevel(row.level) ? { level: row.level as Level } : {}),
          ...(row.since === null ? {} : { since: Number(row.since) }),
          ...(row.last_time === null ? {} : { lastTime: Number(row.last_time) }),
          ...(row.duration_ms === null ? {} : { lastDurationMs: row.duration_ms }),
          ...(by === 'target' || by === 'window' ? { maintenanceBy: by } : {}),
          ...announcedOf(row.announced),
        };
        return [row.name as string, state];
      }),
    );
  }

  async transitions(since: number, target?: string): Promise<PageTransition[]> {
    return (await this.store.transitions(since, target)).map((record) => ({
      time: record.time,
      target: record.target,
      ...(record.from ? { from: record.from } : {}),
      to: record.to,
    }));
  }

  async incidents(query: { openOnly?: boolean; since?: number; limit?: number }): Promise<Incident[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM incidents WHERE ($1::boolean = false OR resolved_at IS NULL)
          AND (resolved_at IS NULL OR resolved_at >= $2) ORDER BY opened_at DESC, id DESC LIMIT $3`,
      [query.openOnly === true, query.since ?? 0, query.limit ?? 100],
    );
    return this.withUpdates(rows as IncidentRow[]);
  }

  async incident(id: number): Promise<Incident | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM incidents WHERE id = $1', [id]);
    return (await this.withUpdates(rows as IncidentRow[]))[0];
  }

  /** With a transition id, at most one incident per transition: a second opening returns the first. */
  async openIncident(input: NewIncident): Promise<Incident> {
    const id = await this.transaction(async (client) => {
      const inserted = await client.query(
        `INSERT INTO incidents (title, targets, impact, status, automatic, opened_at, transition_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (transition_id) DO NOTHING RETURNING id`,
        [
          input.title,
          JSON.stringify(input.targets),
          input.impact,
          input.status,
          input.automatic === true,
          input.at,
          input.transitionId ?? null,
        ],
      );
      if (inserted.rowCount === 0) {
        const first = await client.query('SELECT id FROM incidents WHERE transition_id = $1', [
          input.transitionId,
        ]);
        return Number(first.rows[0].id);
      }
      const incidentId = Number(inserted.rows[0].id);
      await client.query(
        'INSERT INTO incident_updates (incident_id, at, status, message) VALUES ($1, $2, $3, $4)',
        [incidentId, input.at, input.status, input.message],
      );
      return incidentId;
    });
    await this.refreshVersion();
    return (await this.incident(id))!;
  }

  /** The incident row is locked meanwhile; an update with a transition id is written once. */
  async addUpdate(id: number, update: NewUpdate): Promise<Incident | undefined> {
    const found = await this.transaction(async (client) => {
      const locked = await client.query(
        'SELECT status, resolved_at FROM incidents WHERE id = $1 FOR UPDATE',
        [id],
      );
      const row = locked.rows[0] as { status: string; resolved_at: string | null } | undefined;
      if (!row) return false;
      const status = update.status ?? (row.status as IncidentStatus);
      const inserted = await client.query(
        `INSERT INTO incident_updates (incident_id, at, status, message, transition_id) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (incident_id, transition_id) DO NOTHING`,
        [id, update.at, status, update.message, update.transitionId ?? null],
      );
      if (inserted.rowCount === 0) return true;
      await client.query('UPDATE incidents SET status = $1, resolved_at = $2 WHERE id = $3', [
        status,
        status === 'resolved' ? (row.resolved_at ?? update.at) : null,
        id,
      ]);
      return true;
    });
    if (!found) return undefined;
    await this.refreshVersion();
    return this.incident(id);
  }

  version(): number {
    return this.shownVersion;
  }

  /**
   * Reads the version now, then every VERSION_POLL_MS; each poll also hands the transitions not
   * yet followed (those from `since` on at the first poll) to `listener`, oldest first.
   */
  async start(listener: TransitionListener, since: number): Promise<void> {
    await this.poll(listener, since);
    const next = () => {
      if (this.closed) return;
      this.timer = setTimeout(async () => {
        await this.poll(listener, Date.now() - FOLLOW_LOOKBACK_MS);
        next();
      }, VERSION_POLL_MS);
      this.timer.unref();
    };
    next();
  }

  /** Stops polling; the store is its owner's to close. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async poll(listener: TransitionListener, since: number): Promise<void> {
    try {
      await this.refreshVersion();
      await this.followNew(listener, since);
      this.lastError = undefined;
    } catch (error) {
      // A database away for a while: the page answers from its cache, the next poll tries again.
      this.lastError = (error as Error).message;
    }
  }

  private async refreshVersion(): Promise<void> {
    const { rows } = await this.pool.query(
      `SELECT (SELECT coalesce(max(id), 0) FROM transitions) AS t,
              (SELECT coalesce(max(id), 0) FROM incident_updates) AS u`,
    );
    this.latestTransition = Number(rows[0].t);
    const fingerprint = `${rows[0].t}|${rows[0].u}`;
    if (fingerprint !== this.fingerprint) {
      this.fingerprint = fingerprint;
      this.shownVersion += 1;
    }
  }

  private async followNew(listener: TransitionListener, since: number): Promise<void> {
    // The first poll follows what happened since `since` only (older transitions are history);
    // later ones everything newer than what was followed, and the lookback.
    const first = !this.followedOnce;
    const latest = this.latestTransition;
    const { rows } = await this.pool.query(
      `SELECT id, time, target, from_level, to_level FROM transitions
        WHERE ${first ? '' : 'id > $2 OR'} time >= $1 ORDER BY time, id LIMIT 10000`,
      first ? [since] : [since, this.highestFollowed],
    );
    for (const row of rows) {
      const id = Number(row.id);
      if (this.followed.has(id) || this.closed) continue;
      const transition: PageTransition = {
        id,
        time: Number(row.time),
        target: row.target,
        ...(isLevel(row.from_level) ? { from: row.from_level as Level } : {}),
        to: isLevel(row.to_level) ? (row.to_level as Level) : 'unknown',
      };
      await listener(transition);
      this.followed.set(id, transition.time);
      this.highestFollowed = Math.max(this.highestFollowed, id);
    }
    if (first) this.highestFollowed = Math.max(this.highestFollowed, latest);
    this.followedOnce = true;
    for (const [id, time] of this.followed) if (time < since - FOLLOW_LOOKBACK_MS) this.followed.delete(id);
  }

  private async withUpdates(rows: readonly IncidentRow[]): Promise<Incident[]> {
    if (rows.length === 0) return [];
    const updates = await this.pool.query(
      'SELECT * FROM incident_updates WHERE incident_id = ANY($1::bigint[]) ORDER BY at, id',
      [rows.map((row) => row.id)],
    );
    const byIncident = new Map<string, UpdateRow[]>();
    for (const update of updates.rows as UpdateRow[]) {
      const list = byIncident.get(update.incident_id) ?? [];
      list.push(update);
      byIncident.set(update.incident_id, list);
    }
    return rows.map((row) => ({
      id: Number(row.id),
      title: row.title,
      targets: row.targets,
      impact: row.impact as IncidentImpact,
      status: row.status as IncidentStatus,
      automatic: row.automatic,
      openedAt: Number(row.opened_at),
      ...(row.resolved_at === null ? {} : { resolvedAt: Number(row.resolved_at) }),
      updates: (byIncident.get(row.id) ?? []).map((update) => ({
        id: Number(update.id),
        at: Number(update.at),
        status: update.status as IncidentStatus,
        message: update.message,
      })),
    }));
  }

  private async transaction<T>(body: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection that dies while checked out emits `error` on it, which would end the process.
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', () => {});
    }
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}
