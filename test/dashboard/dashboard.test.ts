import { request as httpRequest } from 'node:http';
import { hostname } from 'node:os';
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { basicAuth, createAccess } from '../../src/access/index.js';
import { acceptsGzip, etagMatches } from '../../src/dashboard/dashboard.js';
import { createDashboard } from '../../src/dashboard/index.js';
import { renderPage } from '../../src/dashboard/page.js';
import { createStatus } from '../../src/status.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function serveDashboard(options: Parameters<typeof createDashboard>[0] = {}) {
  const status = createStatus({ vocabulary: 'okKo' });
  status.check('db', () => true);
  const dashboard = createDashboard({ status, ...options });
  status.addRoute(dashboard);
  const server = await status.listen({ port: 0 });
  stops.push(() => status.close());
  return { url: server.url, port: server.port, dashboard };
}

/** A raw request, so paths reach the server exactly as written (fetch would normalise `..`). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

function configOf(html: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="statuskit-config">(.*?)<\/script>/s.exec(html);
  return JSON.parse(match![1]);
}

describe('createDashboard', () => {
  it('serves the page at the root with its configuration, the vocabulary and security headers', async () => {
    const { url } = await serveDashboard({ title: 'Shop' });
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await response.text();
    expect(html).toContain('<title>Shop</title>');
    const config = configOf(html);
    expect(config).toMatchObject({
      prefix: '',
      feedPath: '/api/health/ws',
      ssePath: '/status/stream',
      transport: 'websocket',
      vocabulary: { overall: { ok: 'Ok', critical: 'Ko' } },
      statusKey: 'status',
    });
    // Every asset the page names is served, from this server, with its own type: no CDN.
    const urls = [...html.matchAll(/(?:href|src)="(\/[^"]*)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const asset of urls) {
      expect(asset.startsWith('/_dashboard/')).toBe(true);
      const res = await fetch(`${url}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(
        asset.endsWith('.css') ? /^text\/css/ : /^text\/javascript/,
      );
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    // The status endpoint still answers next to it.
    expect(await (await fetch(`${url}/status`)).json()).toMatchObject({ status: 'Ok' });
  });

  it('mounts under a prefix, in an Express app too, leaving other paths to the app', async () => {
    const status = createStatus();
    status.addRoute(createDashboard({ prefix: '/status/ui/', feedPath: '/live/ws', ssePath: false }));
    const app = express();
    app.use(status.express());
    app.get('/hello', (_req, res) => {
      res.send('app');
    });
    const server = app.listen(0);
    stops.push(() => new Promise((resolve) => server.close(() => resolve())));
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    for (const path of ['/status/ui', '/status/ui/', '/status/ui/index.html']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(200);
      const config = configOf(await res.text());
      expect(config).toMatchObject({ prefix: '/status/ui', feedPath: '/live/ws', ssePath: false });
      expect(String(config.assets)).toMatch(/^\/status\/ui\/_dashboard\/[0-9a-f]{12}\/$/);
    }
    const assets = String(configOf(await (await fetch(`${url}/status/ui`)).text()).assets);
    expect((await fetch(`${url}${assets}app.js`)).status).toBe(200);
    expect(await (await fetch(`${url}/hello`)).text()).toBe('app');
    expect((await fetch(`${url}/status`)).status).toBe(200);
  });

  it('answers conditional requests with 304 and gzips for clients that accept it', async () => {
    const { url, dashboard } = await serveDashboard();
    const asset = `${url}${dashboard.assetBase}app.js`;
    const first = await fetch(asset, { headers: { 'accept-encoding': 'identity' } });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const plain = Buffer.from(await first.arrayBuffer());
    const again = await fetch(asset, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const page = await fetch(`${url}/`);
    const revalidated = await fetch(`${url}/`, { headers: { 'if-none-match': page.headers.get('etag')! } });
    expect(revalidated.status).toBe(304);
    // Raw gzip bytes, as sent (fetch would decode them).
    const zipped = await new Promise<{ encoding?: string; vary?: string; body: Buffer }>(
      (resolve, reject) => {
        const req = httpRequest(asset, { headers: { 'accept-encoding': 'gzip, br' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({
              encoding: res.headers['content-encoding'],
              vary: res.headers.vary,
              body: Buffer.concat(chunks),
            }),
          );
        });
        req.on('error', reject);
        req.end();
      },
    );
    expect(zipped.encoding).toBe('gzip');
    expect(zipped.vary).toBe('accept-encoding');
    expect(gunzipSync(zipped.body).equals(plain)).toBe(true);
    expect(zipped.body.length).toBeLessThan(plain.length);
  });

  it('refuses path traversal and unknown assets, and methods other than GET and HEAD', async () => {
    const { url, port, dashboard } = await serveDashboard();
    for (const path of [
      `${dashboard.assetBase}../../package.json`,
      `${dashboard.assetBase}..%2f..%2fpackage.json`,
      `${dashboard.assetBase}%2e%2e/%2e%2e/src/status.ts`,
      `${dashboard.assetBase}index.html`,
      `${dashboard.assetBase}vendor/uPlot.LICENSE`,
      `${dashboard.assetBase}nope.js`,
      `${dashboard.assetBase}%E0%A4%A`,
    ]) {
      const res = await rawGet(port, path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('"name": "statuskit"');
    }
    const post = await fetch(`${url}/`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('without a title, names the page after this host until the document names the service', async () => {
    const { url } = await serveDashboard({ charts: ['checks', 'cpu'] });
    const html = await (await fetch(`${url}/`)).text();
    expect(html).toContain(`<title>${hostname()}</title>`);
    expect(configOf(html)).toMatchObject({
      title: hostname(),
      titleFromDocument: true,
      charts: ['checks', 'cpu'],
    });
    const titled = configOf(await (await fetch(`${(await serveDashboard({ title: 'Shop' })).url}/`)).text());
    expect(titled).toMatchObject({ title: 'Shop', titleFromDocument: false });
    expect(titled).not.toHaveProperty('charts');
    expect(() => createDashboard({ charts: 'cpu' as never })).toThrow(/list of chart names/);
    expect(() => createDashboard({ charts: [''] })).toThrow(/list of chart names/);
  });

  it('serves an old asset version with revalidation instead of forever', async () => {
    const { url } = await serveDashboard();
    const res = await fetch(`${url}/_dashboard/000000000000/app.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('passes a Basic challenge on to the browser, and switches the page to SSE for such viewers', async () => {
    const access = createAccess({
      anonymous: 'refuse',
      authenticators: [basicAuth({ users: [{ username: 'ops', password: 'pw' }] })],
    });
    const { url } = await serveDashboard({ access });
    const refused = await fetch(`${url}/`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const authorization = `Basic ${Buffer.from('ops:pw').toString('base64')}`;
    const ok = await fetch(`${url}/`, { headers: { authorization } });
    expect(ok.status).toBe(200);
    expect(configOf(await ok.text()).transport).toBe('sse');
    // Assets hold no data: they load without credentials.
    const assets = String(
      configOf(await (await fetch(`${url}/`, { headers: { authorization } })).text()).assets,
    );
    expect((await fetch(`${url}${assets}style.css`)).status).toBe(200);
  });

  it('escapes the title and the configuration so they cannot break out of the page', () => {
    const template =
      '<title>%TITLE%</title><script type="application/json">"%CONFIG%"</script><a href="%ASSETS%">';
    const html = renderPage(template, {
      prefix: '',
      assets: '/a/',
      feedPath: '/ws',
      ssePath: false,
      transport: 'websocket',
      title: '</title><script>alert(1)</script> $& $1',
    });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; $&amp; $1');
    const json = /"application\/json">(.*)<\/script>/.exec(html)![1];
    expect(json).not.toContain('</');
    expect(JSON.parse(json).title).toBe('</title><script>alert(1)</script> $& $1');
  });

  it('rejects bad options with clear errors', () => {
    expect(() => createDashboard({ prefix: 'status' })).toThrow(/must start with "\/"/);
    expect(() => createDashboard({ prefix: '/a/../b' })).toThrow(/plain path/);
    expect(() => createDashboard({ feedPath: 'ws' as string })).toThrow(/feedPath/);
    expect(() => createDashboard({ transport: 'carrier-pigeon' as 'sse' })).toThrow(/transport/);
  });

  it('parses Accept-Encoding and If-None-Match as RFC 9110 says', () => {
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('br, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('br')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(etagMatches('"a", W/"b"', '"b"')).toBe(true);
    expect(etagMatches('*', '"x"')).toBe(true);
    expect(etagMatches('"a"', '"b"')).toBe(false);
  });

  it('keeps the whole bundle (page, script, styles, uPlot) within 100 KB gzipped', () => {
    const { bundleSize } = createDashboard();
    console.log(
      `dashboard bundle: ${bundleSize.files} files, ${(bundleSize.raw / 1024).toFixed(1)} KiB raw, ` +
        `${(bundleSize.gzip / 1024).toFixed(1)} KiB gzipped`,
    );
    expect(bundleSize.files).toBeGreaterThanOrEqual(8);
    expect(bundleSize.gzip).toBeLessThanOrEqual(100 * 1024);
  });
});
