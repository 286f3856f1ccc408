/**
 * The status page on a fleet: two real watcher processes on one PostgreSQL schema, both serving
 * the page. A target going down opens exactly one incident (both members follow the transition),
 * both pages show it and its recovery; an incident written by `statuskit watch incident add
 * --history postgres://…` (a third process) appears on the members' pages.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withService } from '../../checks/support.js';
import { launchChromium } from '../../dashboard/harness.js';
import { until } from '../../support/wait.js';
import { assertBuilt, configFile, type RunningWatch, run, startWatch } from '../spawn-watch.js';
import { flippableTargets, freshSchema, type Schema } from './support.js';

const pgDescribe = await withService('PostgreSQL', 5432);

interface PageIncident {
  id: number;
  title: string;
  status: string;
  automatic: boolean;
  updates: { status: string }[];
}

pgDescribe('the status page on a fleet of two watchers', () => {
  let schema: Schema;
  let targets: Awaited<ReturnType<typeof flippableTargets>>;
  const members: RunningWatch[] = [];
  const pages: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    schema = await freshSchema('page');
    targets = await flippableTargets();
    const config = configFile(
      [
        `history: "${schema.url}"`,
        'interval: 300ms',
        'timeout: 2s',
        'failAfter: 1',
        'recoverAfter: 1',
        'fleet:',
        '  lease: 2000ms',
        'statusPage:',
        '  title: Fleet status',
        '  refresh: 300ms',
        '  targets:',
        '    t0: { name: Checkout }',
        '    t1: { name: Search }',
        'targets:',
        `  t0: { url: "${targets.url(0)}" }`,
        `  t1: { url: "${targets.url(1)}" }`,
        '',
      ].join('\n'),
    );
    for (const id of ['m1', 'm2']) {
      const watch = startWatch(['--config', config, '--member', id, '--serve', '127.0.0.1:0']);
      members.push(watch);
      pages.push((await watch.lines(8)).at(-1)!);
    }
  });
  afterAll(async () => {
    await Promise.all(members.map((member) => member.stop()));
    await targets?.close();
    await schema?.drop();
  });

  const data = async (page: string) => (await fetch(`${page}/api/status.json`)).json();
  const levels = async (page: string) =>
    (await data(page)).groups
      .flatMap((g: { targets: { id: string; level: string }[] }) => g.targets)
      .map((t: { id: string; level: string }) => `${t.id}:${t.level}`)
      .join();
  const incidents = async (page: string): Promise<PageIncident[]> => {
    const { open, recent } = (await data(page)).incidents;
    return [...open, ...recent];
  };
  const automaticRows = async () =>
    (
      await schema.pool.query(
        `SELECT i.status, array_agg(u.status ORDER BY u.id) AS updates FROM incidents i
           JOIN incident_updates u ON u.incident_id = i.id WHERE i.automatic GROUP BY i.id`,
      )
    ).rows;

  it('shows the fleet history on every member, without the page falling back to memory', async () => {
    for (const page of pages)
      await until(async () => (await levels(page)) === 't0:ok,t1:ok', `both targets ok on ${page}`);
    for (const member of members)
      expect(
        member
          .logs()
          .map((line) => line.msg)
          .join('\n'),
      ).not.toMatch(/in memory/);
    const body = JSON.stringify(await data(pages[0]!));
    expect(body).not.toContain(`127.0.0.1:${targets.port}`);
  });

  it('opens exactly one incident for a transition to critical, seen and resolved on both pages', async () => {
    targets.setDown(0, true);
    for (const page of pages)
      await until(
        async () => (await incidents(page)).some((i) => i.automatic && i.status === 'investigating'),
        `the incident of t0 on ${page}`,
      );
    expect(await automaticRows()).toMatchObject([{ status: 'investigating', updates: ['investigating'] }]);
    targets.setDown(0, false);
    for (const page of pages)
      await until(
        async () => (await incidents(page)).some((i) => i.automatic && i.status === 'resolved'),
        `the recovery of t0 on ${page}`,
      );
    expect(await automaticRows()).toEqual([{ status: 'resolved', updates: ['investigating', 'resolved'] }]);
    const [shown] = (await incidents(pages[1]!)).filter((i) => i.automatic);
    expect(shown).toMatchObject({ title: 'Checkout is unavailable', status: 'resolved' });
  });

  it('shows on both pages an incident that `watch incident add --history postgres://` wrote', async () => {
    const added = await run([
      'watch',
      'incident',
      'add',
      '--history',
      schema.url,
      '--title',
      'Search reindex',
      '--message',
      'Results may be stale',
      '--target',
      't1',
      '--json',
    ]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const { id } = JSON.parse(added.stdout);
    for (const page of pages)
      await until(
        async () => (await incidents(page)).some((i) => i.id === id && i.title === 'Search reindex'),
        `the added incident on ${page}`,
      );
    const resolved = await run(['watch', 'incident', 'resolve', String(id), '--history', schema.url]);
    expect(resolved.code).toBe(0);
    await until(
      async () => (await incidents(pages[0]!)).some((i) => i.id === id && i.status === 'resolved'),
      'the resolution on the page',
    );
    // Bad input through the CLI: a usage error, nothing stored.
    const before = (await schema.pool.query('SELECT count(*)::int AS n FROM incident_updates')).rows[0].n;
    const bad = await run([
      'watch',
      'incident',
      'add',
      '--history',
      schema.url,
      '--title',
      'x',
      '--target',
      'nope',
      '--message',
      'y',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no target "nope"/);
    expect((await schema.pool.query('SELECT count(*)::int AS n FROM incident_updates')).rows[0].n).toBe(
      before,
    );
  });

  it('renders in Chromium from the PostgreSQL history, with and without JavaScript', async () => {
    const browser = await launchChromium();
    try {
      for (const javaScriptEnabled of [true, false]) {
        const context = await browser.newContext({ javaScriptEnabled });
        const page = await context.newPage();
        await page.goto(pages[1]!);
        if (javaScriptEnabled)
          await expect.poll(() => page.getAttribute('#page', 'data-live')).not.toBeNull();
        expect(await page.locator('.target').count()).toBe(2);
        const bars = await page
          .locator('.bar')
          .evaluateAll((lists) => lists.map((list) => list.children.length));
        expect(bars).toEqual([90, 90]);
        // Today's bar: t0's outage of the test before, in words.
        const today = page.locator('#target-t0 .bar li').nth(89);
        expect(await today.getAttribute('class')).toContain('level-critical');
        expect(await page.locator('#history-list .incident').allTextContents()).toEqual(
          expect.arrayContaining([expect.stringContaining('Checkout is unavailable')]),
        );
        await context.close();
      }
    } finally {
      await browser.close();
    }
  });
});
