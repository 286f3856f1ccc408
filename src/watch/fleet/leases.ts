/**
 * The fleet's SQL, apart from the policy that uses it: members' heartbeats and per-target leases
 * with an epoch. PostgreSQL is the coordinator: a lease changes hands only through a conditional
 * `INSERT … ON CONFLICT … DO UPDATE … WHERE expired RETURNING`, so two members never both get one,
 * and each new owner gets a new epoch that fences every write of the previous one.
 */
import type { Pool } from 'pg';
import type { LagSummary } from '../schedule-lag.js';

/**
 * Keys and epochs in key order. Every statement that locks lease rows (taking, renewing, handing
 * back, a write's fence) locks them in this one order, so two never wait on each other in a circle.
 */
function sortedColumns(held: ReadonlyMap<string, number>): [string[], number[]] {
  const keys = [...held.keys()].sort();
  return [keys, keys.map((key) => held.get(key)!)];
}

/** A lease key's target: `api@eu` is `api` (target names have no `@`). */
export function targetOfLease(key: string): string {
  const at = key.lastIndexOf('@');
  return at < 0 ? key : key.slice(0, at);
}

export interface MemberRow {
  id: string;
  region: string;
  heartbeatAt: number;
  owned: number;
  lagMs: number;
  /** The member's scheduling lag as it last beat (absent from a member of an older statuskit). */
  lag?: LagSummary;
  live: boolean;
}

export interface Heartbeat {
  member: string;
  region: string;
  owned: number;
  lag: LagSummary;
}

/** Beats; true when the fleet had marked this member gone (it is back: a recovery to record). */
export async function beat(pool: Pool, hb: Heartbeat): Promise<boolean> {
  const { rows } = await pool.query(
    `WITH old AS (SELECT left_at FROM members WHERE id = $1)
     INSERT INTO members (id, region, pid, owned, lag_ms, lag) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), region = excluded.region, pid = excluded.pid,
       owned = excluded.owned, lag_ms = excluded.lag_ms, lag = excluded.lag, left_at = NULL
     RETURNING (SELECT left_at FROM old) IS NOT NULL AS was_gone`,
    [hb.member, hb.region, process.pid, hb.owned, Math.round(hb.lag.p99Ms), JSON.stringify(hb.lag)],
  );
  return rows[0]?.was_gone === true;
}

/** Members, with `live` for those whose heartbeat is younger than `ttlMs` (database time). */
export async function members(pool: Pool, ttlMs: number): Promise<MemberRow[]> {
  const { rows } = await pool.query(
    `SELECT id, region, owned, lag_ms, lag, (extract(epoch FROM heartbeat_at) * 1000)::bigint AS hb,
            (heartbeat_at > now() - make_interval(secs => $1::float8 / 1000) AND left_at IS NULL) AS live
       FROM members ORDER BY id`,
    [ttlMs],
  );
  return rows.map((row) => ({
    id: row.id,
    region: row.region,
    heartbeatAt: Number(row.hb),
    owned: row.owned,
    lagMs: row.lag_ms,
    ...(row.lag ? { lag: row.lag as LagSummary } : {}),
    live: row.live,
  }));
}

/** Marks members silent for `ttlMs` as gone; only the one caller whose UPDATE wins gets each back. */
export async function markGone(pool: Pool, ttlMs: number): Promise<{ id: string; region: string }[]> {
  const { rows } = await pool.query(
    `UPDATE members SET left_at = now()
      WHERE left_at IS NULL AND heartbeat_at < now() - make_interval(secs => $1::float8 / 1000)
      RETURNING id, region`,
    [ttlMs],
  );
  return rows;
}

/** Extends the leases this member still holds with these epochs; returns the targets renewed. */
export async function renew(
  pool: Pool,
  member: string,
  held: ReadonlyMap<string, number>,
  ttlMs: number,
): Promise<Set<string>> {
  if (held.size === 0) return new Set();
  const { rows } = await pool.query(
    `WITH mine AS (
       SELECT l.target FROM leases l
         JOIN unnest($2::text[], $3::bigint[]) AS h (target, epoch) ON l.target = h.target AND l.epoch = h.epoch
        WHERE l.owner = $1 ORDER BY l.target FOR UPDATE OF l)
     UPDATE leases l SET expires_at = now() + make_interval(secs => $4::float8 / 1000)
       FROM mine WHERE l.target = mine.target
      RETURNING l.target`,
    [member, ...sortedColumns(held), ttlMs],
  );
  return new Set(rows.map((row) => row.target as string));
}

/** Takes free or expired leases; returns each taken target with its new epoch. */
export async function acquire(
  pool: Pool,
  member: string,
  targets: readonly string[],
  ttlMs: number,
): Promise<Map<string, number>> {
  if (targets.length === 0) return new Map();
  const { rows } = await pool.query(
    `INSERT INTO leases (target, owner, epoch, expires_at)
       SELECT t, $1, 1, now() + make_interval(secs => $3::float8 / 1000) FROM unnest($2::text[]) AS t
     ON CONFLICT (target) DO UPDATE SET owner = excluded.owner, epoch = leases.epoch + 1,
       expires_at = excluded.expires_at
       WHERE leases.expires_at < now() OR leases.owner = excluded.owner
     RETURNING target, epoch`,
    [member, [...targets].sort(), ttlMs],
  );
  return new Map(rows.map((row) => [row.target as string, Number(row.epoch)]));
}

/** Hands leases back at once (rebalancing, shutdown): the next owner need not wait for the TTL. */
export async function release(pool: Pool, member: string, held: ReadonlyMap<string, number>): Promise<void> {
  if (held.size === 0) return;
  await pool.query(
    `WITH mine AS (
       SELECT l.target FROM leases l
         JOIN unnest($2::text[], $3::bigint[]) AS h (target, epoch) ON l.target = h.target AND l.epoch = h.epoch
        WHERE l.owner = $1 ORDER BY l.target FOR UPDATE OF l)
     UPDATE leases l SET expires_at = now() - interval '1 millisecond'
       FROM mine WHERE l.target = mine.target`,
    [member, ...sortedColumns(held)],
  );
}

/** Every live lease's key and owner (the fleet view's owners per target). */
export async function liveLeases(pool: Pool): Promise<{ key: string; owner: string }[]> {
  const { rows } = await pool.query('SELECT target, owner FROM leases WHERE expires_at > now()');
  return rows.map((row) => ({ key: row.target as string, owner: row.owner as string }));
}
