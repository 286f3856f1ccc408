/**
 * The page on `serveWatcher` in process, without a history: its data in memory, fed by the
 * watcher's polls of a real HTTP target; a reload's new target joins the page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/client/log.js';
import { validateWatchConfig } from '../../src/watch/config.js';
import { planWatch } from '../../src/watch/plan.js';
import { serveWatcher, type WatchServer } from '../../src/watch/status-server.js';
import { Watcher } from '../../src/watch/watcher.js';
import { until } from '../support/wait.js';
import { scheduledStart, startTargets, type TargetServer } from './fixtures.js';

let targets: TargetServer | undefined;
let server: WatchServer | undefined;
let watcher: Watcher | undefined;
afterEach(async () => {
  await watcher?.stop(0);
  await server?.close();
  await targets?.close();
});

function planOf(config: Record<string, unknown>) {
  const read = validateWatchConfig(config, {});
  if (!read.ok) throw new Error(read.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return { plan: planWatch({ urls: [], layer: {} }, read.config), config: read.config };
}

/** A watcher of the plan and its page (from memory); returns the page's URL. */
async function servePage(
  plan: ReturnType<typeof planOf>['plan'],
  config: ReturnType<typeof planOf>['config'],
): Promise<string> {
  watcher = new Watcher({
    targets: plan.targets,
    log: createLogger({ format: 'json', write: () => {} }),
    retainMs: plan.retainMs,
    hooks: { timeoutMs: 1000, retries: 0, backoffMs: 10 },
    windows: plan.windows,
  });
  server = await serveWatcher(
    watcher,
    { host: '127.0.0.1', port: 0 },
    { statusPage: { config: config.statusPage! } },
  );
  return server.urls().at(-1)!;
}

describe('status page in process', () => {
  it('serves the page from memory without a history, follows the polls and a reload', async () => {
    targets = await startTargets('nothing');
    const { plan, config } = planOf({
      interval: '100ms',
      statusPage: { path: '/public', title: 'In memory', targets: { api: { name: 'API' } } },
      targets: { api: { url: `${targets.url}/svc/api` } },
    });
    const page = await servePage(plan, config);
    expect(page).toMatch(/\/public$/);
    watcher!.start();
    const data = async () => (await fetch(`${page}/api/status.json`)).json();
    const levels = async () =>
      (await data()).groups.flatMap((g: { targets: { id: string; level: string }[] }) =>
        g.targets.map((t) => `${t.id}:${t.level}`),
      );
    await until(async () => (await levels()).join() === 'api:ok', 'api ok on the page');
    targets.set('api', 'critical');
    await until(async () => (await data()).incidents.open.length === 1, 'the incident of api');
    // A reload adds a target: the page shows it from its first poll on.
    const next = planOf({
      interval: '100ms',
      targets: { api: { url: `${targets.url}/svc/api` }, search: { url: `${targets.url}/svc/search` } },
    }).plan;
    watcher!.reconfigure({
      targets: next.targets,
      retainMs: next.retainMs,
      hooks: next.hooks,
      windows: next.windows,
    });
    await until(async () => (await levels()).join() === 'api:critical,search:ok', 'search on the page');
    expect((await data()).incidents.open[0].title).toBe('API is unavailable');
  });

  it('shows the maintenance a target announces: scheduled with its times, then in progress with its end', async () => {
    targets = await startTargets('s3cr3t-upgrade');
    targets.set('api', 'scheduled');
    const { plan, config } = planOf({
      interval: '100ms',
      statusPage: { path: '/public', targets: { api: { name: 'API' } } },
      targets: { api: { url: `${targets.url}/svc/api` } },
    });
    const page = await servePage(plan, config);
    watcher!.start();
    type Item = { status: string; by: string; start: string; end?: string; targets: { name: string }[] };
    const maintenance = async () =>
      (await (await fetch(`${page}/api/status.json`)).json()).maintenance as {
        inProgress: Item[];
        scheduled: Item[];
      };
    await until(async () => (await maintenance()).scheduled.length === 1, 'the announced schedule');
    const start = scheduledStart(targets);
    const [scheduled] = (await maintenance()).scheduled;
    expect(scheduled).toMatchObject({
      status: 'scheduled',
      by: 'target',
      start: start.toISOString(),
      end: new Date(start.getTime() + 3_600_000).toISOString(),
      targets: [{ name: 'API' }],
    });
    expect((await maintenance()).inProgress).toEqual([]);
    // The service's own words stay off the page; the HTML shows the schedule too.
    const html = await (await fetch(page)).text();
    expect(html).not.toContain('s3cr3t-upgrade');
    expect(html).toContain('Maintenance scheduled by the service');
    targets.set('api', 'notice');
    await until(async () => (await maintenance()).inProgress.length === 1, 'the maintenance in progress');
    expect((await maintenance()).inProgress[0]).toMatchObject({
      by: 'target',
      end: '2030-01-01T00:00:00.000Z',
    });
    expect((await maintenance()).scheduled).toEqual([]);
  });
});
