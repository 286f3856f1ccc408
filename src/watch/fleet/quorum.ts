/**
 * The quorum of a target polled from several regions, pure: each region's latest result counts
 * while it is fresh (three of its intervals); the target is down when at least `downWhen` regions
 * see it down, and the message says which regions saw what. One region failing alone is that
 * region's problem (its network), not the service's.
 */
import { type Level, SEVERITY } from '../../model/levels.js';

export interface RegionResult {
  region: string;
  time: number;
  level: Level;
  httpCode?: number;
  message?: string;
  intervalMs: number;
}

export interface QuorumVerdict {
  level: Level;
  message: string;
  down: string[];
}

const FRESH_INTERVALS = 3;

export function quorum(
  results: readonly RegionResult[],
  regions: readonly string[],
  downWhen: number,
  now: number,
): QuorumVerdict {
  const fresh = results.filter(
    (r) => regions.includes(r.region) && now - r.time <= FRESH_INTERVALS * r.intervalMs,
  );
  const down = fresh.filter((r) => SEVERITY[r.level] >= SEVERITY.critical);
  const up = fresh.filter((r) => SEVERITY[r.level] < SEVERITY.critical);
  const silent = regions.filter((region) => !fresh.some((r) => r.region === region));
  const describe = (r: RegionResult) => `${r.region}${r.httpCode === undefined ? '' : ` (${r.httpCode})`}`;
  const parts = [
    ...(down.length > 0 ? [`down in ${down.map(describe).join(', ')}`] : []),
    ...(up.length > 0 ? [`${up.length === 1 ? up[0].level : 'up'} in ${up.map(describe).join(', ')}`] : []),
    ...(silent.length > 0 ? [`no result from ${silent.join(', ')}`] : []),
  ];
  const message = `${parts.join('; ')} (down when ${downWhen} of ${regions.length})`;
  if (down.length >= downWhen) return { level: 'critical', message, down: down.map((r) => r.region) };
  if (up.length === 0) return { level: 'unknown', message, down: down.map((r) => r.region) };
  return { level: 'ok', message, down: down.map((r) => r.region) };
}
