import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyAuth, createAccess } from '../../src/access/index.js';
import { commandCheck } from '../../src/checks/index.js';
import { Client } from '../live/helpers.js';
import { type ServedStatus, serveStatus } from './served-status.js';

/** Every secret the checks below return; none may reach any door. */
const SECRETS = [
  'hunter2',
  'p4ss',
  'eyJhbGciOiJIUzI1NiJ9',
  's3cr3t-t0ken',
  'AKIA-k3y',
  'cookie-v4lue',
  'sk_live_42',
];
const LEAKY_LINE = 'db password=hunter2 at postgres://u:p4ss@db:5432/app';

let served: ServedStatus | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

async function start(options: Parameters<typeof serveStatus>[1] = {}) {
  served = await serveStatus((status) => {
    // A real process printing a plugin line with credentials in it, exiting 2 (critical).
    status.check('legacy', commandCheck({ command: 'sh', args: ['-c', `echo '${LEAKY_LINE}'; exit 2`] }), {
      critical: false,
    });
    status.check(
      'upstream',
      () => ({
        level: 'warning',
        message:
          'GET https://api.example/x?token=s3cr3t-t0ken answered 401 to Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
        fields: {
          dsn: 'postgres://u:p4ss@db:5432/app',
          apiKey: 'sk_live_42',
          request: { headers: { cookie: 'session=cookie-v4lue', 'x-api-key': 'AKIA-k3y' } },
          attempts: [1, 2, 3],
          note: 'no secret here',
        },
        observedValue: 'password=hunter2',
      }),
      { critical: false },
    );
  }, options);
  return served;
}

function expectClean(text: string, door: string): void {
  for (const secret of SECRETS) expect(text, `${door} leaks ${secret}`).not.toContain(secret);
}

describe('returned check messages and fields are redacted at every door', () => {
  it('masks secrets in /status, ?format=health and the WebSocket feed, keeping the rest', async () => {
    const { base, wsUrl } = await start();
    const status = await (await fetch(`${base}/status`)).text();
    expectClean(status, '/status');
    const document = JSON.parse(status);
    expect(document.legacy.message).toBe('db password=*** at postgres://u:***@db:5432/app');
    expect(document.upstream).toMatchObject({
      status: 'warning',
      message: 'GET https://api.example/x?token=*** answered 401 to Bearer ***',
      dsn: 'postgres://u:***@db:5432/app',
      apiKey: '***',
      request: { headers: { cookie: '***', 'x-api-key': '***' } },
      attempts: [1, 2, 3],
      note: 'no secret here',
    });

    const health = await (await fetch(`${base}/status?format=health`)).text();
    expectClean(health, 'health+json');
    expect(JSON.stringify(JSON.parse(health))).toContain('db password=*** at postgres://u:***@db:5432/app');

    const client = await Client.open(wsUrl);
    try {
      const viaCommand = await client.ask('status');
      expectClean(viaCommand, 'ws status');
      expect(JSON.parse(viaCommand).upstream.dsn).toBe('postgres://u:***@db:5432/app');
      expect(await client.askJson('subscribe status')).toMatchObject({ subscribed: 'status' });
      const pushed = await client.nextPush('status');
      expectClean(JSON.stringify(pushed), 'ws push');
      expect(pushed.data.legacy.message).toBe('db password=*** at postgres://u:***@db:5432/app');
    } finally {
      client.close();
    }
  });

  it('redacts for admins too: access decides who sees a message, redaction what it says', async () => {
    const access = createAccess({
      authenticators: [apiKeyAuth({ keys: [{ key: 'admin-key-0123456', tier: 'admin' }] })],
    });
    const { base } = await start({ access });
    const res = await fetch(`${base}/status`, { headers: { 'x-api-key': 'admin-key-0123456' } });
    const text = await res.text();
    expect(JSON.parse(text).legacy.message).toContain('password=***');
    expectClean(text, 'admin /status');
  });
});
