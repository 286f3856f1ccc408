import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatus, type Level, type RunningServer } from '../../src/index.js';
import { launchChromium } from '../dashboard/harness.js';
import { assertBuilt, startWatch } from './spawn-watch.js';

/**
 * `watch --serve` carries the dashboard and the live feed: a real Chromium opens the watcher's page
 * and sees each target as a component, turning red when the target goes down.
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
  it('shows the watched targets live, and no empty chart panel', async () => {
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
      // A watcher has no vitals or request meters: the "Live" panel stays out of the way.
      await expect.poll(() => page.locator('#live-panel').isHidden()).toBe(true);
      // The target goes down: the page follows without a reload.
      level = 'critical';
      await expect.poll(() => levelOf('api'), { timeout: 5000 }).toBe('critical');
    } finally {
      level = 'ok';
      await browser.close();
      await watch.stop('SIGTERM');
    }
  });
});
