/**
 * A real Prometheus (Debian's `prometheus`) scraping three statuskit instances that serve traffic
 * at known rates, with the recording rules of docs/metrics.md, queried through its HTTP API.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatus, type Level, type RunningServer, type StatusKit } from '../../src/index.js';
import { instrumentListener, MetricsRegistry, metricsEndpoint } from '../../src/metrics/index.js';
import { freePort } from '../limits/redis-env.js';
import { until } from '../support/wait.js';

const installed = spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;
if (!installed && process.env.CI === 'true') throw new Error('prometheus is required when CI=true');
if (!installed)
  console.warn('[metrics] prometheus is not installed (scripts/install-system-deps.sh): skipped');

/** Requests per second sent to each instance; every 4th request to the third one fails. */
const RATES = [20, 40, 60];
const FLEET_RATE = RATES.reduce((a, b) => a + b, 0);
const ERROR_RATIO = RATES[2] / 4 / FLEET_RATE;

interface Instance {
  status: StatusKit;
  server: RunningServer;
  database: { level: Level };
}

let prometheus: ChildProcess | undefined;
let api = '';
let dir = '';
const instances: Instance[] = [];
let traffic: Promise<void> | undefined;
let stopTraffic = false;

/** The recording rules exactly as docs/metrics.md gives them, windows shortened to this test's 1 s scrapes. */
function documentedRules(): string {
  const doc = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
  const block = /<!-- statuskit-rules\.yml[\s\S]*?-->\n```yaml\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/metrics.md: the statuskit-rules.yml block is missing');
  return block[1].replaceAll('[1m]', '[5s]');
}

async function startInstance(): Promise<Instance> {
  const registry = new MetricsRegistry();
  const http = registry.requests('http');
  const status = createStatus({ metrics: metricsEndpoint(registry) });
  const database = { level: 'ok' as Level };
  status.check('database', () => database.level);
  const app = instrumentListener(http, (req, res) => {
    res.writeHead(req.url === '/fail' ? 500 : 200).end();
  });
  const server = await status.listen({ fallback: app });
  return { status, server, database };
}

/** Keeps each instance at its rate: every tick sends what the elapsed time owes it. */
async function sendTraffic(): Promise<void> {
  const started = performance.now();
  const sent = RATES.map(() => 0);
  while (!stopTraffic) {
    const elapsed = (performance.now() - started) / 1000;
    const requests: Promise<unknown>[] = [];
    RATES.forEach((rate, i) => {
      for (; sent[i] < Math.floor(rate * elapsed); sent[i]++) {
        const path = i === 2 && sent[i] % 4 === 3 ? '/fail' : '/work';
        requests.push(fetch(`${instances[i].server.url}${path}`).then((r) => r.arrayBuffer()));
      }
    });
    await Promise.all(requests);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query; `time` (seconds) pins the evaluation instant, so several queries read one rule round. */
async function query(expression: string, time?: number): Promise<Sample[]> {
  const at = time === undefined ? '' : `&time=${time}`;
  const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expression)}${at}`);
  const body = (await response.json()) as { status: string; data: { result: Sample[] }; error?: string };
  if (body.status !== 'success') throw new Error(`${expression}: ${body.error}`);
  return body.data.result;
}

const latest = async (expression: string, time?: number) =>
  Number((await query(expression, time))[0]?.value[1] ?? Number.NaN);
const near = (value: number, expected: number, share: number) =>
  Math.abs(value - expected) <= expected * share;

describe.skipIf(!installed)('a real Prometheus scraping three statuskit instances', () => {
  beforeAll(async () => {
    for (let i = 0; i < RATES.length; i++) instances.push(await startInstance());
    instances[2].database.level = 'critical';
    dir = mkdtempSync(join(tmpdir(), 'statuskit-prometheus-'));
    writeFileSync(join(dir, 'statuskit-rules.yml'), documentedRules());
    const targets = instances.map((instance) => `'127.0.0.1:${instance.server.port}'`).join(', ');
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: [statuskit-rules.yml]
scrape_configs:
  - job_name: shop
    metrics_path: /metrics
    static_configs: [{ targets: [${targets}] }]
`,
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    prometheus.stderr!.on('data', (chunk) => (stderr += chunk));
    await until(
      () =>
        fetch(`${api}/-/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      `prometheus to be ready (stderr: ${stderr.slice(-500)})`,
      20_000,
    );
    traffic = sendTraffic();
  }, 40_000);

  afterAll(async () => {
    stopTraffic = true;
    await traffic;
    prometheus?.kill('SIGKILL');
    for (const { server } of instances) await server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes one series per instance, and the recording rules give the fleet request rate', async () => {
    await until(async () => (await query('up == 1')).length === 3, 'three targets up', 15_000);
    const successes = await query('http_successes_total');
    expect(successes.map((s) => s.metric.instance).sort()).toEqual(
      instances.map((i) => `127.0.0.1:${i.server.port}`).sort(),
    );
    // Rates settle once the 5 s windows hold only steady traffic: wait for that state, bounded.
    let rates: number[] = [];
    await until(
      async () => {
        // Both rules read at one instant two rounds back: the same group evaluation wrote both
        // (queried at "now", a round may land between the two queries).
        const at = Date.now() / 1000 - 2;
        const perInstance = await query('instance:http_requests:rate1m', at);
        const byTarget = new Map(
          perInstance.map((sample) => [sample.metric.instance, Number(sample.value[1])]),
        );
        rates = [
          await latest('job:http_requests:rate1m{job="shop"}', at),
          ...instances.map((i) => byTarget.get(`127.0.0.1:${i.server.port}`) ?? Number.NaN),
        ];
        return near(rates[0], FLEET_RATE, 0.15) && RATES.every((rate, i) => near(rates[i + 1], rate, 0.25));
      },
      () =>
        `the fleet rate ${FLEET_RATE}/s and the instances' ${RATES.join(', ')}/s (last: ${rates.join(', ')})`,
      20_000,
    );
    // The fleet's rule is the sum of the instances' rule.
    expect(rates[0]).toBeCloseTo(rates[1] + rates[2] + rates[3], 6);
    const ratio = await latest('job:http_errors:ratio1m');
    expect(Math.abs(ratio - ERROR_RATIO), `error ratio ${ratio}`).toBeLessThan(0.04);
  });

  it("has each instance's check levels, and counts the instances a check fails on", async () => {
    const levels = await query('statuskit_check_status{check="database"}');
    const byPort = Object.fromEntries(levels.map((s) => [s.metric.instance, Number(s.value[1])]));
    expect(byPort).toEqual(
      Object.fromEntries(instances.map((i, n) => [`127.0.0.1:${i.server.port}`, n === 2 ? 4 : 0])),
    );
    await until(
      async () => (await latest('job:statuskit_check_failing:count{check="database"}')) === 1,
      'the failing count rule',
    );
    expect(await latest('job:statuskit_check_instances:count{check="database"}')).toBe(3);
  });
});
