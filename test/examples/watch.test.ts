import { afterAll, describe, expect, it } from 'vitest';
import { curl, type RunningExample, startExample } from './run-example.js';

/**
 * `npm run example -- watch`: the five seed APIs and a real `statuskit watch --serve` over them,
 * started as a user would, read with curl. A seed is then made to fail through its own switch, and
 * the watcher's document must say so.
 */
let example: RunningExample | undefined;
afterAll(async () => {
  await example?.stop();
});

interface TargetComponent {
  status: string;
  url: string;
  word?: string | null;
  httpStatus?: number;
  message?: string;
}

interface WatchDocument {
  status: string;
  targets: Record<string, TargetComponent>;
}

const SEEDS = ['webitel', 'dydu', 'wickson', 'turbocore', 'itgrix'];
const EXTRAS = ['webitel-console', 'itgrix-state'];

/** Reads the watcher's document until it satisfies `ready` (the wait is bounded, never asserted). */
async function documentWhen(
  statusUrl: string,
  ready: (doc: WatchDocument) => boolean,
  what: string,
  timeoutMs = 12_000,
): Promise<{ code: number; doc: WatchDocument }> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const { status, body } = await curl(`"${statusUrl}"`);
    last = body;
    try {
      const doc = JSON.parse(body) as WatchDocument;
      if (ready(doc)) return { code: status, doc };
    } catch {}
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; last document:\n${last}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const levels = (doc: WatchDocument) =>
  Object.fromEntries(Object.entries(doc.targets).map(([name, target]) => [name, target.status]));

describe('watch example', () => {
  it('watches the five seed APIs, all ok, then sees the ones switched down', async () => {
    example = await startExample('watch', ['--port', '0']);
    const [dashboardUrl, statusUrl] = example.lines;
    expect(dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(statusUrl).toBe(`${dashboardUrl}status`);

    const polled = await documentWhen(
      statusUrl,
      (doc) => Object.values(doc.targets).every((target) => target.message !== 'not polled yet'),
      'first poll of every target',
    );
    expect(Object.keys(polled.doc.targets).sort()).toEqual([...SEEDS, ...EXTRAS].sort());
    expect(levels(polled.doc)).toEqual(Object.fromEntries([...SEEDS, ...EXTRAS].map((name) => [name, 'ok'])));
    expect(polled.code).toBe(200);
    expect(polled.doc.status).toBe('ok');
    const { targets } = polled.doc;
    // Webitel has no overall word: the HTTP code judged it. Its console and Itgrix's app_state were
    // read with words of their own ("" is Itgrix's running state); TurboCore answered over ws://.
    expect(targets.webitel).toMatchObject({ httpStatus: 200 });
    expect(targets.webitel.word ?? null).toBeNull();
    expect(targets['webitel-console']).toMatchObject({ word: 'Connected', httpStatus: 200 });
    expect(targets['itgrix-state']).toMatchObject({ word: '' });
    expect(targets.itgrix).toMatchObject({ word: 'Ok' });
    expect(targets.dydu).toMatchObject({ word: 'Ok' });
    expect(targets.wickson).toMatchObject({ word: 'operational' });
    expect(targets.turbocore.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/api\/health\/ws$/);

    const dashboard = await curl(`"${dashboardUrl}"`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toMatch(/<html/i);

    // Each seed's own switch: a DYDU application down, Itgrix's application stopped, Webitel's
    // console disconnected (SIGUSR2 to the example process, which runs the seed).
    const dydu = new URL(targets.dydu.url).origin;
    expect((await curl(`-X POST "${dydu}/servlet/api/simulate?down=dialog"`)).status).toBe(204);
    const itgrix = new URL(targets.itgrix.url).origin;
    const stopped = await curl(`--digest -u admin:itgrix -X POST "${itgrix}/admin/simulate?state=stopped"`);
    expect(stopped.status).toBe(204);
    example.process.kill('SIGUSR2');

    const failing = ['dydu', 'itgrix', 'itgrix-state', 'webitel-console'];
    const down = await documentWhen(
      statusUrl,
      (doc) => failing.every((name) => doc.targets[name]?.status !== 'ok'),
      'the switched seeds to fail',
    );
    expect(levels(down.doc)).toEqual({
      webitel: 'ok',
      'webitel-console': 'critical',
      dydu: 'critical',
      wickson: 'ok',
      turbocore: 'ok',
      itgrix: 'critical',
      'itgrix-state': 'critical',
    });
    expect(down.code).toBe(503);
    expect(down.doc.status).toBe('critical');
    expect(down.doc.targets.dydu).toMatchObject({ word: 'Ko', httpStatus: 503 });
    expect(down.doc.targets.itgrix).toMatchObject({ word: 'Error', httpStatus: 200 });
    expect(down.doc.targets['itgrix-state']).toMatchObject({ word: 'stopped' });
    expect(down.doc.targets['webitel-console']).toMatchObject({ word: 'Disconnected' });
    // The console is not critical to Webitel's endpoint: still a 200, so still ok by its code.
    expect(down.doc.targets.webitel).toMatchObject({ status: 'ok', httpStatus: 200 });

    // Stopping the example stops the watcher process it started.
    await example.stop();
    expect((await curl(`"${statusUrl}"`)).status).toBe(0);
  });
});
