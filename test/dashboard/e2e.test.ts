import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyAuth, basicAuth, createAccess } from '../../src/access/index.js';
import { launchChromium, type Service, startService } from './harness.js';

// End-to-end in real headless Chromium against a real StatusKit, the real live feed (src/live) and
// real vitals. Screenshots land in artifacts/dashboard/ (git-ignored).
const ARTIFACTS = new URL('../../artifacts/dashboard/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function open(url: string, options: Parameters<Browser['newPage']>[0] = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, ...options });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(url);
  return page;
}

const pageErrors = (page: Page) => (page as Page & { errors?: string[] }).errors ?? [];

/** WCAG contrast ratio of two computed `rgb()` colours. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, bl] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('dashboard against the live feed', () => {
  let service: Service;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('shows the overall status in the vocabulary’s word, with the component tree', async () => {
    const page = await open(`${service.url}/`);
    await page.waitForFunction(() => document.getElementById('overall-word')?.textContent === 'degraded');
    expect(await page.getAttribute('#overall', 'data-level')).toBe('warning');
    await expect.poll(() => page.textContent('#connection')).toBe('Live · WebSocket');
    const names = await page.locator('#tree .name').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['api', 'database', 'cache', 'redis', 'memcached']));
    // A list of objects is a group of named items, not a line of JSON.
    expect(names).toEqual(expect.arrayContaining(['shards', 'shard-a', 'shard-b']));
    expect(await page.locator('#tree dd', { hasText: '[{' }).count()).toBe(0);
    expect(await page.locator('#identity').textContent()).toContain('1.4.2');
    // Keyboard: the filter is reachable and filters the tree.
    await page.focus('#filter');
    await page.keyboard.type('redis');
    await expect
      .poll(() => page.locator('#tree .name:visible').allTextContents())
      .toEqual(['cache', 'redis']);
    await page.fill('#filter', '');
    await page.screenshot({ path: `${ARTIFACTS}overview-light.png`, fullPage: true });
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('turns a component red within 2 s of it going critical, lists it in the timeline, and a reload keeps it', async () => {
    const page = await open(`${service.url}/`);
    const database = page.locator('#tree .node', {
      has: page.locator('> details > summary .name', { hasText: /^database$/ }),
    });
    await expect.poll(() => database.getAttribute('data-level')).toBe('ok');
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    const started = Date.now();
    service.setDatabase('critical');
    await page.waitForFunction(
      () => {
        const badges = Array.from(document.querySelectorAll('#tree .badge'));
        return badges.some(
          (b) => b.textContent === 'unavailable' && (b as HTMLElement).dataset.level === 'critical',
        );
      },
      undefined,
      { timeout: 2000 },
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(2000);
    expect(navigations).toEqual([]);
    // The badge is drawn in the critical colour, the overall card too.
    const colour = await database
      .locator('> details > summary .badge')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(colour).toBe('rgb(207, 34, 46)');
    await expect.poll(() => page.getAttribute('#overall', 'data-level')).toBe('critical');
    expect(await page.textContent('#overall-word')).toBe('critical');
    // Error messages are shown (this feed has no access control: full disclosure).
    expect(await database.locator('> details > .message').textContent()).toContain('ECONNREFUSED');
    // The server's timeline: the component and the whole document, in the vocabulary's words.
    const changed = (list: string[]) =>
      list.some((t) => t.includes('database') && t.includes('operational →') && t.includes('unavailable')) &&
      list.some((t) => t.includes('Overall') && t.includes('critical'));
    await expect.poll(() => page.locator('#transitions li').allTextContents().then(changed)).toBe(true);
    expect(await page.locator('#transitions li', { hasText: 'database' }).first().textContent()).toContain(
      'ECONNREFUSED',
    );
    // The component's chip carries its level over time: the bar now ends in the critical colour.
    await expect
      .poll(() => database.locator('> details > summary .level-bar rect').last().getAttribute('class'))
      .toBe('level-critical');
    await page.screenshot({ path: `${ARTIFACTS}critical.png`, fullPage: true });
    // A reload keeps the timeline: it lives on the server.
    await page.reload();
    await expect.poll(() => page.locator('#transitions li').allTextContents().then(changed)).toBe(true);
    expect(await page.textContent('#overall-since')).toMatch(/^Since /);
    expect(pageErrors(page)).toEqual([]);
    service.setDatabase('ok');
    await page.close();
  });

  it('draws every chart from the server’s history, with each check’s response-time sparkline', async () => {
    const page = await open(`${service.url}/`);
    const points = (id: string) => page.getAttribute(`#chart-${id}`, 'data-points').then(Number);
    // This machine's kernel has PSI, so the pressure chart fills as well.
    for (const id of ['cpu', 'memory', 'network', 'event-loop', 'pressure', 'requests', 'errors']) {
      await expect.poll(() => points(id), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    }
    // uPlot drew on a canvas and the text alternative carries the latest values.
    expect(await page.locator('#chart-cpu canvas').count()).toBeGreaterThan(0);
    expect(await page.textContent('#chart-cpu .latest')).toMatch(/total \d/);
    expect(await page.textContent('#chart-memory .latest')).toMatch(/^memory \d.* % · swap \d/);
    expect(await page.textContent('#chart-pressure .latest')).toMatch(/^cpu \d.* · memory \d.* · I\/O \d/);
    expect(await page.textContent('#chart-requests .latest')).toMatch(/^1 min \d/);
    // Host and process facts are a few lines, not a tree of JSON keys; disks are meters.
    expect(await page.textContent('#fact-host')).toContain(hostname());
    expect(await page.textContent('#fact-process')).toMatch(/^pid \d+ · Node v\d/);
    expect(await page.locator('#disks [role="meter"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#tree .name').allTextContents()).not.toContain('host');
    // Each component's chip: a sparkline of its response times beside its level bar.
    const api = page.locator('#tree .node', {
      has: page.locator('> details > summary .name', { hasText: /^api$/ }),
    });
    await expect.poll(() => api.locator('> details > summary .spark polyline').count()).toBe(1);
    expect(await api.locator('> details > summary .spark').getAttribute('aria-label')).toMatch(
      /response time/,
    );
    await page.screenshot({ path: `${ARTIFACTS}charts.png`, fullPage: true });
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('switches the range between 15 min, 1 h and 24 h', async () => {
    const page = await open(`${service.url}/`);
    const points = () => page.getAttribute('#chart-cpu', 'data-points').then(Number);
    await expect.poll(points).toBeGreaterThan(0);
    const pressed = () => page.locator('#range button[aria-pressed="true"]').textContent();
    expect(await pressed()).toBe('15 min');
    await page.click('#range button:text-is("1 h")');
    expect(await pressed()).toBe('1 h');
    await expect.poll(() => page.evaluate(() => (window as any).statuskitDashboard.history.range)).toBe('1h');
    await expect.poll(points).toBeGreaterThan(0);
    await page.click('#range button:text-is("24 h")');
    await expect.poll(points).toBeGreaterThan(0);
    // The choice survives a reload (kept for this tab).
    await page.reload();
    expect(await pressed()).toBe('24 h');
    await expect.poll(points).toBeGreaterThan(0);
    await page.click('#range button:text-is("15 min")');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('shows the data as stale when the feed is gone, and comes back with Retry', async () => {
    const page = await open(`${service.url}/`);
    await expect.poll(() => page.textContent('#connection')).toBe('Live · WebSocket');
    await service.stopFeed();
    try {
      await expect
        .poll(() => page.getAttribute('#connection', 'data-state'), { timeout: 10_000 })
        .toBe('offline');
      expect(await page.textContent('#connection')).toMatch(/^Offline · last update \d+ (ms|s) ago/);
      expect(await page.getAttribute('body', 'data-stale')).toBe('true');
      expect(await page.locator('#retry').isVisible()).toBe(true);
      // What the page had stays on screen, dimmed: the charts still hold their points.
      expect(Number(await page.getAttribute('#chart-cpu', 'data-points'))).toBeGreaterThan(0);
      await page.screenshot({ path: `${ARTIFACTS}stale.png`, fullPage: true });
      // Wait until the page's own next attempt is a while away (its backoff grows), so the
      // reconnection below is the button's doing.
      await expect
        .poll(() => page.evaluate(() => (window as any).statuskitDashboard.feed.retryAt - Date.now()), {
          timeout: 15_000,
        })
        .toBeGreaterThan(3000);
    } finally {
      service.restartFeed();
    }
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.click('#retry');
    expect(await page.evaluate(() => (window as any).statuskitDashboard.feed.retryAt)).toBeUndefined();
    await expect.poll(() => page.textContent('#connection'), { timeout: 10_000 }).toBe('Live · WebSocket');
    expect(sockets).toHaveLength(1);
    expect(await page.getAttribute('body', 'data-stale')).toBe('false');
    expect(await page.locator('#retry').isVisible()).toBe(false);
    await page.close();
  });

  it('fits a phone: no horizontal scroll, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await open(`${service.url}/`, {
        viewport: { width: 375, height: 740 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        colorScheme,
      });
      await expect.poll(() => page.getAttribute('#chart-cpu', 'data-points').then(Number)).toBeGreaterThan(1);
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      // Text on the status colour keeps >= 4.5:1 in this theme.
      const [fg, bg] = await page.locator('#overall').evaluate((el) => {
        const style = getComputedStyle(el);
        return [style.color, style.backgroundColor];
      });
      expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
      await page.screenshot({ path: `${ARTIFACTS}phone-${colorScheme}.png`, fullPage: true });
      await page.close();
    }
  });
});

describe('dashboard access', () => {
  it('asks for an API key when the feed needs one, keeps it in sessionStorage, and shows what the tier may see', async () => {
    const access = createAccess({
      authenticators: [
        apiKeyAuth({
          keys: [
            { key: 'reader-key-123', name: 'ops', tier: 'reader' },
            { key: 'admin-key-456', name: 'root', tier: 'admin' },
          ],
        }),
      ],
    });
    const service = await startService({ status: { access } });
    service.setDatabase('critical');
    try {
      const page = await open(`${service.url}/`);
      const dialog = page.locator('#auth');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      // Nothing of the tree was shown to the anonymous viewer.
      expect(await page.locator('#tree .node').count()).toBe(0);
      await page.screenshot({ path: `${ARTIFACTS}auth-prompt.png` });
      await page.fill('#credential', 'wrong-key');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#auth-error').isVisible()).toBe(true);
      await page.fill('#credential', 'reader-key-123');
      await page.keyboard.press('Enter');
      await expect.poll(() => dialog.isVisible()).toBe(false);
      await expect.poll(() => page.locator('#tree .name').allTextContents()).toContain('database');
      expect(await page.evaluate(() => sessionStorage.getItem('statuskit.credential'))).toBe(
        'reader-key-123',
      );
      expect(await page.evaluate(() => localStorage.length)).toBe(0);
      // A reader sees the failure but not its error message.
      await expect.poll(() => page.locator('#tree .badge[data-level="critical"]').count()).toBeGreaterThan(0);
      expect(await page.locator('#tree .message:visible').count()).toBe(0);
      expect(await page.content()).not.toContain('ECONNREFUSED');
      // After a reload the stored key signs in without asking.
      await page.reload();
      await expect.poll(() => page.locator('#tree .name').allTextContents()).toContain('database');
      expect(await dialog.isVisible()).toBe(false);
      // An admin sees the message.
      await page.click('#sign-out');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      await page.fill('#credential', 'admin-key-456');
      await page.click('#auth-submit');
      await expect
        .poll(() => page.locator('#tree .message:visible').allTextContents())
        .toEqual([expect.stringContaining('ECONNREFUSED')]);
      await page.screenshot({ path: `${ARTIFACTS}admin.png`, fullPage: true });
      await page.close();
    } finally {
      await service.stop();
    }
  });

  it('uses the browser’s own Basic prompt and then the SSE stream, which the browser authenticates', async () => {
    const access = createAccess({
      authenticators: [
        basicAuth({ users: [{ username: 'ops', password: 'correct horse', tier: 'reader' }] }),
      ],
    });
    const service = await startService({
      status: { access },
      dashboard: { access: access.forEndpoint({ anonymous: 'refuse' }) },
    });
    try {
      // Without credentials the page itself is challenged: the browser would show its prompt.
      // (Headless Chromium has no dialog to show, so the challenge is checked over plain HTTP.)
      const refused = await fetch(`${service.url}/`);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Basic /);
      // Answering the prompt (Playwright fills the browser's credential dialog).
      const page = await open(`${service.url}/`, {
        httpCredentials: { username: 'ops', password: 'correct horse' },
      });
      await expect.poll(() => page.textContent('#connection')).toBe('Live · SSE');
      await expect.poll(() => page.locator('#tree .name').allTextContents()).toContain('database');
      expect(await page.locator('#auth').isVisible()).toBe(false);
      await expect.poll(() => page.getAttribute('#chart-cpu', 'data-points').then(Number)).toBeGreaterThan(0);
      await page.close();
    } finally {
      await service.stop();
    }
  });

  it('falls back to SSE when the WebSocket cannot connect', async () => {
    const service = await startService({ dashboard: { feedPath: '/no/such/socket' } });
    try {
      const page = await open(`${service.url}/`);
      await expect.poll(() => page.textContent('#connection'), { timeout: 12_000 }).toBe('Live · SSE');
      await expect.poll(() => page.textContent('#overall-word')).toBe('degraded');
      // The stream's replay draws the past at once; the range switch asks for another replay.
      await expect
        .poll(() => page.getAttribute('#chart-cpu', 'data-initial-points').then(Number))
        .toBeGreaterThan(0);
      await page.click('#range button:text-is("1 h")');
      await expect.poll(() => page.textContent('#connection')).toBe('Live · SSE');
      await expect.poll(() => page.getAttribute('#chart-cpu', 'data-points').then(Number)).toBeGreaterThan(0);
      await page.close();
    } finally {
      await service.stop();
    }
  });
});
