/**
 * `/metrics` under a flood: with `cache`, a rendering is served until it is `cache` old, per format,
 * through real HTTP; and the registry's sets register all their parts or none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createStatus,
  MetricsRegistry,
  metricsEndpoint,
  OPENMETRICS_TYPE,
  PROMETHEUS_TEXT_TYPE,
  RequestMetrics,
} from '../../src/index.js';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serveMetrics(registry: MetricsRegistry, cache?: string) {
  const status = createStatus({ metrics: metricsEndpoint(registry, { cache, processMetrics: false }) });
  const server = await status.listen({ port: 0, host: '127.0.0.1' });
  close = () => status.close();
  return async (accept?: string) => {
    const response = await fetch(`${server.url}/metrics`, { headers: accept ? { accept } : {} });
    return { type: response.headers.get('content-type'), body: await response.text() };
  };
}

describe('metricsEndpoint cache', () => {
  it('serves one rendering per format while it is younger than `cache`', async () => {
    const registry = new MetricsRegistry();
    const jobs = registry.counter('jobs');
    const scrape = await serveMetrics(registry, '1h');
    const text = await scrape();
    const openMetrics = await scrape(OPENMETRICS);
    expect(text.type).toBe(PROMETHEUS_TEXT_TYPE);
    expect(openMetrics.type).toBe(OPENMETRICS_TYPE);
    expect(text.body).toMatch(/^jobs_total 0$/m);
    expect(openMetrics.body).toMatch(/# EOF\n$/);
    jobs.inc(5);
    // A flood of scrapes gets the bytes already rendered, whatever the registry says meanwhile.
    for (let i = 0; i < 50; i++) {
      expect(await scrape()).toEqual(text);
      expect(await scrape(OPENMETRICS)).toEqual(openMetrics);
    }
  });

  it('renders again once the rendering is `cache` old', async () => {
    const registry = new MetricsRegistry();
    const jobs = registry.counter('jobs');
    const scrape = await serveMetrics(registry, '100ms');
    const first = await scrape();
    expect(first.body).toMatch(/^jobs_total 0$/m);
    jobs.inc(5);
    let next = first;
    while (next.body === first.body) next = await scrape(); // poll: the next rendering comes by itself
    expect(next.body).toMatch(/^jobs_total 5$/m);
  });

  it('renders every scrape without `cache` (the library default)', async () => {
    const registry = new MetricsRegistry();
    const jobs = registry.counter('jobs');
    const scrape = await serveMetrics(registry);
    expect((await scrape()).body).toMatch(/^jobs_total 0$/m);
    jobs.inc();
    expect((await scrape()).body).toMatch(/^jobs_total 1$/m);
  });

  it('refuses a cache that is not a duration', () => {
    expect(() => metricsEndpoint(new MetricsRegistry(), { cache: 'soon' })).toThrow(/metrics cache/);
  });
});

describe('MetricSet', () => {
  it('registerAll adds every part of a set under its name', () => {
    const registry = new MetricsRegistry();
    const requests = registry.registerAll('api', new RequestMetrics());
    requests.record(200, 5, '/a');
    expect([...registry.entries()].map((e) => e.name)).toEqual([
      'api.successes',
      'api.errors',
      'api.ignored',
      'api.errorsByKey',
      'api.requestsByKey',
      'api.duration',
      'api.fiveMinuteErrorsRatio',
    ]);
    expect(registry.get('api.successes')).toBe(requests.successes);
    expect(registry.get('api.requestsByKey')).toBe(requests.requestsByKey);
  });

  it('registers nothing when one part clashes', () => {
    const registry = new MetricsRegistry();
    registry.counter('api.duration');
    expect(() => registry.registerAll('api', new RequestMetrics())).toThrow(/api\.duration/);
    expect([...registry.entries()].map((e) => e.name)).toEqual(['api.duration']);
    // Clashing Prometheus names count too: `api_errors` is what `api.errors` becomes.
    const other = new MetricsRegistry();
    other.gauge('api_errors');
    expect(() => other.registerAll('api', new RequestMetrics())).toThrow(/Prometheus name api_errors/);
    expect(other.size).toBe(1);
  });
});
