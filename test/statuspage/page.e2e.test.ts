/**
 * The public status page end to end: a real `statuskit watch --serve` process over a real SQLite
 * history holding 90 days of 20 targets, real targets over HTTP, real Chromium (with and without
 * JavaScript), and the feeds and badges parsed as XML by the browser's own parser.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../cli/spawn.js';
import { launchChromium } from '../dashboard/harness.js';
import { until } from '../support/wait.js';
import { assertBuilt, type RunningWatch, startWatch } from '../watch/spawn-watch.js';
import { DAY, dayStart, MINUTE, masked, startTargets, type TargetServer, writeHistory } from './fixtures.js';

const SECRETS = {
  password: 'pw-Hunter2-secret',
  token: 'tok-9f8e7d-secret',
  apiKey: 'key-abc123-secret',
  query: 'qs-zyx987-secret',
  message: 'msg-leaked-password=s3cr3t',
  admin: 'admin-key-0123456789abcdef',
};
const NAMES = Array.from({ length: 20 }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);

let targets: TargetServer;
let watch: RunningWatch;
let browser: Browser;
let base: string;
let history: string;
const now = Date.now();
const today = dayStart(now);

function urlOf(name: string): string {
  if (name === 't01') return `http://ops:${SECRETS.password}@127.0.0.1:${targets.port}/svc/t01`;
  if (name === 't04') return `${targets.url}/svc/t04?token=${SECRETS.query}`;
  return `${targets.url}/svc/${name}`;
}

/** The history: t01 down for the last 20 min, t03 down 2 h on day −10, t04 unseen on day −5, t05 in maintenance on day −3. */
function levelOf(name: string) {
  return (time: number) => {
    const day = (dayStart(time) - today) / DAY;
    const hour = (time - dayStart(time)) / 3_600_000;
    if (name === 't01' && time >= now - 20 * MINUTE) return 'critical' as const;
    if (name === 't03' && day === -10 && hour >= 10 && hour < 12) return 'critical' as const;
    if (name === 't04' && day === -5) return undefined;
    if (name === 't05' && day === -3 && hour >= 2 && hour < 4) return 'maintenance' as const;
    if (name === 't06' && day === -20 && hour >= 8 && hour < 9) return 'warning' as const;
    return 'ok' as const;
  };
}

beforeAll(async () => {
  assertBuilt();
  targets = await startTargets(SECRETS.message);
  targets.set('t01', 'critical');
  targets.set('t08', 'notice');
  const dir = mkdtempSync(join(tmpdir(), 'statuskit-page-'));
  history = join(dir, 'watch.db');
  writeHistory(
    history,
    NAMES.map((name) => ({ name, displayUrl: masked(urlOf(name)), levelAt: levelOf(name) })),
    now,
  );
  const config = {
    history,
    interval: '300ms',
    groupWait: '0s',
    serve: { host: '127.0.0.1', port: 0 },
    maintenance: [
      {
        id: 'db-upgrade',
        message: 'Database upgrade',
        start: new Date(now - 10 * MINUTE).toISOString(),
        end: new Date(now + 50 * MINUTE).toISOString(),
        targets: ['t07'],
      },
      {
        id: 'network',
        message: 'Network maintenance',
        start: new Date(now + DAY).toISOString(),
        end: new Date(now + DAY + 120 * MINUTE).toISOString(),
      },
    ],
    statusPage: {
      title: 'Example status',
      description: 'Our services, as our watcher sees them.',
      refresh: '300ms',
      adminKeys: [{ name: 'ops', key: SECRETS.admin }],
      groups: [
        { name: 'Core', targets: NAMES.slice(0, 10) },
        { name: 'Edge', targets: NAMES.slice(10) },
      ],
      targets: {
        t01: {
          name: 'Public API',
          description: 'The REST API',
          message: 'We are looking into errors on the API.',
        },
        t02: { name: 'Checkout', message: 'Payments may fail; we are on it.' },
        t07: { name: 'Database' },
      },
    },
    targets: Object.fromEntries(
      NAMES.map((name) => [
        name,
        {
          url: urlOf(name),
          ...(name === 't02' ? { auth: { token: SECRETS.token } } : {}),
          ...(name === 't03' ? { auth: { apiKey: SECRETS.apiKey } } : {}),
        },
      ]),
    ),
  };
  const file = join(dir, 'watch.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  watch = startWatch(['--config', file]);
  const urls = await watch.lines(8, 15_000);
  base = urls.find((url) => url.endsWith('/status-page'))!;
  expect(base).toBeDefined();
  browser = await launchChromium();
  // The first round of polls is in: the page shows the live states, not only the history's.
  const levels = async () => {
    const data = await (await fetch(`${base}/api/status.json`)).json();
    return new Map<string, string>(
      data.groups.flatMap((g: { targets: { id: string; level: string }[] }) =>
        g.targets.map((t) => [t.id, t.level]),
      ),
    );
  };
  await until(async () => {
    const now = await levels();
    return now.get('t07') === 'maintenance' && now.get('t08') === 'maintenance';
  }, 'the first polls of t07 and t08 on the page');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await watch?.stop();
  await targets?.close();
});

const fetchText = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
};

