import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyAuth, createAccess } from '../../src/index.js';
import { get, serve } from './helpers.js';

/** End to end: the access layer in front of the real endpoint, over real HTTP. */
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

const SECRET_FIELD = 'pool-size-42';
const SECRET_MESSAGE = 'connection refused by db-internal-7';

async function start(anonymous: 'summary' | 'refuse') {
  const access = createAccess({
    anonymous,
    authenticators: [
      apiKeyAuth({
        keys: [
          { key: 'reader-key-123456', name: 'monitor', tier: 'reader' },
          { key: 'admin-key-1234567', name: 'ops', tier: 'admin' },
        ],
      }),
    ],
  });
  const started = await serve(
    (s) => {
      s.value('version', '1.0.0', { summary: true });
      s.check('components.db', () => ({ level: 'ok', fields: { pool: SECRET_FIELD } }));
      s.check(
        'components.search',
        () => {
          throw new Error(SECRET_MESSAGE);
        },
        { critical: false },
      );
    },
    { access },
  );
  stop = started.stop;
  return started.url;
}

const reader = { headers: { 'x-api-key': 'reader-key-123456' } };
const admin = { headers: { 'x-api-key': 'admin-key-1234567' } };

describe('disclosure tiers through the HTTP endpoint', () => {
  it('never shows an anonymous caller any detail, by any door', async () => {
    const url = await start('summary');
    const doors = [
      '/status',
      '/status?details=true',
      '/status?details=true&pretty=true',
      '/status?path=components.db.pool',
      '/status?path=/components/db',
      '/status/components/db',
      '/status/components.search',
      '/status?format=health&details=true',
    ];
    for (const door of doors) {
      const res = await get(url + door);
      expect(res.text, door).not.toContain(SECRET_FIELD);
      expect(res.text, door).not.toContain(SECRET_MESSAGE);
      expect(res.text, door).not.toMatch(/"(db|search)":/);
    }
    expect((await get(`${url}/status`)).json()).toEqual({
      status: 'warning',
      version: '1.0.0',
      durationMs: expect.any(Number),
    });
    expect((await get(`${url}/status?path=components.db.pool`)).status).toBe(404);
    expect((await get(`${url}/status/components/db`)).status).toBe(404);
    const health = await get(`${url}/status`, { headers: { accept: 'application/health+json' } });
    expect(health.json()).toEqual({ status: 'warn' });
  });

  it('shows details but no error messages to readers, and everything to admins', async () => {
    const url = await start('summary');
    const asReader = await get(`${url}/status`, reader);
    expect(asReader.text).toContain(SECRET_FIELD);
    expect(asReader.text).not.toContain(SECRET_MESSAGE);
    expect((await get(`${url}/status?format=health`, reader)).text).not.toContain(SECRET_MESSAGE);
    const asAdmin = await get(`${url}/status`, admin);
    expect(asAdmin.text).toContain(SECRET_MESSAGE);
    expect((await get(`${url}/status?format=health`, admin)).text).toContain(SECRET_MESSAGE);
    // Cached per tier: the anonymous answer after the admin's is still the summary.
    expect((await get(`${url}/status`)).text).not.toContain(SECRET_FIELD);
  });

  it('refuses anonymous callers with 401 and a JSON error when configured to', async () => {
    const url = await start('refuse');
    const res = await get(`${url}/status`);
    expect(res.status).toBe(401);
    expect((res.json() as { error: string }).error).toBe('unauthorized');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await get(`${url}/status`, { headers: { 'x-api-key': 'wrong-key-000000' } })).status).toBe(401);
    expect((await get(`${url}/status`, reader)).status).toBe(200);
    // Probes stay open for load balancers and orchestrators.
    expect((await get(`${url}/health/live`)).status).toBe(200);
  });
});
