import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFile, type RunningAgent, serve } from '../cli/spawn.js';
import { Client } from '../live/helpers.js';
import { launchChromium } from './harness.js';

// The dashboard of a real `statuskit serve` process, in real Chromium: the page opens on the
// history the agent recorded before anyone looked, and its figures are the document's own.
const ARTIFACTS = new URL('../../artifacts/dashboard/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

/** Samples recorded before the page opens; the page must show them all at once. */
const SAMPLES = 15;
const CHARTS = ['cpu', 'memory', 'network', 'event-loop', 'pressure'];

let agent: RunningAgent;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(new URL('../../dist/cli/serve.js', import.meta.url)))
    throw new Error('dist/ is missing: run "npm run build" first');
  // The vitals sampler ticks every 5 s, so the document stays the same for a while; the history
  // samples every 200 ms.
  const file = configFile('vitals:\n  interval: 5s\nlive:\n  history:\n    interval: 200ms\n');
  agent = await serve(['--config', file]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await agent?.stop();
});

async function open(
  viewport: { width: number; height: number },
  mobile: boolean,
): Promise<Page & { errors: string[] }> {
  const page = (await browser.newPage({
    viewport,
    ...(mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  })) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(message.text());
  });
  await page.goto(`${agent.base}/`);
  return page;
}

describe('the agent’s dashboard opens full', () => {
  it('draws the samples recorded before it opened at once, charts and status above the fold', async () => {
    // Wait for the agent to have recorded SAMPLES samples (each one is a push of the history topic).
    const client = await Client.open(`${agent.base.replace('http', 'ws')}/api/health/ws`);
    client.send('subscribe history');
    expect((await client.nextPush('history')).data.kind).toBe('window');
    for (let i = 0; i < SAMPLES; i++) await client.nextPush('history');
    client.close();

    for (const [viewport, mobile, name] of [
      [{ width: 1280, height: 900 }, false, 'agent-desktop'],
      [{ width: 390, height: 844 }, true, 'agent-phone'],
    ] as const) {
      const page = await open(viewport, mobile);
      // The first answer already holds the past: no waiting for points to accumulate.
      for (const id of CHARTS) {
        await expect
          .poll(() => page.getAttribute(`#chart-${id}`, 'data-initial-points').then(Number))
          .toBeGreaterThanOrEqual(SAMPLES);
      }
      // Every chart shown, and the overall status, end above the fold (nothing scrolled).
      const bottoms = await page.evaluate(() => ({
        overall: document.getElementById('overall')!.getBoundingClientRect().bottom,
        charts: Array.from(document.querySelectorAll<HTMLElement>('#charts figure'))
          .filter((figure) => !figure.hidden)
          .map((figure) => [figure.id, figure.getBoundingClientRect().bottom] as const),
      }));
      expect(bottoms.charts.map(([id]) => id)).toEqual(CHARTS.map((id) => `chart-${id}`));
      expect(bottoms.overall).toBeLessThanOrEqual(viewport.height);
      for (const [id, bottom] of bottoms.charts) expect([id, bottom <= viewport.height]).toEqual([id, true]);
      // Named after the host: the agent has no service name in its identity.
      expect(await page.textContent('#title')).toBe(hostname());
      expect(await page.title()).toContain(hostname());
      await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
      expect(page.errors).toEqual([]);
      await page.close();
    }
  });

  it('shows the document’s own figures: memory and disks by their usedPercent, CPU by its total', async () => {
    let doc = await (await fetch(`${agent.base}/status`)).json();
    const refresh = async () => {
      doc = await (await fetch(`${agent.base}/status`)).json();
      return doc;
    };
    // Disk figures come with the first statfs; then wait for a fresh vitals tick, so the document
    // stays as it is for the seconds the page needs to show it.
    const disksKnown = (d: { host: { disks: { usedPercent: unknown }[] } }) =>
      d.host.disks.every((disk) => disk.usedPercent !== null);
    await expect.poll(async () => disksKnown(await refresh()), { timeout: 15_000 }).toBe(true);
    const tick = doc.host.cpus.time;
    await expect.poll(async () => (await refresh()).host.cpus.time, { timeout: 10_000 }).not.toBe(tick);
    const { memory, disks, cpus } = doc.host;
    const page = await open({ width: 1280, height: 900 }, false);
    const shown = () =>
      page.evaluate(() => ({
        memoryFact: document.getElementById('fact-memory')?.dataset.value,
        memoryChart: document.querySelector('#chart-memory .latest')?.textContent?.split(' · ')[0],
        cpuChart: document.querySelector('#chart-cpu .latest')?.textContent?.split(' · ')[0],
        disks: Array.from(document.querySelectorAll('#disks [role="meter"]')).map((bar) => [
          bar.getAttribute('aria-label'),
          bar.getAttribute('aria-valuenow'),
        ]),
      }));
    // The page never shows another definition (a disk "69 % used" from total − free): if it did,
    // this would never hold.
    await expect.poll(shown, { timeout: 4000 }).toEqual({
      memoryFact: String(memory.usedPercent),
      memoryChart: `memory ${memory.usedPercent} %`,
      cpuChart: `total ${cpus.total.usage} %`,
      disks: disks.map((disk: { mount: string; usedPercent: number }) => [
        `${disk.mount} used`,
        String(disk.usedPercent),
      ]),
    });
    const seen = doc.host.cpus.time;
    expect((await refresh()).host.cpus.time).toBe(seen);
    // The disk check in the same document agrees: its free share is the rest of usedPercent.
    const checked = doc.checks.disk.disks.find((disk: { mount: string }) => disk.mount === disks[0].mount);
    expect(checked.freePercent + disks[0].usedPercent).toBeCloseTo(100, 1);
    expect(page.errors).toEqual([]);
    await page.close();
  });
});
