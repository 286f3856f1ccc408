/** The page's routes over real HTTP on a real SQLite file: ETags, HEAD, bad queries, hidden targets, the admin endpoint off. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatus, type StatusKit } from '../../src/status.js';
import { resolvePageOptions } from '../../src/statuspage/options.js';
import { StatusPage } from '../../src/statuspage/page.js';
import { statusPageRoute } from '../../src/statuspage/routes.js';
import { SqlitePageSource } from '../../src/statuspage/sqlite-source.js';
import { writeHistory } from './fixtures.js';

let status: StatusKit;
let source: SqlitePageSource;
let base: string;
const now = Date.now();

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'statuskit-page-routes-')), 'watch.db');
  writeHistory(
    file,
    ['api', 'cron-internal'].map((name) => ({
      name,
      displayUrl: `http://x/${name}`,
      levelAt: () => 'ok' as const,
    })),
    now,
    5,
  );
  source = SqlitePageSource.open(file);
  source.catchUp(now);
  source.openIncident({
    title: 'Cron backlog',
    targets: ['cron-internal'],
    impact: 'minor',
    status: 'identified',
    message: 'Jobs queue up',
    at: now,
  });
  const options = resolvePageOptions({
    path: '/status',
    title: 'Ours',
    targets: { 'cron-internal': { hidden: true } },
  });
  const page = new StatusPage({ source, options, targets: () => ['api', 'cron-internal'] });
  status = createStatus({ paths: { status: '/internal-status' } });
  status.addRoute(statusPageRoute(page, source));
  const server = await status.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${server.port}/status`;
});

afterAll(async () => {
  await status?.close();
  source?.close();
});

describe('status page routes', () => {
  it('answers 304 to a matching ETag, HEAD without a body, and serves its own style and script', async () => {
    for (const path of ['', '/api/status.json', '/feed.rss']) {
      const first = await fetch(`${base}${path}`);
      await first.arrayBuffer();
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await fetch(`${base}${path}`, { headers: { 'if-none-match': etag } });
      expect(again.status, path).toBe(304);
      expect(await again.text()).toBe('');
    }
    const head = await fetch(base, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(1000);
    expect(await head.text()).toBe('');
    const script = await fetch(`${base}/page.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('cache-control')).toBe('public, max-age=3600');
    // The page links only to itself: no CDN.
    const html = await (await fetch(base)).text();
    expect(
      [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
        .map((m) => m[1])
        .filter((url) => !url!.startsWith('/status')),
    ).toEqual([]);
  });

  it('refuses bad queries and paths with JSON errors', async () => {
    const cases: [string, RequestInit | undefined, number][] = [
      ['?days=45', undefined, 400],
      ['?days=abc', undefined, 400],
      ['/nothing', undefined, 404],
      ['/badge/api/status.svg/x', undefined, 404],
      ['/badge/api/uptime.svg?days=0', undefined, 400],
      ['/badge/%E0%A4%A/status.svg', undefined, 404],
      ['/api/incidents/0', undefined, 404],
      ['', { method: 'PUT' }, 405],
      ['/api/incidents', { method: 'POST', body: '{}' }, 403],
    ];
    for (const [path, init, code] of cases) {
      const response = await fetch(`${base}${path}`, init);
      expect(response.status, path).toBe(code);
      expect(await response.json(), path).toMatchObject({
        error: expect.any(String),
        message: expect.any(String),
      });
    }
  });

  it('escapes what an operator wrote, in the HTML and the feeds (which stay XML)', async () => {
    const nasty = '<script>alert(1)</script> & "quotes" \u0007bell';
    source.openIncident({
      title: nasty,
      targets: ['api'],
      impact: 'major',
      status: 'investigating',
      message: nasty,
      at: now,
    });
    for (const path of ['', '/feed.rss', '/feed.atom']) {
      const text = await (await fetch(`${base}${path}`)).text();
      expect(text, path).not.toContain('<script>alert');
      expect(text, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
      expect(text, path).not.toContain('\u0007');
    }
  });

  it('answers 429 to a client after 10 wrong admin keys a minute, even with the right key then', async () => {
    const guarded = createStatus({ paths: { status: '/internal-status' } });
    const options = resolvePageOptions({ adminKeys: [{ key: 'the-right-admin-key' }] });
    guarded.addRoute(statusPageRoute(new StatusPage({ source, options, targets: () => ['api'] }), source));
    const server = await guarded.listen({ host: '127.0.0.1', port: 0 });
    try {
      const post = (key: string) =>
        fetch(`http://127.0.0.1:${server.port}/status-page/api/incidents`, {
          method: 'POST',
          headers: { 'x-api-key': key },
          body: JSON.stringify({ title: 'x', message: 'y' }),
        });
      for (let i = 0; i < 10; i++) expect((await post(`wrong-${i}`)).status).toBe(401);
      const blocked = await post('the-right-admin-key');
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await blocked.json()).toMatchObject({ error: 'too_many_requests' });
      expect(source.incidents({}).some((incident) => incident.title === 'x')).toBe(false);
    } finally {
      await guarded.close();
    }
  });

  it('leaves a hidden target out of the page, the JSON, the incidents, the feeds and the badges', async () => {
    for (const path of ['', '/api/status.json', '/api/incidents', '/feed.rss', '/feed.atom']) {
      expect(await (await fetch(`${base}${path}`)).text(), path).not.toContain('cron-internal');
    }
    expect((await fetch(`${base}/badge/cron-internal/status.svg`)).status).toBe(404);
    // The incident itself stays (an operator wrote it), without the hidden target's name.
    const { open } = await (await fetch(`${base}/api/incidents`)).json();
    expect(open.find((incident: { title: string }) => incident.title === 'Cron backlog')).toMatchObject({
      targets: [],
    });
  });
});
