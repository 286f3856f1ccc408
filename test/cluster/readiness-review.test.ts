import { afterEach, describe, expect, it } from 'vitest';
import { createStatus, type RunningServer, type StatusKit } from '../../src/index.js';

let status: StatusKit;
let server: RunningServer;
afterEach(async () => {
  await status?.close();
});

async function ready() {
  const response = await fetch(`${server.url}/health/ready`);
  return { status: response.status, body: await response.json() };
}

describe('reviews of the readiness verdict (the seam the cluster guard uses)', () => {
  it('may replace the verdict drawn from the snapshot, in order, and be removed', async () => {
    status = createStatus();
    status.check('database', () => 'critical');
    server = await status.listen();
    const seen: string[] = [];
    const removeFirst = status.addReadinessReview((verdict) => {
      seen.push(`first saw ${verdict.level}`);
      return { level: 'warning', reason: 'degraded: database failing on 3/3 instances' };
    });
    status.addReadinessReview((verdict) => {
      seen.push(`second saw ${verdict.level}`);
      return undefined;
    });
    expect(await ready()).toEqual({
      status: 200,
      body: { status: 'warning', reason: 'degraded: database failing on 3/3 instances' },
    });
    expect(seen).toEqual(['first saw critical', 'second saw warning']);
    removeFirst();
    expect(await ready()).toEqual({ status: 503, body: { status: 'critical' } });
  });

  it('never sees readiness held back by the app or by shutting down', async () => {
    status = createStatus();
    status.check('database', () => 'ok');
    server = await status.listen();
    let reviews = 0;
    status.addReadinessReview(() => {
      reviews++;
      return { level: 'ok' };
    });
    status.setReadiness(false, 'warming caches');
    expect(await ready()).toEqual({ status: 503, body: { status: 'critical', reason: 'warming caches' } });
    status.setReadiness(true);
    expect((await ready()).status).toBe(200);
    expect(reviews).toBe(1);
    await status.close();
    const closing = await status.handle({ method: 'GET', url: '/health/ready', headers: {} });
    expect([closing?.status, JSON.parse(String(Buffer.from(closing!.body)))]).toEqual([
      503,
      { status: 'critical', reason: 'shutting down' },
    ]);
    expect(reviews).toBe(1);
    expect(() => status.addReadinessReview('no' as never)).toThrow('addReadinessReview: expected a function');
  });
});
