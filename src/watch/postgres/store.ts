/**
 * The PostgreSQL history: the same tables as the SQLite file plus rollups, observer gaps and the
 * fleet's members, leases and outbox (migrations.ts). Writes go through a bounded queue
 * (write-queue.ts) so polling never waits for the database; each write is one transaction that
 * first checks the writer's lease (fencing): a write whose epoch is no longer the target's is
 * refused and counted, never applied.
 */
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../../client/log.js';
import { isLevel, LEVELS, type Level } from '../../model/levels.js';
import {
  type Availability,
  COVER_INTERVALS,
  type LevelSample,
  summarizeAvailability,
} from '../availability.js';
import { targetOfLease } from '../fleet/leases.js';
import { quorum } from '../fleet/quorum.js';
import type {
  DayAvailability,
  HistoryStore,
  Pruned,
  RecordExtras,
  ResponseTime,
  Sample,
  StoredTarget,
  TransitionRecord,
} from '../history-store.js';
import type { ChangeRecord, RuleSample, SampleValues } from '../rule-history.js';
import { HistoryUnavailableError } from '../sqlite.js';
import { INITIAL_STATE, observe, type TargetState, type Transition } from '../transitions.js';
import { connectOrExplain, createPool, type PgTarget, parsePgUrl } from './connection.js';
import { migrate, PG_SCHEMA_VERSION, refuseNewer, schemaVersion } from './migrations.js';
import {
  type OpenSpan,
  type PlainWrite,
  type Run,
  upsertRollupRows,
  writePlainGroup,
} from './plain-writes.js';
import {
  DEFAULT_TIER_RETAIN_MS,
  mergeRows,
  type RollupRow,
  rawSpans,
  sampleRows,
  spanRows,
  type TierName,
  windowRanges,
} from './rollups.js';
import { isTransientPgError, type WriteOutcome, WriteQueue } from './write-queue.js';

const DAY_MS = 86_400_000;
/** Leases adopted per transaction. */
const ADOPT_CHUNK = 500;
/**
 * Writes wait this long for the ones polled just after them, to share their transaction and their
 * statements: at 10,000 targets every 30 s, ten samples or so a transaction per member.
 */
const WRITE_LINGER_MS = 100;
/** The level under which observer gaps are rolled up (not a status level: never up, never down). */
export const GAP = 'gap';

export interface PgOpenOptions {
  log: Logger;
  /** Open to read only: no migration, an older or missing schema is an error. */
  forReading?: boolean;
  bufferLimit?: number;
  /** The server ends a session idle inside a transaction this long (a paused member's locks). */
  idleTransactionMs?: number;
  tierRetainMs?: Partial<Record<TierName, number>>;
}

interface Write {
  sample: Sample;
  url: string;
  state: TargetState;
  transition?: Transition;
  changes: readonly ChangeRecord[];
  extras: RecordExtras;
}

/** Told when a write was refused for a stale lease (the coordinator drops the target). */
export type RefusalListener = (target: string, fence: RecordExtras['fence']) => void;

export class PgHistoryStore implements HistoryStore {
  readonly kind = 'postgres' as const;
  readonly file: string;
  private readonly queue: WriteQueue<Write>;
  private readonly refusalListeners = new Set<RefusalListener>();
  /** Statements sent by the write path (the benchmark's statements per sample). */
  statements = 0;
  private closed = false;

  private constructor(
    readonly pool: Pool,
    readonly target: PgTarget,
    private readonly options: PgOpenOptions,
  ) {
    this.file = target.shown;
    this.queue = new WriteQueue({
      write: (items) => this.writeBatch(items),
      isTransient: isTransientPgError,
      lingerMs: WRITE_LINGER_MS,
      log: options.log,
      shown: target.shown,
      limit: options.bufferLimit,
    });
  }

  /** Connects, migrates (unless reading), and refuses a schema newer than this statuskit. */
  static async open(url: string, options: PgOpenOptions): Promise<PgHistoryStore> {
    const target = parsePgUrl(url);
    const pool = createPool(
      target,
      (error) =>
        options.log.warn('history database connection lost', { history: target.shown, error: error.message }),
      4,
      options.idleTransactionMs,
    );
    const client = await connectOrExplain(pool, target);
    try {
      if (options.forReading) {
        const version = await schemaVersion(client, target.schema);
        refuseNewer(version, target.shown);
        if (version === 0)
          throw new HistoryUnavailableError(
            `${target.shown} holds no statuskit watch history (schema ${target.schema})`,
          );
      } else await migrate(client, target.schema, target.shown);
    } catch (error) {
      client.release();
      await pool.end().catch(() => {});
      if (error instanceof HistoryUnavailableError) throw error;
      throw new HistoryUnavailableError(
        `cannot use ${target.shown} as a history: ${(error as Error).message}`,
      );
    }
    client.release();
    return new PgHistoryStore(pool, target, options);
  }

