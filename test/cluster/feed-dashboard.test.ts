/**
 * The cluster view where people look: the live feed's `status` topic and the dashboard, both
 * reading the summary each instance's document carries. Real Chromium, the real feed, the shared
 * Redis.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterMember, createCluster } from '../../src/cluster/index.js';
import { createStatus, type StatusKit } from '../../src/index.js';
import { launchChromium, type Service, startService } from '../dashboard/harness.js';
import { sharedRedisAvailable } from '../limits/redis-env.js';

const shared = await sharedRedisAvailable();

/** The first event of an SSE stream, parsed. */
function firstEvent(url: string): Promise<{ event: string; data: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
        const match = /event: (\w+)\ndata: (.*)\n\n/.exec(text);
        if (!match) return;
        req.destroy();
        resolve({ event: match[1], data: JSON.parse(match[2]) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!shared)('the cluster in the live feed and on the dashboard', () => {
  let service: Service;
  let other: StatusKit;
  let members: ClusterMember[] = [];
  let browser: Browser;

  beforeAll(async () => {
    const redis = { url: 'redis://127.0.0.1:6379', prefix: `statuskit-test:${randomUUID()}:` };
    service = await startService();
    other = createStatus();
    other.check('database', () => 'critical');
    const join = (status: StatusKit, instance: string) =>
      createCluster(status, { service: 'shop', instance, redis, interval: '1h' });
    members = [await join(other, 'web-2'), await join(service.status, 'web-1')];
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const member of members) await member.close();
    await other?.close();
    await service?.stop();
  });

  it('sends the summary with the status document on the live feed', async () => {
    const { event, data } = await firstEvent(`${service.url}/status/stream?topics=status`);
    expect(event).toBe('status');
    // One of two is no majority: the service is down in the component words of `operational`.
    expect(data.cluster).toMatchObject({
      status: 'unavailable',
      service: 'shop',
      reason: '1 of 2 instances up; majority needs 2',
      quorum: { up: 1, total: 2 },
      instances: [
        { id: 'web-1', status: 'degraded', state: 'serving' },
        { id: 'web-2', status: 'unavailable', state: 'serving' },
      ],
      failing: { database: '1/2' },
    });
  });

  it("shows each instance on the dashboard, in the status's words", async () => {
    const page = await browser.newPage();
    await page.goto(`${service.url}/`);
    // A node's own line: its badge (the word) and its name.
    const summaryOf = (name: string) =>
      page.locator('#tree summary', { has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) });
    const badge = (name: string) => summaryOf(name).locator('.badge').textContent();
    await summaryOf('web-2').waitFor();
    expect(await badge('cluster')).toBe('unavailable');
    expect(await badge('web-1')).toBe('degraded');
    expect(await badge('web-2')).toBe('unavailable');
    await page.close();
  });
});