describe('public status page', () => {
  it('renders 20 targets with 90-day bars, the open incident and the maintenance, also without JavaScript', async () => {
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(base);
      // With JavaScript, what is checked is the page as page.js redrew it from the JSON API.
      if (javaScriptEnabled) await expect.poll(() => page.getAttribute('#page', 'data-live')).not.toBeNull();
      else expect(await page.getAttribute('#page', 'data-live')).toBeNull();
      expect(await page.locator('.target').count()).toBe(20);
      expect(await page.locator('.group-name').allTextContents()).toEqual(['Core', 'Edge']);
      const bars = await page
        .locator('.bar')
        .evaluateAll((lists) => lists.map((list) => list.children.length));
      expect(bars).toEqual(Array(20).fill(90));
      // Day −10 of t03 is red with its outage told in words; day −5 of t04 not observed; day −3 of t05 in maintenance.
      const day = (name: string, back: number) => page.locator(`#target-${name} .bar li`).nth(89 - back);
      expect(await day('t03', 10).getAttribute('class')).toContain('level-critical');
      expect(await day('t03', 10).textContent()).toMatch(/Major outage, 91\.66 % up, down 2 h/);
      expect(await day('t04', 5).getAttribute('class')).toContain('has-gap');
      expect(await day('t04', 5).textContent()).toMatch(/not observed 23 h 30 min/);
      expect(await day('t05', 3).getAttribute('class')).toContain('has-maintenance');
      expect(await day('t05', 3).textContent()).toMatch(/maintenance 2 h/);
      expect(await day('t06', 20).getAttribute('class')).toContain('level-warning');
      expect(await day('t02', 30).getAttribute('class')).toContain('level-ok');
      // The open incident, opened by t01's transition to critical, with its public message.
      const incident = page.locator('#incidents-list .incident');
      expect(await incident.count()).toBe(1);
      expect(await incident.locator('.incident-title').textContent()).toBe('Public API is unavailable');
      expect(await incident.textContent()).toContain('We are looking into errors on the API.');
      expect(await page.locator('#target-t01 .state-text').textContent()).toBe('Major outage');
      expect(await page.locator('#target-t01 .target-message').textContent()).toBe(
        'We are looking into errors on the API.',
      );
      expect(await page.locator('#overall').textContent()).toContain('Some systems are down');
      // t03's outage of day −10: opened and resolved by its transitions, among the past incidents.
      expect(await page.locator('#history-list .incident').allTextContents()).toEqual(
        expect.arrayContaining([expect.stringContaining('t03 is unavailable')]),
      );
      // The watcher's window in progress, the one t08 announces itself (seed 002's notice, shown
      // without its words) and the window scheduled for tomorrow.
      const maintenance = page.locator('#maintenance-list .maintenance-item');
      expect(await maintenance.allTextContents()).toEqual([
        expect.stringMatching(/^In progress Database upgrade Database ·/),
        expect.stringMatching(/^In progress Maintenance announced by the service t08 ·/),
        expect.stringMatching(/^Scheduled Network maintenance All services ·/),
      ]);
      expect(await page.locator('#target-t07 .state-text').textContent()).toBe('Under maintenance');
      expect(await page.locator('#target-t08 .state-text').textContent()).toBe('Under maintenance');
      // Every colour has its words: the legend, and each state says what it is.
      expect(await page.locator('.legend li').allTextContents()).toContain('Under maintenance');
      await context.close();
    }
  });

  it('is phone first and readable: no sideways scroll at 360 px, WCAG contrast for text and bars', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    try {
      await page.goto(base);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      const ratios = await page.evaluate(() => {
        const rgb = (colour: string) => (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const luminance = ([r, g, b]: number[]) => {
          const [R, G, B] = [r!, g!, b!].map((v) => {
            const c = v / 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * R! + 0.7152 * G! + 0.0722 * B!;
        };
        const contrast = (a: string, b: string) => {
          const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((m, n) => n - m);
          return (x! + 0.05) / (y! + 0.05);
        };
        const text = Array.from(document.querySelectorAll('.state, #overall'), (el) => {
          const style = getComputedStyle(el);
          return contrast(style.color, style.backgroundColor);
        });
        // The bars' colours and the legend's (which has every colour a day can take).
        const cells = Array.from(
          document.querySelectorAll('.bar li, .legend .swatch'),
          (el) => getComputedStyle(el).backgroundColor,
        )
          .filter((colour, i, all) => all.indexOf(colour) === i)
          .map((colour) => contrast(colour, 'rgb(255, 255, 255)'));
        return { text: Math.min(...text), cells: Math.min(...cells), colours: cells.length };
      });
      expect(ratios.text).toBeGreaterThanOrEqual(4.5);
      expect(ratios.cells).toBeGreaterThanOrEqual(3);
      expect(ratios.colours).toBeGreaterThanOrEqual(5);
      // Every bar and section is named for assistive technology.
      expect(await page.locator('.bar:not([aria-label])').count()).toBe(0);
      expect(await page.locator('#overall[role="status"][aria-live="polite"]').count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('follows a transition live: state, bar, incident and overall change without a reload', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}?days=30`);
      expect(await page.locator('#target-t02 .bar li').count()).toBe(30);
      expect(await page.locator('#target-t02 .state-text').textContent()).toBe('Operational');
      const loads: string[] = [];
      page.on('load', () => loads.push(page.url()));
      targets.set('t02', 'critical');
      await expect
        .poll(() => page.locator('#target-t02 .state-text').textContent(), { timeout: 8000 })
        .toBe('Major outage');
      await expect
        .poll(() => page.locator('#incidents-list .incident-title').allTextContents())
        .toEqual(expect.arrayContaining(['Checkout is unavailable', 'Public API is unavailable']));
      expect(await page.locator('#target-t02 .target-message').isVisible()).toBe(true);
      await expect
        .poll(() => page.locator('#target-t02 .bar li').last().getAttribute('class'))
        .toContain('level-critical');
      // Recovery resolves the incident it opened.
      targets.set('t02', 'ok');
      await expect
        .poll(() => page.locator('#target-t02 .state-text').textContent(), { timeout: 8000 })
        .toBe('Operational');
      await expect
        .poll(() => page.locator('#incidents-list .incident-title').allTextContents())
        .toEqual(['Public API is unavailable']);
      expect(await page.locator('#history-list').textContent()).toContain('Checkout has recovered.');
      expect(loads).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows no URL, credential or raw error text in the HTML, the JSON API, the feeds or the badges', async () => {
    const bodies = await Promise.all(
      [
        '',
        '?days=30',
        '/api/status.json',
        '/api/incidents',
        '/feed.rss',
        '/feed.atom',
        '/page.js',
        '/badge/t01/status.svg',
        '/badge/t02/uptime.svg?days=90',
        '/badge/t03/response.svg',
      ].map(async (path) => ({ path, ...(await fetchText(path)) })),
    );
    for (const body of bodies) {
      expect(body.status, body.path).toBe(200);
      for (const secret of [
        ...Object.values(SECRETS),
        `127.0.0.1:${targets.port}`,
        '/svc/',
        'ECONNREFUSED',
        'database failed',
        'ops:',
      ]) {
        expect(body.text, `${body.path} holds ${secret}`).not.toContain(secret);
      }
    }
    // The targets were polled with their credentials all the same.
    expect(targets.requests.some((r) => r.authorization === `Bearer ${SECRETS.token}`)).toBe(true);
  });

  it('serves RSS and Atom that parse as XML, one item per incident, and badges that are SVG', async () => {
    const api = JSON.parse((await fetchText('/api/status.json')).text);
    const incidents = new Set(
      [...api.incidents.open, ...api.incidents.recent].map((i: { id: number }) => i.id),
    );
    expect(incidents.size).toBeGreaterThanOrEqual(3);
    const rss = await fetchText('/feed.rss');
    expect(rss.headers.get('content-type')).toMatch(/^application\/rss\+xml/);
    expect(rss.headers.get('cache-control')).toBe('public, max-age=60');
    const atom = await fetchText('/feed.atom');
    const page = await browser.newPage();
    try {
      const parse = (text: string, type: string) =>
        page.evaluate(
          ([source, mime]) => {
            const doc = new DOMParser().parseFromString(source!, mime as DOMParserSupportedType);
            return {
              error: doc.getElementsByTagName('parsererror').length > 0,
              root: doc.documentElement.localName,
              guids: Array.from(doc.querySelectorAll('item > guid'), (node) => node.textContent),
              entries: doc.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'entry').length,
            };
          },
          [text, type],
        );
      const parsedRss = await parse(rss.text, 'application/xml');
      expect(parsedRss).toMatchObject({ error: false, root: 'rss' });
      const incidentItems = parsedRss.guids.filter((guid) => guid?.startsWith('incident-'));
      expect(new Set(incidentItems)).toEqual(new Set([...incidents].map((id) => `incident-${id}`)));
      expect(incidentItems).toHaveLength(incidents.size);
      expect(parsedRss.guids.filter((guid) => guid?.startsWith('maintenance-'))).toHaveLength(3);
      const parsedAtom = await parse(atom.text, 'application/xml');
      expect(parsedAtom).toMatchObject({ error: false, root: 'feed', entries: incidents.size + 3 });
      for (const path of [
        '/badge/t01/status.svg',
        '/badge/t05/uptime.svg?days=30',
        '/badge/t06/response.svg',
      ]) {
        const badge = await fetchText(path);
        expect(badge.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
        expect(badge.headers.get('cache-control')).toBe('public, max-age=60');
        expect(await parse(badge.text, 'image/svg+xml')).toMatchObject({ error: false, root: 'svg' });
      }
      expect((await fetchText('/badge/t01/status.svg')).text).toContain('Public API: Major outage');
      // The badge's figure is the page's: t03's outage of day −10 inside the 30 days, floored to hundredths.
      const t03 = api.groups
        .flatMap((g: { targets: unknown[] }) => g.targets)
        .find((t: { id: string }) => t.id === 't03');
      expect(t03.uptime.days30).toBeLessThan(1);
      const shown = `${(Math.floor(t03.uptime.days30 * 10_000 + 1e-9) / 100).toFixed(2)} %`;
      expect((await fetchText('/badge/t03/uptime.svg?days=30')).text).toContain(`t03 uptime 30d: ${shown}`);
    } finally {
      await page.close();
    }
    expect((await fetchText('/badge/nope/status.svg')).status).toBe(404);
    expect((await fetchText('/badge/t01/uptime.svg?days=91')).status).toBe(400);
  });

  it('refuses bad input on the admin endpoint with clear 4xx JSON and stores nothing; writes through the CLI', async () => {
    const count = async () => {
      const { open, recent } = JSON.parse((await fetchText('/api/incidents')).text);
      return open.length + recent.length;
    };
    const before = await count();
    const post = (
      path: string,
      body: string,
      key: string | null = SECRETS.admin,
      extra: Record<string, string> = {},
    ) =>
      fetchText(path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...extra,
        },
        body,
      });
    const good = JSON.stringify({ title: 'Degraded search', message: 'Slow queries' });
    const cases: [string, Awaited<ReturnType<typeof post>>, number, RegExp][] = [
      ['no key', await post('/api/incidents', good, null), 401, /admin key/],
      ['wrong key', await post('/api/incidents', good, 'not-the-key'), 401, /unknown API key/],
      ['not JSON', await post('/api/incidents', '{"title":'), 400, /JSON object/],
      ['an array', await post('/api/incidents', '[1]'), 400, /JSON object/],
      ['no title', await post('/api/incidents', JSON.stringify({ message: 'x' })), 400, /title/],
      [
        'empty message',
        await post('/api/incidents', JSON.stringify({ title: 'x', message: '  ' })),
        400,
        /message: must not be empty/,
      ],
      [
        'unknown field',
        await post('/api/incidents', JSON.stringify({ title: 'x', message: 'y', url: 'z' })),
        400,
        /unknown field url/,
      ],
      [
        'bad impact',
        await post('/api/incidents', JSON.stringify({ title: 'x', message: 'y', impact: 'huge' })),
        400,
        /impact/,
      ],
      [
        'unknown target',
        await post('/api/incidents', JSON.stringify({ title: 'x', message: 'y', targets: ['nope'] })),
        400,
        /no target "nope"/,
      ],
      [
        'too large',
        await post('/api/incidents', JSON.stringify({ title: 'x', message: 'y'.repeat(20_000) })),
        413,
        /larger than/,
      ],
      [
        'unknown incident',
        await post('/api/incidents/9999/updates', JSON.stringify({ message: 'x' })),
        404,
        /no such incident/,
      ],
      ['bad id', await post('/api/incidents/abc/resolve', '{}'), 404, /no such incident/],
      [
        'bad status',
        await post('/api/incidents/1/updates', JSON.stringify({ message: 'x', status: 'done' })),
        400,
        /status/,
      ],
    ];
    for (const [what, response, status, message] of cases) {
      expect(response.status, what).toBe(status);
      expect(response.headers.get('content-type'), what).toMatch(/^application\/json/);
      expect(JSON.parse(response.text).message, what).toMatch(message);
    }
    expect((await fetchText('/api/incidents', { method: 'DELETE' })).status).toBe(405);
    expect(await count()).toBe(before);

    // An operator's incident through the admin endpoint (the CLI with --url), then through the history file.
    const added = await run([
      'watch',
      'incident',
      'add',
      '--url',
      base,
      '--api-key',
      SECRETS.admin,
      '--title',
      'Search is slow',
      '--message',
      'Investigating slow queries',
      '--target',
      't10',
      '--json',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const incident = JSON.parse(added.stdout);
    expect(incident).toMatchObject({
      title: 'Search is slow',
      status: 'investigating',
      targets: ['t10'],
      automatic: false,
    });
    const updated = await run([
      'watch',
      'incident',
      'update',
      String(incident.id),
      '--history',
      history,
      '--status',
      'identified',
      '--message',
      'An index is missing',
    ]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toBe(`incident ${incident.id} updated: Search is slow (identified)\n`);
    const page = await browser.newPage();
    try {
      await page.goto(base);
      const shown = page.locator(`#incidents-list [data-incident="${incident.id}"]`);
      expect(await shown.locator('.timeline li').allTextContents()).toEqual([
        expect.stringMatching(/^Identified .*An index is missing$/),
        expect.stringMatching(/^Investigating .*Investigating slow queries$/),
      ]);
    } finally {
      await page.close();
    }
    const resolved = await run([
      'watch',
      'incident',
      'resolve',
      String(incident.id),
      '--url',
      base,
      '--api-key',
      SECRETS.admin,
    ]);
    expect(resolved.code, resolved.stderr).toBe(0);
    const again = await run([
      'watch',
      'incident',
      'resolve',
      String(incident.id),
      '--url',
      base,
      '--api-key',
      SECRETS.admin,
    ]);
    expect(again).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('409 the incident is already resolved'),
    });
    const bad = await run(['watch', 'incident', 'add', '--history', history, '--title', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--message');
    expect(await count()).toBe(before + 1);
  });
});
