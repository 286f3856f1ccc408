/**
 * Three real watcher processes, one PostgreSQL schema, 60 local HTTP targets flipped up and down,
 * one real webhook receiver. Intervals and leases are hundreds of milliseconds so the faults play
 * out in seconds: every flip noticed, one webhook per transition, complete histories; a member
 * killed with SIGKILL taken over within lease + interval with the gap recorded; a member paused
 * past its lease fenced when it wakes; a sender killed mid-send redelivered with the same key.
 * Two more targets are leased to a member that does not exist, so nobody polls them: /fleet shows
 * them as overdue beside every member's scheduling lag.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgHistoryStore } from '../../../src/watch/postgres/store.js';
import { withService } from '../../checks/support.js';
import { until } from '../../support/wait.js';
import { assertBuilt, type RunningWatch, startWatch } from '../spawn-watch.js';
import { fleetConfig, flippableTargets, freshSchema, type Schema, webhookReceiver } from './support.js';

const pgDescribe = await withService('PostgreSQL', 5432);

const TARGETS = 60;
const INTERVAL_MS = 500;
const LEASE_MS = 2000;
const names = Array.from({ length: TARGETS }, (_, i) => `t${String(i).padStart(2, '0')}`);
/** Leased for an hour to a member that never runs: one never sampled, one sampled long ago. */
const UNPOLLED = ['ghost-never', 'ghost-stale'];

