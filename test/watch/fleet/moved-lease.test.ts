/**
 * A poll in flight while its target moves to another member (a member joining): two members in
 * this process, each a real watcher, coordinator and PostgreSQL store, against a target that holds
 * its answer until the move is done. The first member drops the late result instead of offering it
 * under a lease it gave up: no "stale write refused" warning for an ordinary handover, and the
 * history holds the new owner's sample only.
 */
import { createServer, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../../src/client/log.js';
import { validateWatchConfig } from '../../../src/watch/config.js';
import { FleetCoordinator } from '../../../src/watch/fleet/coordinator.js';
import { ownerOf } from '../../../src/watch/fleet/rendezvous.js';
import { planWatch } from '../../../src/watch/plan.js';
import { PgHistoryStore } from '../../../src/watch/postgres/store.js';
import { Watcher } from '../../../src/watch/watcher.js';
import { withService } from '../../checks/support.js';
import { until } from '../../support/wait.js';
import { close, freshSchema, listen, type Schema } from './support.js';

const pgDescribe = await withService('PostgreSQL', 5432);

/** A name the second member owns once both are live, so the first hands it over. */
const TARGET = Array.from({ length: 100 }, (_, i) => `slow-${i}`).find(
  (name) => ownerOf(name, ['a', 'b']) === 'b',
)!;

pgDescribe('a target moving while it is polled', () => {
  let schema: Schema;
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    held.push(res);
  });
  let url = '';
  const logs: Array<{ member: string; msg: string }> = [];
  const members: Array<{ watcher: Watcher; coordinator: FleetCoordinator; store: PgHistoryStore }> = [];

  beforeAll(async () => {
    schema = await freshSchema('moved');
    url = `http://127.0.0.1:${await listen(server)}/slow`;
  });
  afterAll(async () => {
    for (const { watcher, coordinator, store } of members) {
      await watcher.stop(100);
      await coordinator.stop();
      await store.close();
    }
    await close(server);
    await schema?.drop();
  });

  async function member(id: string) {
    const log = createLogger({
      format: 'json',
      write: (line) => logs.push({ member: id, msg: JSON.parse(line).msg }),
    });
    const store = await PgHistoryStore.open(schema.url, { log });
    const read = validateWatchConfig({ targets: { [TARGET]: { url, interval: '2s', timeout: '20s' } } }, {});
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    const plan = planWatch({ urls: [], layer: {} }, read.config);
    const watcher = new Watcher({
      targets: plan.targets,
      log,
      store,
      savedTargets: await store.targets(),
      fleet: { member: id },
      retainMs: plan.retainMs,
      hooks: { timeoutMs: 1000, retries: 0, backoffMs: 10 },
    });
    const coordinator = new FleetCoordinator(store, watcher, log, { member: id, leaseMs: 1500 });
    members.push({ watcher, coordinator, store });
    watcher.start();
    await coordinator.start();
    return { watcher, coordinator, store };
  }

  // A 2 s interval: the first poll of an adopted target comes at a point of its interval.
  it('drops the result of a poll whose lease was handed over, and the new owner writes its own', async () => {
    const a = await member('a');
    expect(a.coordinator.owned).toBe(1);
    await until(() => held.length === 1, "a's poll to reach the target");
    const b = await member('b');
    // a's next round hands the target back, b's next one takes it and polls it now.
    await until(() => a.coordinator.owned === 0 && b.coordinator.owned === 1, 'the target moved to b');
    await until(() => held.length === 2, "b's poll to reach the target");
    const answer = (res: ServerResponse) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"UP"}');
    answer(held[0]!);
    await until(() => a.watcher.pollsDiscarded === 1, 'a to drop its late result');
    answer(held[1]!);
    await until(() => b.watcher.polls >= 1 && b.watcher.views[0]?.last !== undefined, "b's sample");
    expect(await a.store.flush()).toBe(true);
    expect(await b.store.flush()).toBe(true);
    expect(a.coordinator.counts.staleWrites).toBe(0);
    expect(logs.filter((l) => l.msg.startsWith('stale write refused'))).toEqual([]);
    const { rows } = await schema.pool.query('SELECT member, level FROM samples WHERE target = $1', [TARGET]);
    expect(rows).toEqual([{ member: 'b', level: 'ok' }]);
  });
});
