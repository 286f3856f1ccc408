import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatus, type Level, type RunningServer } from '../../src/index.js';
import { launchChromium } from '../dashboard/harness.js';
import { assertBuilt, startWatch } from './spawn-watch.js';

/**
 * `watch --serve` carries the dashboard and the live feed: a real Chromium opens the watcher's page
 * and sees each target as a component with its level over time, the targets' response times, and
 * the target turning red (and listed in the timeline) when it goes down.
 */
let level: Level = 'ok';
let target: RunningServer;

beforeAll(async () => {
  assertBuilt();
  const status = createStatus({ vocabulary: 'upDown' });
  status.check('db', () => level);
  target = await status.listen({ port: 0 });
});

afterAll(async () => {
  (await target?.server) && (await createStatusClose());
});

async function createStatusClose(): Promise<void> {
  await target.close();
}

describe('watch --serve dashboard', () => {
  it('shows the watched targets live: a level bar each, response times, and what changed', async () => {
    const watch = startWatch([
      `api=${target.url}/status`,
      'gone=http://127.0.0.1:1/status',
      '--interval',
      '200ms',
      '--serve',
      '0',
    ]);
    const browser = await launchChromium();
    try {
      const statusUrl = await watch.firstLine();
      const page = await browser.newPage();
      await page.goto(statusUrl.replace(/\/status$/, '/'));
      await expect
        .poll(() => page.locator('#tree .name').allTextContents())
        .toEqual(expect.arrayContaining(['api', 'gone']));
      // The node whose own summary names the target (not the `targets` group around it).
      const levelOf = (name: string) =>
        page
          .locator('#tree .node', {
            has: page.locator('> details > summary .name', { hasText: new RegExp(`^${name}$`) }),
          })
          .getAttribute('data-level');
      await expect.poll(() => levelOf('api')).toBe('ok');
      expect(await levelOf('gone')).toBe('critical');
      // Each target's level over time, as a bar in its chip.
      const bar = (name: string) =>
        page
          .locator('#tree .node', {
            has: page.locator('> details > summary .name', { hasText: new RegExp(`^${name}$`) }),
          })
          .locator('> details > summary .level-bar rect');
      await expect.poll(() => bar('api').last().getAttribute('class')).toBe('level-ok');
      await expect.poll(() => bar('gone').last().getAttribute('class')).toBe('level-critical');
      // The one chart of a watcher: its targets' response times (no vitals, no request meters).
      await expect
        .poll(() => page.getAttribute('#chart-checks', 'data-points').then(Number))
        .toBeGreaterThan(0);
      expect(await page.textContent('#chart-checks figcaption')).toBe('Response time');
      expect(await page.textContent('#chart-checks .latest')).toMatch(/targets\.api \d+(\.\d+)? ms/);
      expect(await page.locator('#charts figure:visible').count()).toBe(1);
      // The target goes down: the page follows without a reload, and the timeline says so.
      level = 'critical';
      await expect.poll(() => levelOf('api'), { timeout: 5000 }).toBe('critical');
      await expect
        .poll(() => page.locator('#transitions li', { hasText: 'targets.api' }).count(), { timeout: 5000 })
        .toBeGreaterThan(0);
      await expect.poll(() => bar('api').last().getAttribute('class')).toBe('level-critical');
    } finally {
      level = 'ok';
      await browser.close();
      await watch.stop('SIGTERM');
    }
  });
});
