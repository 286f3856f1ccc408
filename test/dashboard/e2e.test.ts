import { mkdirSync } from 'node:fs';
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

  it('turns a component red within 2 s of it going critical on the server, without a reload', async () => {
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
    // The transitions seen since the page opened.
    const transitions = await page.locator('#transitions li').allTextContents();
    expect(
      transitions.some(
        (t) => t.includes('database') && t.includes('operational →') && t.includes('unavailable'),
      ),
    ).toBe(true);
    expect(transitions.some((t) => t.includes('Overall') && t.includes('critical'))).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}critical.png`, fullPage: true });
    service.setDatabase('ok');
    await page.close();
  });

  it('feeds the live charts and the disk bars', async () => {
    const page = await open(`${service.url}/`);
    const points = (id: string) => page.getAttribute(`#chart-${id}`, 'data-points').then(Number);
    // This machine's kernel has PSI, so the pressure chart fills as well.
    for (const id of ['cpu', 'memory', 'network', 'event-loop', 'pressure', 'requests', 'errors']) {
      await expect.poll(() => points(id), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    }
    // uPlot drew on a canvas and the text alternative carries the latest values.
    expect(await page.locator('#chart-cpu canvas').count()).toBeGreaterThan(0);
    expect(await page.textContent('#chart-cpu .latest')).toMatch(/total \d/);
    expect(await page.textContent('#chart-memory .latest')).toMatch(/memory \d.* of /);
    expect(await page.textContent('#chart-pressure .latest')).toMatch(/^cpu \d.* · memory \d.* · I\/O \d/);
    expect(await page.locator('#disks [role="meter"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}charts.png`, fullPage: true });
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
      await page.close();
    } finally {
      await service.stop();
    }
  });
});
