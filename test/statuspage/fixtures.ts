/**
 * Test material for the status page: a real watch history (SQLite file) with 90 days of samples
 * for N targets, written in one transaction through the real schema, and a real HTTP server whose
 * paths answer like status APIs at levels a test sets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../../src/watch/sqlite.js';
import { SqliteHistoryStore as HistoryStore } from '../../src/watch/store.js';

export const DAY = 86_400_000;
export const MINUTE = 60_000;
export const SAMPLE_EVERY = 15 * MINUTE;

export function dayStart(time: number): number {
  return Math.floor(time / DAY) * DAY;
}

export type GenLevel = 'ok' | 'warning' | 'critical' | 'maintenance' | 'unknown';

export interface GeneratedTarget {
  name: string;
  /** The URL as the watcher will show it (its state is restored for the same URL). */
  displayUrl: string;
  /** The raw level at a time, or undefined: no sample (the watcher was not looking). */
  levelAt: (time: number) => GenLevel | undefined;
  durationAt?: (time: number) => number;
}

export interface GeneratedHistory {
  samples: number;
  transitions: number;
}

/**
 * Writes samples every 15 min from `days` days back (UTC midnight) until `now`, transitions at
 * every change of level (debounced = raw: fail after 1) and each target's state.
 */
export function writeHistory(
  file: string,
  targets: readonly GeneratedTarget[],
  now: number,
  days = 90,
): GeneratedHistory {
  HistoryStore.open(file).close();
  const db = openDatabase(file);
  db.pragma('journal_mode = WAL');
  const insertSample = db.prepare(
    `INSERT INTO samples (time, target, level, word, http_code, duration_ms, message, interval_ms, rule_values)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTransition = db.prepare(
    `INSERT INTO transitions (time, target, url, from_level, to_level, word, http_code, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTarget = db.prepare(
    'INSERT INTO targets (name, url, level, since, pending, streak, last_time) VALUES (?, ?, ?, ?, NULL, 0, ?)',
  );
  let samples = 0;
  let transitions = 0;
  db.transaction(() => {
    const start = dayStart(now) - (days - 1) * DAY;
    for (const target of targets) {
      let level: GenLevel | undefined;
      let since = 0;
      let last = 0;
      for (let time = start; time < now - 30_000; time += SAMPLE_EVERY) {
        const seen = target.levelAt(time);
        if (seen === undefined) continue;
        const values =
          seen === 'maintenance' ? JSON.stringify({ maintenance: { by: 'target', message: 'm' } }) : null;
        insertSample.run(
          time,
          target.name,
          seen,
          seen === 'ok' ? 'UP' : 'DOWN',
          seen === 'ok' ? 200 : 503,
          target.durationAt?.(time) ?? 40 + ((time / SAMPLE_EVERY) % 7),
          seen === 'ok' ? null : 'connect ECONNREFUSED',
          SAMPLE_EVERY,
          values,
        );
        samples++;
        if (seen !== level) {
          insertTransition.run(time, target.name, target.displayUrl, level ?? null, seen, null, null, null);
          transitions++;
          level = seen;
          since = time;
        }
        last = time;
      }
      if (level) insertTarget.run(target.name, target.displayUrl, level, since, last);
    }
  })();
  db.close();
  return { samples, transitions };
}

export interface TargetServer {
  url: string;
  port: number;
  /** Epoch ms (whole seconds) the server started at; `scheduled` notices count from it. */
  startedAt: number;
  /**
   * `notice`: seed 002's answer with its maintenance notice; `scheduled`: with a notice of one to
   * come (`scheduledStart`, ending an hour later).
   */
  set(name: string, level: TargetLevel): void;
  /** Requests seen, with their headers (to check credentials were sent). */
  requests: { path: string; authorization?: string }[];
  close(): Promise<void>;
}

type TargetLevel = 'ok' | 'critical' | 'notice' | 'scheduled';

/** When a `scheduled` target's maintenance begins: two hours after the server started. */
export const scheduledStart = (server: TargetServer) => new Date(server.startedAt + 2 * 3_600_000);

/** `GET /svc/NAME` answers `{ status: UP }` or `{ status: DOWN, message }` with a secret in the message. */
export async function startTargets(secretMessage: string): Promise<TargetServer> {
  const levels = new Map<string, TargetLevel>();
  const startedAt = Math.floor(Date.now() / 1000) * 1000;
  const requests: TargetServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const name = (req.url ?? '').split('?')[0]!.replace(/^\/svc\//, '');
    requests.push({
      path: req.url ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const level = levels.get(name) ?? 'ok';
    const body =
      level === 'ok'
        ? { status: 'UP' }
        : level === 'notice'
          ? {
              data: { status: 'operational' },
              notice: {
                type: 'maintenance',
                message: `Disk swap ${secretMessage}`,
                estimated_completion: '2030-01-01T00:00:00Z',
              },
            }
          : level === 'scheduled'
            ? {
                data: { status: 'operational' },
                notice: {
                  type: 'scheduled_maintenance',
                  message: `Upgrade ${secretMessage}`,
                  start: new Date(startedAt + 2 * 3_600_000).toISOString(),
                  estimated_completion: new Date(startedAt + 3 * 3_600_000).toISOString(),
                },
              }
            : { status: 'DOWN', message: `database failed: ${secretMessage}` };
    res.writeHead(level === 'critical' ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    startedAt,
    set: (name, level) => levels.set(name, level),
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `http://user:***@host/…`: how the watcher shows a URL with a password. */
export function masked(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
