/**
 * Seed 002 — Wickson API: GET /v1/status with X-Api-Key. The envelope `{success, message, data,
 * metadata}`; components as words; the caller's account tier and rate limits; the response time;
 * a maintenance notice; 503 when critical; the 500 error envelope when the status cannot be
 * produced; 401 without a key.
 * Keys: WICKSON_KEY (tier standard) and WICKSON_ADMIN_KEY (tier admin); defaults are printed.
 * Simulation (admin key): POST /v1/simulate?down=search&up=storage&broken=1|0; maintenance:
 * POST /v1/status/maintenance?message=...&end=<ISO> and DELETE /v1/status/maintenance.
 * WICKSON_DOWN=search,storage starts with components down.
 */
import {
  apiKeyAuth,
  createAccess,
  createMaintenance,
  createStatus,
  documentDuration,
  guardStatus,
  overallStatus,
  RateLimiter,
  type RequestContext,
  type StatusResponse,
  timestamp,
} from '../../src/index.js';

export const DEFAULT_KEY = 'wk_live_standard_0123456789abcdef';
export const DEFAULT_ADMIN_KEY = 'wk_live_admin_fedcba9876543210';

class Simulation {
  readonly down = new Set((process.env.WICKSON_DOWN ?? '').split(',').filter(Boolean));
  broken = false;
}

export async function start({
  port = 0,
  host = '127.0.0.1',
  limit = 1000,
}: {
  port?: number;
  host?: string;
  limit?: number;
} = {}) {
  const key = process.env.WICKSON_KEY ?? DEFAULT_KEY;
  const adminKey = process.env.WICKSON_ADMIN_KEY ?? DEFAULT_ADMIN_KEY;
  const sim = new Simulation();
  const access = createAccess({
    anonymous: 'refuse',
    tiers: { standard: { details: true, messages: false } },
    authenticators: [
      apiKeyAuth({
        keys: [
          { key, name: 'demo', tier: 'standard' },
          { key: adminKey, name: 'operator', tier: 'admin' },
        ],
      }),
    ],
  });
  const status = createStatus({
    vocabulary: 'operational',
    access,
    paths: { status: '/v1/status' },
    layout: { components: 'word', durationKey: false },
    envelope: {
      metadata: { environment: process.env.WICKSON_ENV ?? 'production', datacenter: 'us-central1' },
    },
  });
  status.mount('status', overallStatus());
  // Without its version the API cannot describe itself: a failure here is the 500 envelope.
  status.provider(
    'version',
    () => {
      if (sim.broken) throw new Error('configuration store unreachable');
      return '1.0.0';
    },
    { required: true, summary: true },
  );
  status.mount('timestamp', timestamp());
  const component = (name: string, critical: boolean) =>
    status.check(`components.${name}`, () => (sim.down.has(name) ? 'critical' : 'ok'), { critical });
  component('api', true);
  component('storage', true);
  // Search being down degrades the API rather than taking it down.
  component('search', false);
  status.mount('performance.response_time_ms', documentDuration());

  const limiter = new RateLimiter({
    tiers: { anonymous: { limit: 60, window: '1h' }, standard: { limit, window: '1h' }, admin: false },
  });
  guardStatus(status, limiter);
  const maintenance = createMaintenance(status, {});

  status.addRoute(async (request: RequestContext): Promise<StatusResponse | undefined> => {
    if (request.pathname !== '/v1/simulate') return undefined;
    const decision = await request.authorize();
    if (!decision.allowed) return decision.response;
    if (decision.principal?.tier !== 'admin')
      return json(403, { error: 'forbidden', message: 'admin key required' });
    if (request.method !== 'POST') return json(405, { error: 'method_not_allowed', message: 'use POST' });
    const query = request.params;
    for (const name of query.getAll('down')) sim.down.add(name);
    for (const name of query.getAll('up')) sim.down.delete(name);
    if (query.has('broken')) sim.broken = query.get('broken') === '1';
    status.invalidate();
    return { status: 204, headers: {}, body: '' };
  });

  const server = await status.listen({ port, host });
  return {
    url: `${server.url}/v1/status`,
    lines: [
      `${server.url}/v1/status`,
      `curl -s -H 'X-Api-Key: ${key}' '${server.url}/v1/status'`,
      `curl -s -X POST -H 'X-Api-Key: ${adminKey}' -H 'content-type: application/json' -d '{"message":"Upgrading the database"}' '${server.url}/v1/status/maintenance'   # admin: start maintenance`,
    ],
    status,
    sim,
    async close() {
      maintenance.close();
      limiter.close();
      await status.close();
    },
  };
}

function json(status: number, body: unknown): StatusResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}
