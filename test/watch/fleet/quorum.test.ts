/**
 * Regions and quorum with real processes: one watcher in region eu, one in us, one target with
 * `regions: [eu, us]` and `downWhen: 2`. Each region reaches the service by its own URL here (two
 * paths of one local server), so a region can fail alone: one region down does not alert; both
 * down does, once, with the regions named; one region back is a recovery.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withService } from '../../checks/support.js';
import { until } from '../../support/wait.js';
import { assertBuilt, configFile, type RunningWatch, startWatch } from '../spawn-watch.js';
import { flippableTargets, freshSchema, type Schema, webhookReceiver } from './support.js';

const pgDescribe = await withService('PostgreSQL', 5432);

pgDescribe('a target polled from two regions, down when both see it down', () => {
  let schema: Schema;
  let targets: Awaited<ReturnType<typeof flippableTargets>>;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  const members: RunningWatch[] = [];

  const regionConfig = (region: string, path: number) =>
    configFile(
      [
        `history: "${schema.url}"`,
        'interval: 300ms',
        'groupWait: 0s',
        `webhook: "${receiver.url}"`,
        'fleet:',
        `  region: ${region}`,
        '  lease: 2s',
        'targets:',
        '  shop:',
        `    url: "${targets.url(path)}"`,
        '    regions: [eu, us]',
        '    downWhen: 2',
        '',
      ].join('\n'),
    );
  const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await schema.pool.query(sql, params)).rows as T[];
  const transitions = async () =>
    await q<{ to_level: string; message: string }>(
      "SELECT to_level, message FROM transitions WHERE target = 'shop' ORDER BY id",
    );
  const regionLevel = async (region: string) =>
    (
      await q<{ level: string }>("SELECT level FROM region_results WHERE target = 'shop' AND region = $1", [
        region,
      ])
    )[0]?.level;

  beforeAll(async () => {
    assertBuilt();
    schema = await freshSchema('quorum');
    targets = await flippableTargets();
    receiver = await webhookReceiver();
    members.push(startWatch(['--config', regionConfig('eu', 1), '--member', 'eu-1']));
    members.push(startWatch(['--config', regionConfig('us', 2), '--member', 'us-1']));
    await until(
      async () => (await q<{ r: string | null }>("SELECT to_regclass('region_results') AS r"))[0].r !== null,
      'the schema migrated',
      15_000,
    );
    await until(
      async () => (await regionLevel('eu')) === 'ok' && (await regionLevel('us')) === 'ok',
      'both regions ok',
      15_000,
    );
  }, 30_000);
  afterAll(async () => {
    await Promise.all(members.map((m) => m.stop('SIGKILL')));
    await receiver?.close();
    await targets?.close();
    await schema?.drop();
  });

  it('does not alert on one region alone, alerts once when both agree, and recovers', async () => {
    targets.setDown(1, true);
    await until(async () => (await regionLevel('eu')) === 'critical', 'eu seeing it down', 10_000);
    // Several more polls of both regions while eu alone sees it down.
    const seen = (await q<{ n: number }>("SELECT count(*)::int AS n FROM samples WHERE target = 'shop'"))[0]
      .n;
    await until(
      async () =>
        (await q<{ n: number }>("SELECT count(*)::int AS n FROM samples WHERE target = 'shop'"))[0].n >=
        seen + 6,
      'six more samples',
      10_000,
    );
    expect((await transitions()).map((t) => t.to_level)).toEqual(['ok']);
    expect(receiver.deliveries).toHaveLength(0);
    targets.setDown(2, true);
    await until(() => receiver.deliveries.length === 1, 'the quorum alert', 10_000);
    const [down] = await transitions().then((all) => all.slice(1));
    expect(down.to_level).toBe('critical');
    expect(down.message).toMatch(
      /^down in (eu \(503\), us \(503\)|us \(503\), eu \(503\)) \(down when 2 of 2\)$/,
    );
    expect(receiver.deliveries[0]).toMatchObject({ target: 'shop', from: 'ok', to: 'critical' });
    targets.setDown(1, false);
    await until(() => receiver.deliveries.length === 2, 'the recovery', 10_000);
    expect(receiver.deliveries[1]).toMatchObject({ from: 'critical', to: 'ok' });
    expect((await transitions()).map((t) => t.to_level)).toEqual(['ok', 'critical', 'ok']);
    // Each region's result is kept apart.
    expect(await regionLevel('us')).toBe('critical');
    expect(await regionLevel('eu')).toBe('ok');
  }, 30_000);
});