pgDescribe('a fleet of three watchers on one PostgreSQL history', () => {
  let schema: Schema;
  let targets: Awaited<ReturnType<typeof flippableTargets>>;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  let config: string;
  const members = new Map<string, RunningWatch>();

  const start = (id: string) => {
    const watch = startWatch(['--config', config, '--member', id, '--serve', '127.0.0.1:0']);
    members.set(id, watch);
    return watch;
  };
  const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await schema.pool.query(sql, params)).rows as T[];
  const owners = async () =>
    new Map(
      (
        await q<{ target: string; owner: string; epoch: string }>(
          'SELECT target, owner, epoch FROM leases WHERE expires_at > now()',
        )
      ).map((r) => [r.target, { owner: r.owner, epoch: Number(r.epoch) }]),
    );
  const transitionsOf = async (target: string) =>
    (
      await q<{ to_level: string; member: string }>(
        'SELECT to_level, member FROM transitions WHERE target = $1 ORDER BY time, id',
        [target],
      )
    ).map((r) => r.to_level);
  const flip = (i: number, down: boolean) => targets.setDown(i, down);
  const deliveriesFor = (target: string) => receiver.deliveries.filter((d) => d.target === target);
  /** A target no earlier test flipped (the redelivery test keeps t40 for itself). */
  const used = new Set<string>([...names.slice(0, 12), names[40]]);
  const fresh = (name: string) => {
    if (used.has(name)) return false;
    used.add(name);
    return true;
  };

  beforeAll(async () => {
    assertBuilt();
    schema = await freshSchema('fleet');
    targets = await flippableTargets();
    receiver = await webhookReceiver();
    await PgHistoryStore.migrateOnly(schema.url);
    await q(
      "INSERT INTO leases (target, owner, epoch, expires_at) SELECT t, 'ghost', 1, now() + interval '1 hour' FROM unnest($1::text[]) AS t",
      [UNPOLLED],
    );
    await q("INSERT INTO targets (name, url, last_time) VALUES ('ghost-stale', $1, $2)", [
      targets.url(98),
      Date.now() - 60_000,
    ]);
    config = fleetConfig({
      history: schema.url,
      targets: [
        ...names.map((name, i) => ({ name, url: targets.url(i) })),
        ...UNPOLLED.map((name, i) => ({ name, url: targets.url(98 + i) })),
      ],
      webhook: receiver.url,
      intervalMs: INTERVAL_MS,
      leaseMs: LEASE_MS,
    });
    for (const id of ['m1', 'm2', 'm3']) start(id);
    await Promise.all([...members.values()].map((m) => m.firstLine(15_000)));
    await until(
      async () => {
        const now = await owners();
        const held = names.map((name) => now.get(name)?.owner);
        return held.every(Boolean) && new Set(held).size === 3;
      },
      'the 60 targets spread over the 3 members',
      15_000,
    );
    await until(
      async () =>
        (
          await q<{ n: number }>('SELECT count(DISTINCT name)::int AS n FROM targets WHERE level = $1', [
            'ok',
          ])
        )[0].n === TARGETS,
      'every target seen ok',
      15_000,
    );
  }, 40_000);

  afterAll(async () => {
    await Promise.all([...members.values()].map((m) => m.stop('SIGKILL')));
    await receiver?.close();
    await targets?.close();
    await schema?.drop();
  });

  it('shows each member’s scheduling lag and each target’s freshness on /fleet and /metrics', async () => {
    const [statusUrl, , , metricsUrl] = await members.get('m1')!.lines(4);
    const fleetUrl = new URL('/fleet', statusUrl).href;
    type Fleet = {
      members: {
        id: string;
        lag?: {
          p50Ms: number;
          p99Ms: number;
          maxMs: number;
          polls: number;
          windowMs: number;
          worst: { target: string; lagMs: number }[];
        };
      }[];
      targets: {
        targets: number;
        overdue: number;
        neverSampled: number;
        stalest: { target: string; ageMs: number | null; intervals: number | null; owners: string[] }[];
      };
    };
    let fleet: Fleet | undefined;
    // Settled: every member has beaten with its lag since it started polling, and every polled
    // target has a sample younger than two intervals (a member starved by a loaded machine may
    // lose its leases for a round; the fleet catches up, the two nobody polls never do).
    await until(
      async () => {
        const response = await fetch(fleetUrl);
        expect(response.status).toBe(200);
        fleet = (await response.json()) as Fleet;
        return (
          fleet.members.length === 3 &&
          fleet.members.every((m) => (m.lag?.polls ?? 0) > 0) &&
          fleet.targets.overdue === UNPOLLED.length
        );
      },
      () => `a settled fleet on /fleet: ${JSON.stringify(fleet)}`,
      15_000,
    );
    for (const member of fleet!.members) {
      const lag = member.lag!;
      expect(lag.windowMs).toBe(60_000);
      expect(lag.p99Ms).toBeGreaterThanOrEqual(lag.p50Ms);
      expect(lag.maxMs).toBeGreaterThanOrEqual(lag.p99Ms);
      // The latest-starting targets, worst first, each a target this fleet polls.
      expect(lag.worst.map((late) => late.lagMs)).toEqual(
        [...lag.worst.map((late) => late.lagMs)].sort((a, b) => b - a),
      );
      for (const late of lag.worst) expect(names).toContain(late.target);
    }
    const { targets: fresh } = fleet!;
    expect(fresh.targets).toBe(TARGETS + UNPOLLED.length);
    expect(fresh.neverSampled).toBe(1);
    expect(fresh.stalest.slice(0, 2)).toMatchObject([
      { target: 'ghost-never', ageMs: null, intervals: null, owners: ['ghost'] },
      { target: 'ghost-stale', owners: ['ghost'] },
    ]);
    expect(fresh.stalest[1].intervals).toBeGreaterThan(100);
    expect(fresh.stalest[2].intervals).toBeLessThanOrEqual(2);
    expect(fresh.stalest[2].owners).toHaveLength(1);
    const metrics = await (await fetch(metricsUrl)).text();
    const p99 = /^statuskit_watch_schedule_lag_seconds\{quantile="0\.99"\} ([\d.e+-]+)$/m.exec(metrics);
    expect(Number(p99?.[1])).toBeGreaterThanOrEqual(0);
    const count = /^statuskit_watch_schedule_lag_seconds_count (\d+)$/m.exec(metrics);
    expect(Number(count?.[1])).toBeGreaterThan(0);
  }, 20_000);

  it('notices every flip, delivers one webhook per transition, and keeps complete histories', async () => {
    const flipped = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    for (const i of flipped) flip(i, true);
    await until(
      async () =>
        (
          await q<{ n: number }>(
            "SELECT count(*)::int AS n FROM transitions WHERE to_level = 'critical' AND target LIKE 't%'",
          )
        )[0].n === flipped.length,
      'every down flip recorded',
      10_000,
    );
    for (const i of flipped) flip(i, false);
    await until(
      () => receiver.deliveries.length >= flipped.length * 2,
      () => `a webhook per transition (have ${receiver.deliveries.length})`,
      10_000,
    );
    // Another round of senders and polls: nothing more may arrive.
    await new Promise((resolve) => setTimeout(resolve, 3 * INTERVAL_MS));
    expect(receiver.deliveries).toHaveLength(flipped.length * 2);
    expect(new Set(receiver.deliveries.map((d) => d.key)).size).toBe(flipped.length * 2);
    for (const i of flipped) {
      expect(await transitionsOf(names[i])).toEqual(['ok', 'critical', 'ok']);
      expect(deliveriesFor(names[i]).map((d) => `${d.from}->${d.to}`)).toEqual([
        'ok->critical',
        'critical->ok',
      ]);
    }
    // The unflipped ones: their first ok only, no webhook.
    expect(await transitionsOf(names[30])).toEqual(['ok']);
    const sent = await q<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NOT NULL');
    expect(sent[0].n).toBe(flipped.length * 2);
  }, 30_000);

  it('moves a SIGKILLed member’s targets to the others within lease + interval, losing and duplicating nothing, gap recorded', async () => {
    const before = await owners();
    const orphans = names.filter((name) => before.get(name)?.owner === 'm1');
    expect(orphans.length).toBeGreaterThan(5);
    const victim = names.indexOf(orphans.find((name) => fresh(name))!);
    const killedAt = Date.now();
    await members.get('m1')!.stop('SIGKILL');
    members.delete('m1');
    flip(victim, true);
    await until(
      async () => {
        const now = await owners();
        return orphans.every((name) => now.get(name) && now.get(name)!.owner !== 'm1');
      },
      'the orphans leased by the survivors',
      10_000,
    );
    await until(
      async () =>
        (
          await q<{ n: number }>(
            "SELECT count(DISTINCT target)::int AS n FROM samples WHERE target = ANY($1) AND member <> 'm1' AND time > $2",
            [orphans, killedAt],
          )
        )[0].n === orphans.length,
      'every orphan polled by a survivor',
      10_000,
    );
    const firstPolls = await q<{ first: string }>(
      "SELECT min(time) AS first FROM samples WHERE target = ANY($1) AND member <> 'm1' AND time > $2 GROUP BY target",
      [orphans, killedAt],
    );
    const worst = Math.max(...firstPolls.map((r) => Number(r.first) - killedAt));
    // Lease TTL + one interval, with room for one heartbeat round and the poll itself.
    expect(worst).toBeLessThanOrEqual(LEASE_MS + INTERVAL_MS + LEASE_MS / 3 + 500);
    let seen = '';
    await until(
      async () => {
        seen = JSON.stringify({
          t: await q('SELECT to_level, member, epoch FROM transitions WHERE target = $1', [names[victim]]),
          o: await q(
            'SELECT receiver, attempts, claimed_by, sent_at, last_error FROM outbox WHERE target = $1',
            [names[victim]],
          ),
          d: deliveriesFor(names[victim]),
        });
        return deliveriesFor(names[victim]).length === 1;
      },
      () => `the flip during the takeover notified once: ${seen}`,
      10_000,
    );
    expect(await transitionsOf(names[victim])).toEqual(['ok', 'critical']);
    const gaps = await q<{ target: string }>('SELECT DISTINCT target FROM gaps WHERE target = ANY($1)', [
      orphans,
    ]);
    expect(gaps.length).toBe(orphans.length);
    flip(victim, false);
    await until(async () => deliveriesFor(names[victim]).length === 2, 'the recovery notified', 10_000);
    // The fleet saw m1 go silent: one transition, recorded once by whichever member won.
    const memberTransitions = await q<{ to_level: string }>(
      "SELECT to_level FROM transitions WHERE target = 'member.m1' AND time > $1",
      [killedAt],
    );
    expect(memberTransitions).toEqual([{ to_level: 'critical' }]);
  }, 30_000);

  it('fences a member paused past its lease: its writes after SIGCONT are refused and counted', async () => {
    const paused = members.get('m2')!;
    const before = await owners();
    const held = names.filter((name) => before.get(name)?.owner === 'm2');
    const victim = names.indexOf(held.find((name) => fresh(name))!);
    paused.child.kill('SIGSTOP');
    const stoppedAt = Date.now();
    try {
      await until(
        async () => {
          const now = await owners();
          return held.every((name) => now.get(name) && now.get(name)!.owner !== 'm2');
        },
        'the paused member’s targets leased by m3',
        10_000,
      );
      flip(victim, true);
      await until(
        async () => (await transitionsOf(names[victim])).includes('critical'),
        'm3 recording the flip',
        10_000,
      );
    } finally {
      paused.child.kill('SIGCONT');
    }
    await paused.waitForLog((l) => l.msg.startsWith('stale write refused'), 'a refused stale write', 10_000);
    const metricsUrl = (await paused.lines(4))[3];
    const metrics = await (await fetch(metricsUrl)).text();
    const refused = Number(/^statuskit_watch_stale_writes_refused_total (\d+)/m.exec(metrics)?.[1]);
    expect(refused).toBeGreaterThan(0);
    // Nothing m2 polled under its old epochs was written after it was paused.
    const stale = await q<{ n: number }>(
      "SELECT count(*)::int AS n FROM samples s WHERE member = 'm2' AND time > $1 AND epoch < (SELECT min(epoch) FROM leases WHERE target = s.target)",
      [stoppedAt],
    );
    expect(stale[0].n).toBe(0);
    await until(async () => deliveriesFor(names[victim]).length === 1, 'the flip notified once', 10_000);
    expect(await transitionsOf(names[victim])).toEqual(['ok', 'critical']);
    flip(victim, false);
    await until(async () => deliveriesFor(names[victim]).length === 2, 'the recovery notified once', 10_000);
    expect(await transitionsOf(names[victim])).toEqual(['ok', 'critical', 'ok']);
  }, 30_000);

  it('redelivers with the same Idempotency-Key when the sender is killed between claim and mark', async () => {
    const victim = 40;
    receiver.hold(true);
    flip(victim, true);
    await until(() => deliveriesFor(names[victim]).length === 1, 'the first attempt at the receiver', 10_000);
    const [claim] = await q<{ claimed_by: string }>(
      'SELECT claimed_by FROM outbox WHERE target = $1 AND sent_at IS NULL',
      [names[victim]],
    );
    expect(members.has(claim.claimed_by)).toBe(true);
    await members.get(claim.claimed_by)!.stop('SIGKILL');
    members.delete(claim.claimed_by);
    receiver.hold(false);
    if (members.size === 0) start('m4');
    await until(() => deliveriesFor(names[victim]).length === 2, 'the redelivery by another member', 15_000);
    const [first, second] = deliveriesFor(names[victim]);
    expect(second.key).toBe(first.key);
    expect(second.to).toBe('critical');
    await until(
      async () =>
        (
          await q<{ n: number }>(
            'SELECT count(*)::int AS n FROM outbox WHERE target = $1 AND sent_at IS NOT NULL',
            [names[victim]],
          )
        )[0].n === 1,
      'the row marked sent',
      10_000,
    );
  }, 30_000);
});
