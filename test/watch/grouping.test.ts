/** Grouping notifications: the batching (driven by a manual timer, never a sleep) and the folding. */
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/client/log.js';
import type { Level } from '../../src/model/levels.js';
import { type Dependencies, fold, NotificationGrouper, type Timers } from '../../src/watch/grouping.js';
import {
  formatNotification,
  type Notice,
  type Notification,
  type Receiver,
} from '../../src/watch/notification.js';
import { resolveTarget, type WatchTarget } from '../../src/watch/target.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

const hook = { url: 'http://hooks.example/a', headers: {} };
const target = (name: string, dependsOn: string[] = [], webhooks = [hook]): WatchTarget =>
  resolveTarget(name, `http://${name}.example/status`, [{ webhooks }], { dependsOn });

const down = (t: WatchTarget, to: Level = 'critical', from: Level | undefined = 'ok'): Notice => ({
  kind: 'transition',
  target: t,
  event: { target: t.name, url: t.displayUrl, from, to, durationMs: 1, at: Date.UTC(2026, 0, 1) },
});

function graph(targets: WatchTarget[], levels: Record<string, Level>): Dependencies {
  const byName = new Map(targets.map((t) => [t.name, t]));
  return {
    parentsOf: (name) => byName.get(name)?.dependsOn ?? [],
    names: () => targets.map((t) => t.name),
    levelOf: (name) => levels[name],
  };
}

/** Timers the test fires by hand. */
function manualTimers() {
  const pending: { callback: () => void; ms: number }[] = [];
  const timers: Timers = {
    setTimeout: (callback, ms) => {
      const entry = { callback, ms };
      pending.push(entry);
      return entry;
    },
    clearTimeout: (handle) => {
      const at = pending.indexOf(handle as (typeof pending)[number]);
      if (at >= 0) pending.splice(at, 1);
    },
  };
  const fire = () => {
    for (const entry of pending.splice(0)) entry.callback();
  };
  return { timers, pending, fire };
}

describe('grouping', () => {
  const db = target('db');
  const api = target('api', ['db']);
  const web = target('web', ['api']);
  const lone = target('lone');

  it('waits groupWait from the first notice, then sends one message per receiver', () => {
    const { timers, pending, fire } = manualTimers();
    const sent: { receiver: Receiver; notification: Notification }[] = [];
    const grouper = new NotificationGrouper({
      waitMs: 10_000,
      timers,
      log: quiet,
      dependencies: graph([db, api, web, lone], {
        db: 'critical',
        api: 'critical',
        web: 'critical',
        lone: 'critical',
      }),
      send: (receiver, notification) => sent.push({ receiver, notification }),
    });
    grouper.add(down(web));
    grouper.add(down(lone));
    grouper.add(down(db));
    grouper.add(down(api));
    expect(sent).toEqual([]);
    expect(pending.map((p) => p.ms)).toEqual([10_000]);
    fire();
    expect(sent).toHaveLength(1);
    const [{ notification }] = sent;
    // db leads, with api and web folded in; lone has no parent and stands alone.
    expect(
      notification.items.map((item) => [item.notice.target.name, item.dependents.map((d) => d.target)]),
    ).toEqual([
      ['lone', []],
      ['db', ['web', 'api']],
    ]);
    expect(formatNotification(notification, 'slack')).toEqual({
      text: [
        '🔴 lone: ok → critical (http://lone.example/status)',
        '🔴 db: ok → critical (http://db.example/status); 2 dependents affected: web, api',
      ].join('\n'),
    });
    expect(formatNotification(notification)).toMatchObject({ event: 'group', count: 2 });
    expect(grouper.pending).toBe(0);
  });

  it('with groupWait 0 sends at once; flush sends what waits (shutdown, --once)', () => {
    const { timers, pending } = manualTimers();
    const sent: Notification[] = [];
    const deps = graph([db], { db: 'critical' });
    const now = new NotificationGrouper({
      waitMs: 0,
      timers,
      log: quiet,
      dependencies: deps,
      send: (_, n) => sent.push(n),
    });
    now.add(down(db));
    expect(sent).toHaveLength(1);
    expect(pending).toEqual([]);
    const later = new NotificationGrouper({
      waitMs: 5000,
      timers,
      log: quiet,
      dependencies: deps,
      send: (_, n) => sent.push(n),
    });
    later.add(down(db));
    later.flush();
    expect(sent).toHaveLength(2);
    expect(pending).toEqual([]);
  });

  it('suppresses a dependent whose parent was already down, and lists dependents still down at recovery', () => {
    const deps = graph([db, api, web], { db: 'critical', api: 'critical', web: 'critical' });
    const later = fold([down(web)], deps);
    expect(later.items).toEqual([]);
    expect(later.suppressed.map((s) => [s.notice.target.name, s.parent])).toEqual([['web', 'db']]);

    const recovering = graph([db, api, web], { db: 'ok', api: 'ok', web: 'critical' });
    const recovered = fold([down(db, 'ok', 'critical'), down(api, 'ok', 'critical')], recovering);
    expect(
      recovered.items.map((i) => [i.notice.target.name, i.dependents.map((d) => d.target), i.stillDown]),
    ).toEqual([['db', ['api'], ['web']]]);
    expect(formatNotification({ items: recovered.items }, 'slack').text).toBe(
      '✅ db: critical → ok (http://db.example/status); 1 dependent affected: api; 1 dependent still down: web',
    );
  });

  it('sends to each receiver only what its targets have', () => {
    const other = { url: 'http://hooks.example/b', headers: {} };
    const a = target('a', [], [hook]);
    const b = target('b', [], [hook, other]);
    const sent: { url: string; names: string[] }[] = [];
    const { timers, fire } = manualTimers();
    const grouper = new NotificationGrouper({
      waitMs: 1000,
      timers,
      log: quiet,
      dependencies: graph([a, b], {}),
      send: (receiver, n) =>
        sent.push({
          url: receiver.kind === 'webhook' ? receiver.webhook.url : '',
          names: n.items.map((i) => i.notice.target.name),
        }),
    });
    grouper.add(down(a));
    grouper.add(down(b));
    fire();
    expect(sent).toEqual([
      { url: 'http://hooks.example/a', names: ['a', 'b'] },
      { url: 'http://hooks.example/b', names: ['b'] },
    ]);
  });
});

describe('the component tree of a nested document', () => {
  it('names the highest failing parts, each with the failing parts below it', async () => {
    const { describeFailing, failingComponents } = await import('../../src/watch/components.js');
    const document = {
      status: 'critical',
      components: {
        api: { status: 'ok' },
        storage: {
          status: 'critical',
          components: {
            primary: { status: 'critical' },
            replica: { status: 'warning' },
            cache: { status: 'ok' },
          },
        },
        search: { status: 'DOWN' },
      },
      data: { components: { mail: 'unavailable', web: 'operational' } },
    };
    expect(failingComponents(document)).toEqual([
      { path: 'storage', level: 'critical', below: ['storage.primary', 'storage.replica'] },
      { path: 'search', level: 'critical', below: [] },
      { path: 'data.mail', level: 'critical', below: [] },
    ]);
    expect(describeFailing(failingComponents(document))).toBe(
      'components down: storage (2 below: storage.primary, storage.replica), search, data.mail',
    );
    expect(describeFailing(failingComponents({ status: 'UP' }))).toBeUndefined();
    // A hostile document is walked within bounds.
    const deep = JSON.parse(`${'{"a":{"status":"DOWN","b":'.repeat(300)}1${'}}'.repeat(300)}`);
    expect(failingComponents(deep)).toHaveLength(1);
  });
});
