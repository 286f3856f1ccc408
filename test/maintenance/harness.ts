import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiKeyAuth, createAccess } from '../../src/access/index.js';
import { createStatus, overallStatus, type StatusKit, timestamp } from '../../src/index.js';
import { createMaintenance, type MaintenanceOptions } from '../../src/maintenance/index.js';

const servers: Server[] = [];

/** Closes every server `serve` started (call from `afterEach`). */
export async function closeServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
}

/** Seed 002's document, with API keys for a reader and an admin. */
export function seedStatus(withAccess = true): StatusKit {
  const access = createAccess({
    anonymous: 'summary',
    authenticators: [
      apiKeyAuth({
        keys: [
          { key: 'reader-key', name: 'reader', tier: 'reader' },
          { key: 'admin-key', name: 'root', tier: 'admin' },
        ],
      }),
    ],
  });
  const status = createStatus({
    vocabulary: 'operational',
    envelope: { metadata: { environment: 'production' } },
    access: withAccess ? access : undefined,
  });
  status.mount('status', overallStatus());
  status.value('version', '1.0.0', { summary: true });
  status.mount('timestamp', timestamp());
  status.check('components.api', () => true, { render: { style: 'word' } });
  status.check('components.search', () => true, { render: { style: 'word' } });
  return status;
}

/** Maintenance on `status`, served over real HTTP on an ephemeral port. */
export async function serve(status: StatusKit, options: MaintenanceOptions = {}) {
  const maintenance = createMaintenance(status, options);
  const server = createServer(maintenance.nodeListener());
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, key?: string, body?: unknown) => {
    const headers: Record<string, string> = key ? { 'x-api-key': key } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  return { maintenance, call, url };
}
