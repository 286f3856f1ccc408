/**
 * Versioned migrations of the PostgreSQL history, run by the watcher at start and by
 * `statuskit watch migrate`. Each migration runs in its own transaction under an advisory lock, so
 * three watchers starting together migrate once. A schema newer than this statuskit knows is
 * refused: an older binary must not write a history it does not understand.
 */
import type { PoolClient } from 'pg';
import { HistoryUnavailableError } from '../sqlite.js';

/** Times are epoch milliseconds (bigint), as in the SQLite history. */
const V1 = `
CREATE TABLE samples (
  id bigserial PRIMARY KEY,
  time bigint NOT NULL,
  target text NOT NULL,
  level text NOT NULL,
  word text,
  http_code integer,
  duration_ms integer NOT NULL,
  message text,
  interval_ms integer NOT NULL,
  rule_values jsonb,
  member text,
  epoch bigint
);
CREATE INDEX samples_by_target ON samples (target, time);
CREATE INDEX samples_by_time ON samples (time);
CREATE TABLE transitions (
  id bigserial PRIMARY KEY,
  time bigint NOT NULL,
  target text NOT NULL,
  url text NOT NULL,
  from_level text,
  to_level text NOT NULL,
  word text,
  http_code integer,
  message text,
  member text,
  epoch bigint
);
CREATE INDEX transitions_by_target ON transitions (target, time);
CREATE INDEX transitions_by_time ON transitions (time);
CREATE TABLE changes (
  id bigserial PRIMARY KEY,
  time bigint NOT NULL,
  target text NOT NULL,
  url text NOT NULL,
  rule text NOT NULL,
  message text NOT NULL,
  muted boolean NOT NULL DEFAULT false
);
CREATE INDEX changes_by_target ON changes (target, time);
CREATE INDEX changes_by_time ON changes (time);
CREATE TABLE targets (
  name text PRIMARY KEY,
  url text NOT NULL,
  level text,
  since bigint,
  pending text,
  streak integer NOT NULL DEFAULT 0,
  last_time bigint,
  -- The last sample's span is still open: the rollups get it when the next sample closes it.
  open_time bigint,
  open_level text,
  open_interval integer,
  epoch bigint
);
CREATE TABLE rollups (
  tier text NOT NULL,
  bucket bigint NOT NULL,
  target text NOT NULL,
  level text NOT NULL,
  ms bigint NOT NULL DEFAULT 0,
  samples integer NOT NULL DEFAULT 0,
  duration_sum bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (target, tier, bucket, level)
);
CREATE INDEX rollups_by_bucket ON rollups (tier, bucket);
CREATE TABLE gaps (
  id bigserial PRIMARY KEY,
  target text NOT NULL,
  start_time bigint NOT NULL,
  end_time bigint NOT NULL,
  member text
);
CREATE INDEX gaps_by_target ON gaps (target, start_time);
CREATE TABLE members (
  id text PRIMARY KEY,
  region text NOT NULL,
  pid integer,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  owned integer NOT NULL DEFAULT 0,
  lag_ms integer NOT NULL DEFAULT 0,
  left_at timestamptz
);
CREATE TABLE leases (
  target text PRIMARY KEY,
  owner text NOT NULL,
  epoch bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  target text NOT NULL,
  transition_id bigint NOT NULL REFERENCES transitions (id) ON DELETE CASCADE,
  receiver text NOT NULL,
  event jsonb NOT NULL,
  idempotency_key text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_at timestamptz NOT NULL DEFAULT now(),
  claimed_by text,
  claimed_until timestamptz,
  sent_at timestamptz,
  last_error text,
  UNIQUE (target, transition_id, receiver)
);
CREATE INDEX outbox_due ON outbox (next_at) WHERE sent_at IS NULL;
`;

/** Regions and quorum: each region's latest result per target, and the region of each sample. */
const V2 = `
ALTER TABLE samples ADD COLUMN region text;
CREATE TABLE region_results (
  target text NOT NULL,
  region text NOT NULL,
  time bigint NOT NULL,
  level text NOT NULL,
  message text,
  http_code integer,
  interval_ms integer NOT NULL,
  member text,
  PRIMARY KEY (target, region)
);
`;

/**
 * The status page's incidents, shared by every member that serves the page. An incident opened by
 * a transition keeps its id: unique, so members following the same transition open it once; a
 * recovery's update likewise, once per incident. No foreign key to transitions: pruning raw
 * transitions must not take incidents with it.
 */
const V3 = `
CREATE TABLE incidents (
  id bigserial PRIMARY KEY,
  title text NOT NULL,
  targets jsonb NOT NULL,
  impact text NOT NULL,
  status text NOT NULL,
  automatic boolean NOT NULL DEFAULT false,
  opened_at bigint NOT NULL,
  resolved_at bigint,
  transition_id bigint UNIQUE
);
CREATE INDEX incidents_by_opened ON incidents (opened_at);
CREATE INDEX incidents_open ON incidents (opened_at) WHERE resolved_at IS NULL;
CREATE TABLE incident_updates (
  id bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at bigint NOT NULL,
  status text NOT NULL,
  message text NOT NULL,
  transition_id bigint,
  UNIQUE (incident_id, transition_id)
);
CREATE INDEX incident_updates_by_incident ON incident_updates (incident_id, at);
`;

/** Each member's scheduling lag (p50, p99, the worst targets) beside the p99 it always had. */
const V4 = `
ALTER TABLE members ADD COLUMN lag jsonb;
`;

/** Index = version - 1. Append, never edit: a deployed migration is history. */
export const MIGRATIONS: readonly string[] = [V1, V2, V3, V4];
export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** One lock id for every statuskit history on the server: migrations are rare and short. */
const MIGRATION_LOCK = 0x5eed_0021;

export interface MigrationOutcome {
  from: number;
  to: number;
}

/** The schema's version, 0 when it has none yet. */
export async function schemaVersion(client: PoolClient, schema: string): Promise<number> {
  const table = await client.query(
    `SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'schema_version'`,
    [schema],
  );
  if (table.rowCount === 0) return 0;
  const row = await client.query('SELECT max(version) AS version FROM schema_version');
  return Number(row.rows[0]?.version ?? 0);
}

export function refuseNewer(version: number, shown: string): void {
  if (version > PG_SCHEMA_VERSION)
    throw new HistoryUnavailableError(
      `${shown} holds a history of schema ${version}, written by a newer statuskit (this one knows up to ${PG_SCHEMA_VERSION}): upgrade statuskit`,
    );
}

/** Brings the schema to PG_SCHEMA_VERSION. `client` works with search_path = schema. */
export async function migrate(client: PoolClient, schema: string, shown: string): Promise<MigrationOutcome> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const from = await schemaVersion(client, schema);
    refuseNewer(from, shown);
    for (let version = from + 1; version <= PG_SCHEMA_VERSION; version++) {
      await client.query('BEGIN');
      try {
        await client.query(MIGRATIONS[version - 1]);
        await client.query('INSERT INTO schema_version (version) VALUES ($1)', [version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new HistoryUnavailableError(
          `${shown}: migration ${version} failed: ${(error as Error).message}`,
        );
      }
    }
    return { from, to: PG_SCHEMA_VERSION };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
