/**
 * The status page's data in the watch history's SQLite file, in tables of its own (created here,
 * next to the watcher's): `page_daily` and `page_hourly`, rollups maintained as samples arrive;
 * `page_targets` (each target's last sample and state, the rollups' cursor); `page_transitions`;
 * `incidents` and `incident_updates`. All the page's SQL is in this file.
 *
 * A history written before the page existed (or while it was off) is caught up at open, from the
 * watcher's `samples`, `transitions` and `targets` tables, in one pass per target.
 */
import { LEVELS, type Level } from '../model/levels.js';
import type { AnnouncedMaintenance } from '../watch/assess.js';
import { type Database, openDatabase, type Statement } from '../watch/sqlite.js';
import { announcedOf } from './maintenance.js';
import {
  coveredSpan,
  DAY_MS,
  daysBetween,
  gapOf,
  HOUR_MS,
  hourlyTimes,
  hourStart,
  splitByDay,
} from './rollup.js';
import type {
  CurrentState,
  DayRollup,
  HourTimes,
  Incident,
  IncidentImpact,
  IncidentStatus,
  IncidentUpdate,
  NewIncident,
  NewUpdate,
  PageTransition,
  StatusPageSource,
} from './source.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS page_targets (
  name TEXT PRIMARY KEY,
  level TEXT,
  since INTEGER,
  first_time INTEGER NOT NULL,
  last_time INTEGER NOT NULL,
  last_level TEXT NOT NULL,
  last_interval_ms INTEGER NOT NULL,
  last_duration_ms INTEGER NOT NULL,
  maintenance_by TEXT,
  announced TEXT
);
CREATE TABLE IF NOT EXISTS page_daily (
  target TEXT NOT NULL,
  day INTEGER NOT NULL,
  ok INTEGER NOT NULL DEFAULT 0,
  unknown INTEGER NOT NULL DEFAULT 0,
  warning INTEGER NOT NULL DEFAULT 0,
  maintenance INTEGER NOT NULL DEFAULT 0,
  critical INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (target, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS page_hourly (
  target TEXT NOT NULL,
  hour INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum_ms INTEGER NOT NULL,
  max_ms INTEGER NOT NULL,
  PRIMARY KEY (target, hour)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS page_transitions (
  time INTEGER NOT NULL,
  target TEXT NOT NULL,
  from_level TEXT,
  to_level TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS page_transitions_by_time ON page_transitions (time);
CREATE TABLE IF NOT EXISTS incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT NOT NULL,
  targets TEXT NOT NULL,
  impact TEXT NOT NULL,
  status TEXT NOT NULL,
  automatic INTEGER NOT NULL,
  opened_at INTEGER NOT NULL,
  resolved_at INTEGER
);
CREATE INDEX IF NOT EXISTS incidents_by_opened ON incidents (opened_at);
CREATE TABLE IF NOT EXISTS incident_updates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents (id),
  at INTEGER NOT NULL,
  status TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS incident_updates_by_incident ON incident_updates (incident_id, at);
CREATE TABLE IF NOT EXISTS page_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO page_meta (key, value) VALUES ('version', 0);
`;

/** Hourly response times are kept this long (the page shows 24 h). */
const HOURLY_KEEP_MS = 48 * HOUR_MS;
/**
 * Day bars and the transitions behind them are kept this long: the longest bar (90 days) and a
 * day of margin. Incidents are the page's public record and are kept.
 */
const DAILY_KEEP_MS = 91 * DAY_MS;

/** One poll as the page takes it in. */
export interface PageSample {
  time: number;
  target: string;
  /** The raw observed level (the rollups count what was seen, like availability.ts). */
  level: Level;
  durationMs: number;
  intervalMs: number;
  maintenanceBy?: 'target' | 'window';
  /** When the target says its maintenance takes place. */
  announced?: AnnouncedMaintenance;
}

/** The debounced state after the sample. */
export interface PageState {
  level?: Level;
  since?: number;
}

interface TargetRow {
  name: string;
  level: string | null;
  since: number | null;
  first_time: number;
  last_time: number;
  last_level: string;
  last_interval_ms: number;
  last_duration_ms: number;
  maintenance_by: string | null;
  /** JSON of an AnnouncedMaintenance. */
  announced: string | null;
}

interface RawSampleRow {
  time: number;
  level: string;
  duration_ms: number;
  interval_ms: number;
  maintenance_by: string | null;
  announced: string | null;
}

interface IncidentRow {
  id: number;
  title: string;
  targets: string;
  impact: string;
  status: string;
  automatic: number;
  opened_at: number;
  resolved_at: number | null;
}

interface UpdateRow {
  id: number;
  incident_id: number;
  at: number;
  status: string;
  message: string;
}

/** Time per level per day and response times per hour, added up before they are written. */
class Accumulator {
  readonly days = new Map<number, Record<Level, number>>();
  readonly hours = new Map<number, { count: number; sum: number; max: number }>();

  addSpan(level: Level, from: number, to: number): void {
    for (const { day, ms } of splitByDay(from, to)) {
      let row = this.days.get(day);
      if (!row) {
        row = zeroLevels();
        this.days.set(day, row);
      }
      row[level] += ms;
    }
  }

  addDuration(time: number, durationMs: number): void {
    const hour = hourStart(time);
    const row = this.hours.get(hour) ?? { count: 0, sum: 0, max: 0 };
    row.count += 1;
    row.sum += durationMs;
    row.max = Math.max(row.max, durationMs);
    this.hours.set(hour, row);
  }
}

export class SqlitePageSource implements StatusPageSource {
  private readonly statements = new Map<string, Statement>();
  private closed = false;
  private readonly ingestOne: (sample: PageSample, state: PageState) => PageTransition | undefined;

  private constructor(private readonly db: Database) {
    this.ingestOne = db.transaction((sample: PageSample, state: PageState) => this.write(sample, state));
  }

  /** Opens the page's tables in `file` (the watch history, or `:memory:` without one). */
  static open(file: string): SqlitePageSource {
    const db = openDatabase(file);
    try {
      if (file !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      addAnnouncedColumn(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqlitePageSource(db);
  }

  /**
   * Takes in what the watcher's own tables hold beyond each target's cursor (samples, transitions,
   * state): the rollups of a history written without the page. Returns the transitions found, oldest
   * first, for the incidents to follow.
   */
  catchUp(now = Date.now()): PageTransition[] {
    if (!this.hasTable('samples')) return [];
    const maintenance = this.hasColumn('samples', 'rule_values')
      ? "json_extract(rule_values, '$.maintenance.by') AS maintenance_by, json_extract(rule_values, '$.announced') AS announced"
      : 'NULL AS maintenance_by, NULL AS announced';
    const names = (this.statement('SELECT DISTINCT target FROM samples').all() as { target: string }[]).map(
      (row) => row.target,
    );
    const found: PageTransition[] = [];
    for (const name of names) {
      found.push(...this.db.transaction(() => this.catchUpTarget(name, maintenance))());
    }
    this.prune(now);
    if (found.length > 0) this.bump();
    return found.sort((a, b) => a.time - b.time);
  }

  private catchUpTarget(name: string, maintenance: string): PageTransition[] {
    const cursor = this.targetRow(name);
    const after = cursor?.last_time ?? Number.NEGATIVE_INFINITY;
    const rows = this.statement(
      `SELECT time, level, duration_ms, interval_ms, ${maintenance}
         FROM samples WHERE target = ? AND time > ? ORDER BY time`,
    ).iterate(name, after) as IterableIterator<RawSampleRow>;
    const sums = new Accumulator();
    let previous = cursor
      ? { time: cursor.last_time, level: asLevel(cursor.last_level), intervalMs: cursor.last_interval_ms }
      : undefined;
    let last: RawSampleRow | undefined;
    let first: number | undefined;
    for (const row of rows) {
      if (previous) {
        const span = coveredSpan(previous, row.time);
        if (span) sums.addSpan(previous.level, span.from, span.to);
      }
      sums.addDuration(row.time, row.duration_ms);
      previous = { time: row.time, level: asLevel(row.level), intervalMs: row.interval_ms };
      first ??= row.time;
      last = row;
    }
    if (!last) return [];
    this.flush(name, sums);
    const transitions = this.hasTable('transitions')
      ? (
          this.statement(
            'SELECT time, target, from_level, to_level FROM transitions WHERE target = ? AND time > ? ORDER BY time, rowid',
          ).all(name, after) as {
            time: number;
            target: string;
            from_level: string | null;
            to_level: string;
          }[]
        ).map((row) => ({
          time: row.time,
          target: row.target,
          ...(row.from_level ? { from: asLevel(row.from_level) } : {}),
          to: asLevel(row.to_level),
        }))
      : [];
    for (const transition of transitions) this.insertTransition(transition);
    const latest = transitions.at(-1);
    const state = this.hasTable('targets')
      ? (this.statement('SELECT level, since FROM targets WHERE name = ?').get(name) as
          | { level: string | null; since: number | null }
          | undefined)
      : undefined;
    this.upsertTarget({
      name,
      level: state?.level ?? latest?.to ?? cursor?.level ?? null,
      since: state?.since ?? latest?.time ?? cursor?.since ?? null,
      first_time: cursor?.first_time ?? first!,
      last_time: last.time,
      last_level: last.level,
      last_interval_ms: last.interval_ms,
      last_duration_ms: last.duration_ms,
      maintenance_by: last.maintenance_by,
      announced: last.announced,
    });
    return transitions;
  }

  /**
   * One new sample: closes the span of the previous one into the day rollups, adds the response
   * time to its hour, records a change of the debounced level. A sample not newer than the last
   * one taken in is ignored (the catch-up may have seen it). Returns the transition, if any.
   */
  ingest(sample: PageSample, state: PageState): PageTransition | undefined {
    if (this.closed) return undefined;
    return this.ingestOne(sample, state);
  }

  private write(sample: PageSample, state: PageState): PageTransition | undefined {
    const row = this.targetRow(sample.target);
    if (row && sample.time <= row.last_time) return undefined;
    const sums = new Accumulator();
    if (row) {
      const span = coveredSpan({ time: row.last_time, intervalMs: row.last_interval_ms }, sample.time);
      if (span) sums.addSpan(asLevel(row.last_level), span.from, span.to);
    }
    sums.addDuration(sample.time, sample.durationMs);
    this.flush(sample.target, sums);
    let transition: PageTransition | undefined;
    if (state.level !== undefined && state.level !== (row?.level ?? undefined)) {
      transition = {
        time: state.since ?? sample.time,
        target: sample.target,
        ...(row?.level ? { from: asLevel(row.level) } : {}),
        to: state.level,
      };
      this.insertTransition(transition);
    }
    const maintenanceBy = sample.maintenanceBy ?? null;
    const announced = sample.announced ? JSON.stringify(sample.announced) : null;
    this.upsertTarget({
      name: sample.target,
      level: state.level ?? row?.level ?? null,
      since: state.since ?? row?.since ?? null,
      first_time: row?.first_time ?? sample.time,
      last_time: sample.time,
      last_level: sample.level,
      last_interval_ms: sample.intervalMs,
      last_duration_ms: Math.round(sample.durationMs),
      maintenance_by: maintenanceBy,
      announced,
    });
    // The first sample of a new UTC day prunes what the page no longer shows (`prune` keeps the day).
    this.prune(sample.time);
    const newHour = !row || hourStart(row.last_time) !== hourStart(sample.time);
    if (newHour) {
      this.statement('DELETE FROM page_hourly WHERE target = ? AND hour < ?').run(
        sample.target,
        sample.time - HOURLY_KEEP_MS,
      );
    }
    // What the page shows changed: a state, a maintenance, a new day's bar, a new hour's time.
    if (
      transition ||
      newHour ||
      (row?.maintenance_by ?? null) !== maintenanceBy ||
      (row?.announced ?? null) !== announced
    )
      this.bump();
    return transition;
  }

  private flush(target: string, sums: Accumulator): void {
    const addDay = this.statement(
      `INSERT INTO page_daily (target, day, ok, unknown, warning, maintenance, critical) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (target, day) DO UPDATE SET ok = ok + excluded.ok, unknown = unknown + excluded.unknown,
           warning = warning + excluded.warning, maintenance = maintenance + excluded.maintenance,
           critical = critical + excluded.critical`,
    );
    for (const [day, ms] of sums.days) {
      addDay.run(target, day, ms.ok, ms.unknown, ms.warning, ms.maintenance, ms.critical);
    }
    const addHour = this.statement(
      `INSERT INTO page_hourly (target, hour, count, sum_ms, max_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (target, hour) DO UPDATE SET count = count + excluded.count,
           sum_ms = sum_ms + excluded.sum_ms, max_ms = max(max_ms, excluded.max_ms)`,
    );
    for (const [hour, times] of sums.hours) {
      addHour.run(target, hour, times.count, Math.round(times.sum), Math.round(times.max));
    }
  }

  daily(target: string, fromDay: number, toDay: number, now: number): DayRollup[] {
    const rows = this.statement(
      'SELECT * FROM page_daily WHERE target = ? AND day >= ? AND day <= ? ORDER BY day',
    ).all(target, fromDay, toDay) as ({ day: number } & Record<Level, number>)[];
    const byDay = new Map(rows.map((row) => [row.day, row]));
    const row = this.targetRow(target);
    // The last sample's span is still open: it counts up to now (at most its cover).
    const open = new Accumulator();
    if (row) {
      const span = coveredSpan({ time: row.last_time, intervalMs: row.last_interval_ms }, now, now);
      if (span) open.addSpan(asLevel(row.last_level), span.from, span.to);
    }
    return daysBetween(fromDay, toDay).map((day) => {
      const stored = byDay.get(day);
      const byLevel = zeroLevels();
      for (const level of LEVELS)
        byLevel[level] = (stored?.[level] ?? 0) + (open.days.get(day)?.[level] ?? 0);
      const observed = LEVELS.reduce((sum, level) => sum + byLevel[level], 0);
      return { day, byLevel, gapMs: gapOf(day, observed, row?.first_time, now) };
    });
  }

  /**
   * The same days computed from the raw samples, in one pass (what the rollups save: the
   * benchmark compares both, a test checks they agree). Needs the watcher's `samples` table.
   */
  dailyFromSamples(target: string, fromDay: number, toDay: number, now: number): DayRollup[] {
    const rows = this.statement(
      `SELECT time, level, interval_ms FROM samples WHERE target = ? AND time >= ? AND time < ? ORDER BY time`,
    ).iterate(target, fromDay - DAY_MS, Math.min(now, toDay + DAY_MS)) as IterableIterator<RawSampleRow>;
    const sums = new Accumulator();
    let previous: { time: number; level: Level; intervalMs: number } | undefined;
    const firstRow = this.statement('SELECT min(time) AS t FROM samples WHERE target = ?').get(target) as {
      t: number | null;
    };
    for (const row of rows) {
      if (previous) {
        const span = coveredSpan(previous, row.time);
        if (span) sums.addSpan(previous.level, span.from, span.to);
      }
      previous = { time: row.time, level: asLevel(row.level), intervalMs: row.interval_ms };
    }
    if (previous) {
      const span = coveredSpan(previous, now, now);
      if (span) sums.addSpan(previous.level, span.from, span.to);
    }
    return daysBetween(fromDay, toDay).map((day) => {
      const byLevel = sums.days.get(day) ?? zeroLevels();
      const observed = LEVELS.reduce((sum, level) => sum + byLevel[level], 0);
      return { day, byLevel, gapMs: gapOf(day, observed, firstRow.t ?? undefined, now) };
    });
  }

  responseTimes(target: string, since: number): HourTimes[] {
    const rows = this.statement(
      'SELECT hour, count, sum_ms, max_ms FROM page_hourly WHERE target = ? AND hour >= ? ORDER BY hour',
    ).all(target, hourStart(since)) as { hour: number; count: number; sum_ms: number; max_ms: number }[];
    return rows.map((row) => ({
      hour: row.hour,
      count: row.count,
      meanMs: row.count > 0 ? Math.round(row.sum_ms / row.count) : 0,
      maxMs: row.max_ms,
    }));
  }

  /** Response times of the last 24 h straight from the samples (the benchmark's baseline). */
  responseTimesFromSamples(target: string, since: number): HourTimes[] {
    const rows = this.statement('SELECT time, duration_ms FROM samples WHERE target = ? AND time >= ?').all(
      target,
      hourStart(since),
    ) as { time: number; duration_ms: number }[];
    return hourlyTimes(rows.map((row) => ({ time: row.time, durationMs: row.duration_ms })));
  }

  current(): Map<string, CurrentState> {
    const rows = this.statement('SELECT * FROM page_targets').all() as TargetRow[];
    return new Map(
      rows.map((row) => [
        row.name,
        {
          target: row.name,
          ...(row.level ? { level: asLevel(row.level) } : {}),
          ...(row.since === null ? {} : { since: row.since }),
          lastTime: row.last_time,
          lastDurationMs: row.last_duration_ms,
          ...(row.maintenance_by === 'target' || row.maintenance_by === 'window'
            ? { maintenanceBy: row.maintenance_by }
            : {}),
          ...announcedOf(row.announced),
        },
      ]),
    );
  }

  transitions(since: number, target?: string): PageTransition[] {
    const rows = (
      target === undefined
        ? this.statement('SELECT * FROM page_transitions WHERE time >= ? ORDER BY time, rowid').all(since)
        : this.statement(
            'SELECT * FROM page_transitions WHERE target = ? AND time >= ? ORDER BY time, rowid',
          ).all(target, since)
    ) as { time: number; target: string; from_level: string | null; to_level: string }[];
    return rows.map((row) => ({
      time: row.time,
      target: row.target,
      ...(row.from_level ? { from: asLevel(row.from_level) } : {}),
      to: asLevel(row.to_level),
    }));
  }

  incidents(query: { openOnly?: boolean; since?: number; limit?: number }): Incident[] {
    const rows = this.statement(
      `SELECT * FROM incidents WHERE (? = 0 OR resolved_at IS NULL) AND (resolved_at IS NULL OR resolved_at >= ?)
         ORDER BY opened_at DESC, id DESC LIMIT ?`,
    ).all(query.openOnly ? 1 : 0, query.since ?? 0, query.limit ?? 100) as IncidentRow[];
    return rows.map((row) => this.incidentOf(row));
  }

  incident(id: number): Incident | undefined {
    const row = this.statement('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentRow | undefined;
    return row && this.incidentOf(row);
  }

  openIncident(input: NewIncident): Incident {
    const id = this.db.transaction(() => {
      const result = this.statement(
        `INSERT INTO incidents (title, targets, impact, status, automatic, opened_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(
        input.title,
        JSON.stringify(input.targets),
        input.impact,
        input.status,
        input.automatic ? 1 : 0,
        input.at,
      );
      const incidentId = Number((result as { lastInsertRowid?: number | bigint }).lastInsertRowid);
      this.insertUpdate(incidentId, { at: input.at, status: input.status, message: input.message });
      this.bump();
      return incidentId;
    })();
    return this.incident(id)!;
  }

  addUpdate(id: number, update: NewUpdate): Incident | undefined {
    const found = this.db.transaction(() => {
      const row = this.statement('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentRow | undefined;
      if (!row) return false;
      const status = update.status ?? (row.status as IncidentStatus);
      this.insertUpdate(id, { at: update.at, status, message: update.message });
      this.statement('UPDATE incidents SET status = ?, resolved_at = ? WHERE id = ?').run(
        status,
        status === 'resolved' ? (row.resolved_at ?? update.at) : null,
        id,
      );
      this.bump();
      return true;
    })();
    return found ? this.incident(id) : undefined;
  }

  version(): number {
    return (this.statement("SELECT value FROM page_meta WHERE key = 'version'").get() as { value: number })
      .value;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }

  private incidentOf(row: IncidentRow): Incident {
    const updates = (
      this.statement('SELECT * FROM incident_updates WHERE incident_id = ? ORDER BY at, id').all(
        row.id,
      ) as UpdateRow[]
    ).map(
      (update): IncidentUpdate => ({
        id: update.id,
        at: update.at,
        status: update.status as IncidentStatus,
        message: update.message,
      }),
    );
    return {
      id: row.id,
      title: row.title,
      targets: JSON.parse(row.targets) as string[],
      impact: row.impact as IncidentImpact,
      status: row.status as IncidentStatus,
      automatic: row.automatic === 1,
      openedAt: row.opened_at,
      ...(row.resolved_at === null ? {} : { resolvedAt: row.resolved_at }),
      updates,
    };
  }

  private insertUpdate(
    incidentId: number,
    update: { at: number; status: IncidentStatus; message: string },
  ): void {
    this.statement('INSERT INTO incident_updates (incident_id, at, status, message) VALUES (?, ?, ?, ?)').run(
      incidentId,
      update.at,
      update.status,
      update.message,
    );
  }

  /** Drops the rollups and transitions older than any bar shows (at most once a UTC day). */
  private prune(now: number): void {
    const day = Math.floor(now / DAY_MS);
    if (day === this.prunedDay) return;
    this.prunedDay = day;
    this.statement('DELETE FROM page_hourly WHERE hour < ?').run(now - HOURLY_KEEP_MS);
    this.statement('DELETE FROM page_daily WHERE day < ?').run(now - DAILY_KEEP_MS);
    this.statement('DELETE FROM page_transitions WHERE time < ?').run(now - DAILY_KEEP_MS);
  }

  private prunedDay: number | undefined;

  private insertTransition(transition: PageTransition): void {
    this.statement(
      'INSERT INTO page_transitions (time, target, from_level, to_level) VALUES (?, ?, ?, ?)',
    ).run(transition.time, transition.target, transition.from ?? null, transition.to);
  }

  private upsertTarget(row: TargetRow): void {
    this.statement(
      `INSERT INTO page_targets (name, level, since, first_time, last_time, last_level, last_interval_ms,
           last_duration_ms, maintenance_by, announced)
         VALUES (@name, @level, @since, @first_time, @last_time, @last_level, @last_interval_ms, @last_duration_ms,
           @maintenance_by, @announced)
         ON CONFLICT (name) DO UPDATE SET level = excluded.level, since = excluded.since,
           last_time = excluded.last_time, last_level = excluded.last_level,
           last_interval_ms = excluded.last_interval_ms, last_duration_ms = excluded.last_duration_ms,
           maintenance_by = excluded.maintenance_by, announced = excluded.announced`,
    ).run(row);
  }

  private targetRow(name: string): TargetRow | undefined {
    return this.statement('SELECT * FROM page_targets WHERE name = ?').get(name) as TargetRow | undefined;
  }

  private bump(): void {
    this.statement("UPDATE page_meta SET value = value + 1 WHERE key = 'version'").run();
  }

  private hasTable(name: string): boolean {
    return (
      this.statement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
    );
  }

  private hasColumn(table: string, column: string): boolean {
    return (this.db.pragma(`table_info(${table})`) as { name: string }[]).some((row) => row.name === column);
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function zeroLevels(): Record<Level, number> {
  return Object.fromEntries(LEVELS.map((level) => [level, 0])) as Record<Level, number>;
}

function asLevel(value: string): Level {
  return (LEVELS as readonly string[]).includes(value) ? (value as Level) : 'unknown';
}

/** Page tables made before the page showed announced maintenance get the column. */
function addAnnouncedColumn(db: Database): void {
  const columns = db.prepare('PRAGMA table_info(page_targets)').all() as { name: string }[];
  if (!columns.some((column) => column.name === 'announced'))
    db.exec('ALTER TABLE page_targets ADD COLUMN announced TEXT');
}
