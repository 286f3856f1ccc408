/**
 * What page.ts measures on each source alike: the page + JSON built from the source's rollups
 * against the same built another way (raw samples), interleaved; then per HTTP request, cached and
 * rebuilt; printed as tables with their verdicts.
 */
import { createStatus } from '../../src/status.js';
import { renderPage } from '../../src/statuspage/html.js';
import { resolveWindows } from '../../src/statuspage/maintenance.js';
import { buildPageData, type ModelInputs } from '../../src/statuspage/model.js';
import { resolvePageOptions } from '../../src/statuspage/options.js';
import { StatusPage } from '../../src/statuspage/page.js';
import { statusPageRoute } from '../../src/statuspage/routes.js';
import type { StatusPageSource } from '../../src/statuspage/source.js';
import { median, printTable, verdict } from '../lib.js';

export interface PageBench {
  /** Printed before each table and verdict ("" for the first source). */
  label: string;
  source: StatusPageSource;
  names: readonly string[];
  now: number;
  rounds: number;
  /** How the raw baseline reads its days (and response times). */
  raw: Pick<ModelInputs, 'daily' | 'responseTimes'>;
}

export async function timeAsync(action: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const options = resolvePageOptions({});

async function compareBuilds(bench: PageBench) {
  const windows = resolveWindows([], bench.now);
  const build = (raw: boolean) => async () => {
    const data = await buildPageData({
      source: bench.source,
      options,
      targets: bench.names,
      windows,
      now: bench.now,
      ...(raw ? bench.raw : {}),
    });
    JSON.stringify(data);
    renderPage(data, { path: options.path, days: 90, refreshMs: options.refreshMs });
  };
  // Interleaved rounds: the machine's noise falls on both alike.
  const rollupTimes: number[] = [];
  const rawTimes: number[] = [];
  await build(false)();
  await build(true)();
  for (let round = 0; round < bench.rounds; round++) {
    rollupTimes.push(await timeAsync(build(false)));
    rawTimes.push(await timeAsync(build(true)));
  }
  return { rollup: median(rollupTimes), raw: median(rawTimes) };
}

/** Per request over HTTP: the cached page, and the page rebuilt from the rollups at each request. */
async function timeRequests(bench: PageBench) {
  const page = new StatusPage({ source: bench.source, options, targets: () => bench.names });
  const status = createStatus({});
  status.addRoute(statusPageRoute(page, bench.source));
  const server = await status.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${server.port}${options.path}`;
  const get = (path: string) => async () => {
    const response = await fetch(`${url}${path}`);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
  };
  try {
    await get('')();
    const cachedHtml: number[] = [];
    const cachedJson: number[] = [];
    const rebuiltHtml: number[] = [];
    for (let round = 0; round < 30; round++) {
      cachedHtml.push(await timeAsync(get('')));
      cachedJson.push(await timeAsync(get('/api/status.json')));
    }
    for (let round = 0; round < bench.rounds; round++) {
      page.invalidate();
      rebuiltHtml.push(await timeAsync(get('')));
    }
    return {
      cachedHtml: median(cachedHtml),
      cachedJson: median(cachedJson),
      rebuiltHtml: median(rebuiltHtml),
      htmlBytes: (await (await fetch(url)).arrayBuffer()).byteLength,
      jsonBytes: (await (await fetch(`${url}/api/status.json`)).arrayBuffer()).byteLength,
    };
  } finally {
    await status.close();
  }
}

export async function benchPage(bench: PageBench): Promise<void> {
  const { rollup, raw } = await compareBuilds(bench);
  const requests = await timeRequests(bench);
  const { label } = bench;
  printTable(`${label}page + JSON, ${bench.names.length} targets x 90 days (median of ${bench.rounds})`, [
    ['built from', 'ms per build', 'ratio'],
    ['raw samples', raw.toFixed(1), '1.00x'],
    ['daily rollups', rollup.toFixed(1), `${(raw / rollup).toFixed(1)}x faster`],
  ]);
  printTable(`${label}per HTTP request (median)`, [
    ['request', 'ms', 'bytes'],
    ['GET page, cached', requests.cachedHtml.toFixed(2), String(requests.htmlBytes)],
    ['GET api/status.json, cached', requests.cachedJson.toFixed(2), String(requests.jsonBytes)],
    ['GET page, rebuilt from rollups', requests.rebuiltHtml.toFixed(1), String(requests.htmlBytes)],
  ]);
  verdict(`${label}rollups against raw samples`, `${(raw / rollup).toFixed(1)}x`, '>= 5x', raw / rollup >= 5);
  verdict(
    `${label}cached page per request`,
    `${requests.cachedHtml.toFixed(2)} ms`,
    `<= 1/5 of a rebuild (${requests.rebuiltHtml.toFixed(0)} ms)`,
    requests.cachedHtml * 5 <= requests.rebuiltHtml,
  );
}