  /** `statuskit watch migrate`: the versions before and after. */
  static async migrateOnly(url: string): Promise<{ from: number; to: number; shown: string }> {
    const target = parsePgUrl(url);
    const pool = createPool(target, () => {});
    const client = await connectOrExplain(pool, target);
    try {
      return { ...(await migrate(client, target.schema, target.shown)), shown: target.shown };
    } finally {
      client.release();
      await pool.end().catch(() => {});
    }
  }

  get schemaVersion(): number {
    return PG_SCHEMA_VERSION;
  }

  /** Writes counted by outcome, and what waits in the buffer (exposed on /metrics). */
  get writeCounts() {
    return { ...this.queue.counts, buffered: this.queue.size, down: this.queue.down };
  }

  onRefused(listener: RefusalListener): () => void {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  }

  record(
    sample: Sample,
    url: string,
    state: TargetState,
    transition?: Transition,
    changes: readonly ChangeRecord[] = [],
    extras: RecordExtras = {},
  ): void {
    if (this.closed) return;
    this.queue.push({ sample, url, state, transition, changes, extras });
  }

  /** Waits until the queued writes are in the database (tests, `--once`, shutdown). */
  flush(maxMs?: number): Promise<boolean> {
    return this.queue.drain(maxMs);
  }

  /**
   * A pooled client with an error listener: a connection that dies while checked out emits
   * `error` on the client, which would otherwise end the process; the query's rejection says it.
   */
  private async checkout(): Promise<PoolClient> {
    const client = await this.pool.connect();
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', () => {});
    }
    return client;
  }

  /**
   * What waits in the queue, in one transaction. Every write's lease is checked first, all at once
   * (a refused one writes nothing, the others go on), and every targets row is locked in name
   * order: the locks are taken in one order by every writer, so two never deadlock. The plain
   * writes then go in groups of distinct targets, set-based (plain-writes.ts); a transition, a
   * value change or a quorum result is written on its own, in its place.
   */
  private async writeBatch(writes: readonly Write[]): Promise<WriteOutcome[]> {
    const client = await this.checkout();
    try {
      await this.query(client, 'BEGIN');
      let outcomes: WriteOutcome[];
      try {
        outcomes = await this.writeAll(client, writes);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
      await this.query(client, 'COMMIT');
      client.release();
      writes.forEach((write, i) => {
        if (outcomes[i] !== 'refused') return;
        for (const listener of this.refusalListeners) listener(write.sample.target, write.extras.fence);
      });
      return outcomes;
    } catch (error) {
      // A broken connection is destroyed rather than handed to the next write.
      client.release(isTransientPgError(error) ? (error as Error) : undefined);
      throw error;
    }
  }

  private query(client: PoolClient, sql: string, params?: unknown[]) {
    this.statements++;
    return client.query(sql, params);
  }

  private async writeAll(client: PoolClient, writes: readonly Write[]): Promise<WriteOutcome[]> {
    const run: Run = (sql, params) => this.query(client, sql, params);
    const valid = await fenceAll(run, writes);
    const outcomes: WriteOutcome[] = valid.map((ok) => (ok ? 'written' : 'refused'));
    const accepted = writes.filter((_, i) => valid[i]);
    const open = await lockTargets(run, [...new Set(accepted.map((w) => w.sample.target))]);
    /** Targets written on their own in this batch: from then on they read their rows themselves. */
    const alone = new Set<string>();
    let group = new Map<string, PlainWrite>();
    const flush = async () => {
      await writePlainGroup(run, [...group.values()], open);
      group = new Map();
    };
    for (const write of accepted) {
      const target = write.sample.target;
      if (isPlain(write) && !alone.has(target)) {
        // A target's second write waits for its first: one row per target in each statement.
        if (group.has(target)) await flush();
        group.set(target, plainOf(write));
        continue;
      }
      await flush();
      alone.add(target);
      if (write.extras.quorum) await this.writeQuorum(client, write);
      else await this.writeRows(client, write);
    }
    await flush();
    return outcomes;
  }

  /**
   * A region's result of a quorum target: stored, then the level decided from every region's
   * latest result and the debounce state in the database (the targets row locked), so two regions
   * writing at once still make one transition.
   */
  private async writeQuorum(client: PoolClient, write: Write): Promise<void> {
    const { sample, extras } = write;
    const rules = extras.quorum!;
    const region = extras.region ?? 'default';
    await this.query(
      client,
      `INSERT INTO region_results (target, region, time, level, message, http_code, interval_ms, member)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (target, region) DO UPDATE SET time = excluded.time, level = excluded.level,
         message = excluded.message, http_code = excluded.http_code, interval_ms = excluded.interval_ms,
         member = excluded.member`,
      [
        sample.target,
        region,
        sample.time,
        sample.level,
        sample.message ?? null,
        sample.httpCode ?? null,
        sample.intervalMs,
        extras.fence?.member ?? null,
      ],
    );
    // The row first, so the lock below always has a row to hold: two regions' first results
    // would otherwise both see no state and both record the first transition.
    await this.query(
      client,
      'INSERT INTO targets (name, url) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
      [sample.target, write.url],
    );
    const found = await this.query(client, 'SELECT * FROM targets WHERE name = $1 FOR UPDATE', [
      sample.target,
    ]);
    const results = await this.query(client, 'SELECT * FROM region_results WHERE target = $1', [
      sample.target,
    ]);
    const verdict = quorum(
      results.rows.map((r) => ({
        region: r.region,
        time: Number(r.time),
        level: levelOrUndefined(r.level) ?? 'unknown',
        intervalMs: r.interval_ms,
        ...(r.http_code === null ? {} : { httpCode: r.http_code }),
      })),
      rules.regions,
      rules.downWhen,
      sample.time,
    );
    const row = found.rows[0] as TargetRow | undefined;
    const before: TargetState = row ? toStoredTarget(row).state : INITIAL_STATE;
    const { state, transition } = observe(before, verdict.level, sample.time, rules.debounce);
    const decided: Sample = { ...sample, level: verdict.level, message: verdict.message };
    const event =
      transition && !(transition.from === undefined && transition.to === 'ok')
        ? {
            ...rules.event,
            from: transition.from,
            to: transition.to,
            message: verdict.message,
            at: transition.at,
            regions: { down: verdict.down },
          }
        : undefined;
    if (transition) {
      const line = `${sample.target}: ${transition.from ?? '(start)'} -> ${transition.to} (${verdict.message})`;
      if (transition.to === 'critical') this.options.log.warn(line, { target: sample.target, region });
      else this.options.log.info(line, { target: sample.target, region });
    }
    await this.writeRows(client, {
      ...write,
      sample: decided,
      state,
      transition,
      extras: { ...extras, ...(event ? { event } : { event: undefined, receivers: [] }) },
    });
  }

  /** Open span, sample, transition + outbox, changes, state, rollups. */
  private async writeRows(
    client: PoolClient,
    { sample, url, state, transition, changes, extras }: Write,
  ): Promise<void> {
    const { fence } = extras;
    const open = await this.query(
      client,
      'SELECT open_time, open_level, open_interval FROM targets WHERE name = $1 FOR UPDATE',
      [sample.target],
    );
    const rows: RollupRow[] = sampleRows(sample.level, sample.time, sample.durationMs);
    const previous = open.rows[0] as
      | { open_time: string | null; open_level: string | null; open_interval: number | null }
      | undefined;
    if (previous?.open_time != null && previous.open_level && previous.open_interval) {
      const from = Number(previous.open_time);
      const to = Math.min(sample.time, from + COVER_INTERVALS * previous.open_interval);
      if (to > from) rows.push(...spanRows(previous.open_level, from, to));
    }
    await this.query(
      client,
      `INSERT INTO samples (time, target, level, word, http_code, duration_ms, message, interval_ms, rule_values, member, epoch, region)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        sample.time,
        sample.target,
        sample.level,
        sample.word ?? null,
        sample.httpCode ?? null,
        Math.round(sample.durationMs),
        sample.message ?? null,
        sample.intervalMs,
        valuesJson(sample.values),
        fence?.member ?? null,
        fence?.epoch ?? null,
        extras.region ?? null,
      ],
    );
    if (transition) await this.insertTransition(client, sample, url, transition, extras);
    for (const change of changes) {
      await this.query(
        client,
        'INSERT INTO changes (time, target, url, rule, message, muted) VALUES ($1, $2, $3, $4, $5, $6)',
        [change.time, change.target, change.url, change.rule, change.message, change.muted],
      );
    }
    await this.query(
      client,
      `INSERT INTO targets (name, url, level, since, pending, streak, last_time, open_time, open_level, open_interval, epoch)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)
         ON CONFLICT (name) DO UPDATE SET url = excluded.url, level = excluded.level, since = excluded.since,
           pending = excluded.pending, streak = excluded.streak, last_time = excluded.last_time,
           open_time = excluded.open_time, open_level = excluded.open_level,
           open_interval = excluded.open_interval, epoch = excluded.epoch`,
      [
        sample.target,
        url,
        state.level ?? null,
        state.since ?? null,
        state.pending ?? null,
        state.streak,
        sample.time,
        sample.level,
        sample.intervalMs,
        fence?.epoch ?? null,
      ],
    );
    await this.upsertRollups(client, sample.target, rows);
  }

  private async insertTransition(
    client: PoolClient,
    sample: Sample,
    url: string,
    transition: Transition,
    extras: RecordExtras,
  ): Promise<void> {
    const inserted = await this.query(
      client,
      `INSERT INTO transitions (time, target, url, from_level, to_level, word, http_code, message, member, epoch)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        transition.at,
        sample.target,
        url,
        transition.from ?? null,
        transition.to,
        sample.word ?? null,
        sample.httpCode ?? null,
        sample.message ?? null,
        extras.fence?.member ?? null,
        extras.fence?.epoch ?? null,
      ],
    );
    const receivers = extras.receivers ?? [];
    if (receivers.length === 0 || !extras.event) return;
    const id = Number(inserted.rows[0].id);
    // The outbox rows commit with the transition or not at all: no alert without its transition,
    // no transition without its alerts.
    await this.query(
      client,
      `INSERT INTO outbox (target, transition_id, receiver, event, idempotency_key)
         SELECT $1, $2, receiver, $3, key FROM unnest($4::text[], $5::text[]) AS r (receiver, key)
         ON CONFLICT DO NOTHING`,
      [
        sample.target,
        id,
        JSON.stringify(extras.event),
        receivers,
        receivers.map((receiver) => idempotencyKey(sample.target, id, receiver)),
      ],
    );
  }

  private async upsertRollups(client: PoolClient, target: string, rows: readonly RollupRow[]): Promise<void> {
    const run: Run = (sql, params) => this.query(client, sql, params);
    await upsertRollupRows(
      run,
      mergeRows(rows).map((row) => ({ ...row, target })),
    );
  }

  /**
   * A new owner takes a target: under its lease, reads the state the last owner left, and when
   * nobody polled it for longer than an interval and a half, records that time as an observer gap
   * (closing the last sample's span where its interval ended). Undefined when the lease is stale.
   */
  async adopt(
    target: string,
    member: string,
    epoch: number,
    now = Date.now(),
    leaseKey = target,
  ): Promise<StoredTarget | null | undefined> {
    const adopted = await this.adoptAll(member, new Map([[leaseKey, epoch]]), now);
    return adopted.get(leaseKey);
  }

  /**
   * `adopt` for many leases at once, a transaction per ADOPT_CHUNK of them: a member joining a
   * fleet of 10,000 targets takes thousands in one round, and one transaction each would outlast
   * its leases. Each key taken maps to its stored target (null: none yet); a stale one is absent.
   */
  async adoptAll(
    member: string,
    leases: ReadonlyMap<string, number>,
    now = Date.now(),
  ): Promise<Map<string, StoredTarget | null>> {
    const adopted = new Map<string, StoredTarget | null>();
    const keys = [...leases.keys()].sort();
    for (let i = 0; i < keys.length; i += ADOPT_CHUNK) {
      const chunk = new Map(keys.slice(i, i + ADOPT_CHUNK).map((key) => [key, leases.get(key)!]));
      for (const [key, stored] of await this.adoptChunk(member, chunk, now)) adopted.set(key, stored);
    }
    return adopted;
  }

  private async adoptChunk(
    member: string,
    leases: ReadonlyMap<string, number>,
    now: number,
  ): Promise<Map<string, StoredTarget | null>> {
    const client = await this.checkout();
    const run: Run = (sql, params) => this.query(client, sql, params);
    try {
      await run('BEGIN', []);
      const held = await run(
        'SELECT target, owner, epoch FROM leases WHERE target = ANY($1) ORDER BY target FOR SHARE',
        [[...leases.keys()]],
      );
      const valid = held.rows
        .filter((row) => row.owner === member && Number(row.epoch) === leases.get(row.target))
        .map((row) => row.target as string);
      // One region of a quorum target: the other regions may still be polling it, no gap there.
      const own = valid.filter((key) => targetOfLease(key) === key);
      const regional = valid.filter((key) => targetOfLease(key) !== key);
      const locked = await run('SELECT * FROM targets WHERE name = ANY($1) ORDER BY name FOR UPDATE', [own]);
      const shared = await run('SELECT * FROM targets WHERE name = ANY($1)', [regional.map(targetOfLease)]);
      const rows = new Map(
        [...locked.rows, ...shared.rows].map((row) => [row.name as string, row as TargetRow]),
      );
      await this.recordGaps(
        run,
        (locked.rows as TargetRow[]).filter((row) => unpolledSince(row, now)),
        member,
        now,
      );
      await run('COMMIT', []);
      const stored = (key: string) => rows.get(targetOfLease(key));
      return new Map(valid.map((key) => [key, stored(key) ? toStoredTarget(stored(key)!) : null]));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** The last sample's span closed where its interval ended, the rest until now a gap. */
  private async recordGaps(run: Run, rows: readonly TargetRow[], member: string, now: number): Promise<void> {
    if (rows.length === 0) return;
    const spans = rows.map((row) => {
      const openTime = Number(row.open_time);
      return { target: row.name, level: row.open_level!, openTime, gapStart: openTime + row.open_interval! };
    });
    await upsertRollupRows(
      run,
      spans.flatMap((s) =>
        mergeRows([...spanRows(s.level, s.openTime, s.gapStart), ...spanRows(GAP, s.gapStart, now)]).map(
          (row) => ({ ...row, target: s.target }),
        ),
      ),
    );
    await run(
      `INSERT INTO gaps (target, start_time, end_time, member)
         SELECT target, start_time, $3, $4 FROM unnest($1::text[], $2::bigint[]) AS g (target, start_time)`,
      [spans.map((s) => s.target), spans.map((s) => s.gapStart), now, member],
    );
    await run('UPDATE targets SET open_time = NULL WHERE name = ANY($1)', [spans.map((s) => s.target)]);
  }

  async targets(): Promise<StoredTarget[]> {
    const { rows } = await this.pool.query('SELECT * FROM targets ORDER BY name');
    return (rows as TargetRow[]).map(toStoredTarget);
  }

  async transitions(since: number, target?: string): Promise<TransitionRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM transitions WHERE time >= $1 ${target === undefined ? '' : 'AND target = $2'} ORDER BY time, id`,
      target === undefined ? [since] : [since, target],
    );
    return rows.map((row) => ({
      time: Number(row.time),
      target: row.target,
      url: row.url,
      from: levelOrUndefined(row.from_level),
      to: levelOrUndefined(row.to_level) ?? 'unknown',
      word: row.word ?? undefined,
      httpCode: row.http_code ?? undefined,
      message: row.message ?? undefined,
    }));
  }

  async changes(since: number, target?: string): Promise<ChangeRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT time, target, url, rule, message, muted FROM changes WHERE time >= $1 ${target === undefined ? '' : 'AND target = $2'} ORDER BY time, id`,
      target === undefined ? [since] : [since, target],
    );
    return rows.map((row) => ({ ...row, time: Number(row.time) }));
  }

  async ruleSamples(since: number, target?: string): Promise<RuleSample[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM samples WHERE time >= $1 ${target === undefined ? '' : 'AND target = $2'} ORDER BY time, id`,
      target === undefined ? [since] : [since, target],
    );
    return rows.map((row) => ({
      time: Number(row.time),
      target: row.target,
      level: row.level,
      durationMs: row.duration_ms,
      intervalMs: row.interval_ms,
      values: (row.rule_values ?? {}) as SampleValues,
      ...(row.word === null ? {} : { word: row.word }),
      ...(row.http_code === null ? {} : { httpCode: row.http_code }),
      ...(row.message === null ? {} : { message: row.message }),
    }));
  }

  async lastValues(target: string): Promise<{ known: Map<string, unknown>; ping?: SampleValues['ping'] }> {
    const { rows } = await this.pool.query(
      'SELECT rule_values FROM samples WHERE target = $1 AND rule_values IS NOT NULL ORDER BY time DESC, id DESC LIMIT 50',
      [target],
    );
    const known = new Map<string, unknown>();
    let ping: SampleValues['ping'];
    for (const row of rows) {
      const values = row.rule_values as SampleValues;
      for (const [key, value] of Object.entries(values.recorded ?? {}))
        if (!known.has(key)) known.set(key, value);
      ping ??= values.ping;
    }
    return { known, ...(ping ? { ping } : {}) };
  }

  async levelSamples(target: string, start: number): Promise<LevelSample[]> {
    const { rows } = await this.pool.query(
      `(SELECT time, level, interval_ms FROM samples WHERE target = $1 AND time < $2 ORDER BY time DESC LIMIT 1)
       UNION ALL (SELECT time, level, interval_ms FROM samples WHERE target = $1 AND time >= $2 ORDER BY time)`,
      [target, start],
    );
    return rows.map((row) => ({
      time: Number(row.time),
      level: levelOrUndefined(row.level) ?? 'unknown',
      intervalMs: row.interval_ms,
    }));
  }

  /**
   * Availability of one target over a window: whole days, hours and minutes from the rollups (one
   * query), the span still open clipped to them, and the edges finer than a minute from the raw
   * samples there (at most two minutes of them). Observer gaps apart.
   */
  async availabilityOf(
    target: string,
    window: { start: number; end: number },
  ): Promise<Availability & { gapMs: number }> {
    const ranges = windowRanges(window.start, window.end);
    if (ranges.length === 0) return this.rawAvailability(target, window);
    const whole = {
      start: Math.min(...ranges.map((r) => r.from)),
      end: Math.max(...ranges.map((r) => r.to)),
    };
    const byLevel = emptyLevels();
    let gapMs = 0;
    const { rows } = await this.pool.query(
      `SELECT r.level, sum(r.ms)::bigint AS ms FROM rollups r
         JOIN unnest($2::text[], $3::bigint[], $4::bigint[]) AS w (tier, lo, hi)
           ON r.tier = w.tier AND r.bucket >= w.lo AND r.bucket < w.hi
        WHERE r.target = $1 GROUP BY r.level`,
      [target, ranges.map((r) => r.tier), ranges.map((r) => r.from), ranges.map((r) => r.to)],
    );
    for (const row of rows) {
      if (row.level === GAP) gapMs += Number(row.ms);
      else if (isLevel(row.level)) byLevel[row.level as Level] += Number(row.ms);
    }
    const open = await this.openSpan(target);
    if (open) {
      const from = Math.max(open.from, whole.start);
      const to = Math.min(open.to, whole.end);
      if (to > from) byLevel[open.level] += to - from;
    }
    for (const edge of [
      { start: window.start, end: whole.start },
      { start: whole.end, end: window.end },
    ]) {
      if (edge.end <= edge.start) continue;
      const part = await this.rawAvailability(target, edge);
      for (const level of LEVELS) byLevel[level] += part.byLevel[level];
      gapMs += part.gapMs;
    }
    return { ...summarizeAvailability(byLevel, window), gapMs };
  }

  /** The span of the target's latest sample, not yet in the rollups: as far as it may speak. */
  private async openSpan(target: string): Promise<{ level: Level; from: number; to: number } | undefined> {
    const { rows } = await this.pool.query(
      'SELECT open_time, open_level, open_interval FROM targets WHERE name = $1',
      [target],
    );
    const row = rows[0];
    if (row?.open_time == null || !isLevel(row.open_level)) return undefined;
    const from = Number(row.open_time);
    return { level: row.open_level as Level, from, to: from + COVER_INTERVALS * row.open_interval };
  }

  /** From the raw samples of [start, end), the one before it, and the gaps there. */
  private async rawAvailability(
    target: string,
    window: { start: number; end: number },
  ): Promise<Availability & { gapMs: number }> {
    const { rows } = await this.pool.query(
      `(SELECT time, level, interval_ms FROM samples WHERE target = $1 AND time < $2 ORDER BY time DESC LIMIT 1)
       UNION ALL (SELECT time, level, interval_ms FROM samples WHERE target = $1 AND time >= $2 AND time < $3 ORDER BY time)`,
      [target, window.start, window.end],
    );
    const gaps = await this.pool.query(
      'SELECT start_time, end_time FROM gaps WHERE target = $1 AND end_time > $2 AND start_time < $3',
      [target, window.start, window.end],
    );
    const spans = rawSpans(
      rows.map((r) => ({
        time: Number(r.time),
        level: r.level as string,
        intervalMs: r.interval_ms as number,
      })),
      gaps.rows.map((g) => ({ start: Number(g.start_time), end: Number(g.end_time) })),
      window,
      COVER_INTERVALS,
    );
    const byLevel = emptyLevels();
    for (const [level, ms] of spans) if (isLevel(level)) byLevel[level as Level] += ms;
    return { ...summarizeAvailability(byLevel, window), gapMs: spans.get(GAP) ?? 0 };
  }

  async dailyAvailability(target: string, days: number, now = Date.now()): Promise<DayAvailability[]> {
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const first = today - (days - 1) * DAY_MS;
    const { rows } = await this.pool.query(
      `SELECT bucket, level, ms, samples FROM rollups WHERE target = $1 AND tier = 'day' AND bucket >= $2`,
      [target, first],
    );
    const result = Array.from({ length: days }, (_, i) => ({
      day: first + i * DAY_MS,
      byLevel: emptyLevels(),
      gapMs: 0,
      samples: 0,
    }));
    for (const row of rows) {
      const entry = result[(Number(row.bucket) - first) / DAY_MS];
      if (!entry) continue;
      entry.samples += row.samples;
      if (row.level === GAP) entry.gapMs += Number(row.ms);
      else if (isLevel(row.level)) entry.byLevel[row.level as Level] += Number(row.ms);
    }
    // The latest sample's span reaches the rollups only with the next sample: until then it is
    // added here, up to this moment, split over the days it covers (a sample at 21:00 covers the
    // evening before a bar drawn at 03:00).
    const open = await this.openSpan(target);
    if (open) {
      const to = Math.min(open.to, Date.now());
      for (const entry of result) {
        const ms = Math.min(to, entry.day + DAY_MS) - Math.max(open.from, entry.day);
        if (ms > 0) entry.byLevel[open.level] += ms;
      }
    }
    return result.map((entry) => {
      const { ratio } = summarizeAvailability(entry.byLevel, { start: entry.day, end: entry.day + DAY_MS });
      return ratio === undefined ? entry : { ...entry, ratio };
    });
  }

  async responseTimes(target: string, since: number): Promise<ResponseTime[]> {
    const { rows } = await this.pool.query(
      'SELECT time, duration_ms, level FROM samples WHERE target = $1 AND time >= $2 ORDER BY time',
      [target, since],
    );
    return rows.map((row) => ({
      time: Number(row.time),
      durationMs: row.duration_ms,
      level: levelOrUndefined(row.level) ?? 'unknown',
    }));
  }

  /** Raw rows older than `cutoff`; each rollup tier by its own retention; sent outbox rows with them. */
  async prune(cutoff: number, now = Date.now()): Promise<Pruned> {
    if (this.closed) return { samples: 0, transitions: 0 };
    const samples = await this.pool.query('DELETE FROM samples WHERE time < $1', [cutoff]);
    const transitions = await this.pool.query(
      'DELETE FROM transitions WHERE time < $1 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.transition_id = transitions.id AND o.sent_at IS NULL)',
      [cutoff],
    );
    const changes = await this.pool.query('DELETE FROM changes WHERE time < $1', [cutoff]);
    const retain = { ...DEFAULT_TIER_RETAIN_MS, ...this.options.tierRetainMs };
    for (const [tier, ms] of Object.entries(retain))
      await this.pool.query('DELETE FROM rollups WHERE tier = $1 AND bucket < $2', [tier, now - ms]);
    await this.pool.query('DELETE FROM gaps WHERE end_time < $1', [now - retain.day]);
    return {
      samples: samples.rowCount ?? 0,
      transitions: transitions.rowCount ?? 0,
      changes: changes.rowCount ?? 0,
    };
  }

  async count(table: 'samples' | 'transitions', target?: string): Promise<number> {
    const { rows } = await this.pool.query(
      `SELECT count(*)::int AS n FROM ${table} ${target === undefined ? '' : 'WHERE target = $1'}`,
      target === undefined ? [] : [target],
    );
    return rows[0].n;
  }

  /** Writes what is buffered (at most `drainMs`), then closes the pool. */
  async close(drainMs = 5000): Promise<void> {
    if (this.closed) return;
    await this.queue.drain(drainMs);
    this.closed = true;
    this.queue.close();
    await this.pool.end().catch(() => {});
  }
}

const guarded = new WeakSet<PoolClient>();

/** Nobody polled the target for more than an interval and a half: the time since is a gap. */
function unpolledSince(row: TargetRow, now: number): boolean {
  const openTime = row.open_time === null ? undefined : Number(row.open_time);
  return (
    openTime !== undefined &&
    !!row.open_interval &&
    !!row.open_level &&
    now - openTime > 1.5 * row.open_interval
  );
}

function leaseKeyOf(write: Write): string {
  return write.extras.fence?.key ?? write.sample.target;
}

/**
 * Every fenced write's lease, in one read: FOR SHARE, so a takeover committing meanwhile is waited
 * for and then seen, never slipped past; in key order, as the coordinator takes them.
 */
async function fenceAll(run: Run, writes: readonly Write[]): Promise<boolean[]> {
  const keys = [...new Set(writes.filter((w) => w.extras.fence).map(leaseKeyOf))].sort();
  const held = new Map<string, { owner: string; epoch: number }>();
  if (keys.length > 0) {
    const { rows } = await run(
      'SELECT target, owner, epoch FROM leases WHERE target = ANY($1) ORDER BY target FOR SHARE',
      [keys],
    );
    for (const row of rows) held.set(row.target, { owner: row.owner, epoch: Number(row.epoch) });
  }
  return writes.map((write) => {
    const { fence } = write.extras;
    if (!fence) return true;
    const lease = held.get(leaseKeyOf(write));
    return lease !== undefined && lease.owner === fence.member && lease.epoch === fence.epoch;
  });
}

/** No transition, no value change, no quorum: a sample and a state, written set-based. */
function isPlain(write: Write): boolean {
  return !write.transition && write.changes.length === 0 && !write.extras.quorum;
}

function plainOf({ sample, url, state, extras }: Write): PlainWrite {
  return {
    sample,
    url,
    state,
    member: extras.fence?.member ?? null,
    epoch: extras.fence?.epoch ?? null,
    region: extras.region ?? null,
    values: valuesJson(sample.values),
  };
}

/** Locks the targets rows in name order and reads where each one's last span was left open. */
async function lockTargets(run: Run, names: readonly string[]): Promise<Map<string, OpenSpan | undefined>> {
  const open = new Map<string, OpenSpan | undefined>();
  if (names.length === 0) return open;
  const { rows } = await run(
    'SELECT name, open_time, open_level, open_interval FROM targets WHERE name = ANY($1) ORDER BY name FOR UPDATE',
    [[...names].sort()],
  );
  for (const row of rows) {
    const known = row.open_time !== null && row.open_level && row.open_interval;
    open.set(
      row.name,
      known
        ? { time: Number(row.open_time), level: row.open_level, intervalMs: row.open_interval }
        : undefined,
    );
  }
  return open;
}

interface TargetRow {
  name: string;
  url: string;
  level: string | null;
  since: string | null;
  pending: string | null;
  streak: number;
  last_time: string | null;
  open_time: string | null;
  open_level: string | null;
  open_interval: number | null;
}

/** Same target, transition and receiver: same key, at every delivery attempt by any member. */
export function idempotencyKey(target: string, transitionId: number, receiver: string): string {
  const hash = createHash('sha256').update(receiver).digest('hex').slice(0, 16);
  return `statuskit-${transitionId}-${hash}-${target}`.slice(0, 200);
}

function toStoredTarget(row: TargetRow): StoredTarget {
  return {
    name: row.name,
    url: row.url,
    state: {
      level: levelOrUndefined(row.level),
      since: row.since === null ? undefined : Number(row.since),
      pending: levelOrUndefined(row.pending),
      streak: row.streak,
    },
    lastTime: row.last_time === null ? undefined : Number(row.last_time),
  };
}

function valuesJson(values: SampleValues | undefined): string | null {
  return values === undefined || Object.keys(values).length === 0 ? null : JSON.stringify(values);
}

function levelOrUndefined(value: string | null): Level | undefined {
  return isLevel(value) ? value : undefined;
}

function emptyLevels(): Record<Level, number> {
  return Object.fromEntries(LEVELS.map((level) => [level, 0])) as Record<Level, number>;
}
