/**
 * What the fleet tests share: a fresh PostgreSQL schema per test file (dropped after), flippable
 * HTTP targets on one local server, a webhook receiver that records every delivery with its
 * Idempotency-Key (and can hold answers), and a config file for N targets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { configFile } from '../spawn-watch.js';

export const PG_ADMIN = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

export interface Schema {
  name: string;
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A schema of its own (`?schema=`), so parallel test files never see each other's rows. */
export async function freshSchema(tag: string): Promise<Schema> {
  const name = `fleet_${tag}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const pool = new pg.Pool({ ...PG_ADMIN, max: 3, options: `-c search_path=${name}` });
  return {
    name,
    url: `postgres://postgres@127.0.0.1:5432/test?schema=${name}`,
    pool,
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await pool.end();
    },
  };
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Targets on one server: `/t/<i>` answers UP (200) or DOWN (503); `setDown(i)` switches it. */
export async function flippableTargets() {
  const down = new Set<number>();
  const hits = new Map<number, number>();
  const server = createServer((req, res) => {
    const i = Number(/^\/t\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
    hits.set(i, (hits.get(i) ?? 0) + 1);
    const isDown = down.has(i);
    res.writeHead(isDown ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: isDown ? 'DOWN' : 'UP' }));
  });
  const port = await listen(server);
  return {
    port,
    url: (i: number) => `http://127.0.0.1:${port}/t/${i}`,
    setDown(i: number, isDown: boolean) {
      if (isDown) down.add(i);
      else down.delete(i);
    },
    hits: (i: number) => hits.get(i) ?? 0,
    close: () => close(server),
  };
}

export interface Delivery {
  key: string;
  target: string;
  from: string | null;
  to: string;
}

/** Records every webhook POST; `hold` keeps answering nothing (a sender killed mid-send). */
export async function webhookReceiver() {
  const deliveries: Delivery[] = [];
  let holding = false;
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const event = JSON.parse(body) as { target: string; from: string | null; to: string };
      deliveries.push({
        key: String(req.headers['idempotency-key'] ?? ''),
        target: event.target,
        from: event.from ?? null,
        to: event.to,
      });
      if (holding) held.push(res);
      else res.writeHead(204).end();
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    hold(on: boolean) {
      holding = on;
      if (!on) for (const res of held.splice(0)) res.writeHead(204).end();
    },
    close: () => close(server),
  };
}

export interface FleetConfig {
  history: string;
  targets: { name: string; url: string }[];
  webhook: string;
  intervalMs: number;
  leaseMs: number;
  region?: string;
}

export function fleetConfig(config: FleetConfig): string {
  const lines = [
    `history: "${config.history}"`,
    `interval: ${config.intervalMs}ms`,
    'timeout: 2s',
    'failAfter: 1',
    'recoverAfter: 1',
    'groupWait: 0s',
    `hookTimeout: 2s`,
    `webhook: "${config.webhook}"`,
    'fleet:',
    `  lease: ${config.leaseMs}ms`,
    ...(config.region ? [`  region: ${config.region}`] : []),
    'targets:',
    ...config.targets.flatMap((t) => [`  ${t.name}:`, `    url: "${t.url}"`]),
  ];
  return configFile(`${lines.join('\n')}\n`);
}
