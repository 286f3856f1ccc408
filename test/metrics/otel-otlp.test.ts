/**
 * The bridge through the real OTLP/HTTP exporter to a receiver started here: what leaves the
 * process is decoded from the wire (OTLP JSON, as the HTTP exporter sends it), not read back from
 * the SDK.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAgent, formatProblem, parseConfig } from '../../src/config/index.js';
import { createStatus } from '../../src/index.js';
import { createOtelBridge, MetricsRegistry } from '../../src/metrics/index.js';

interface OtlpValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
}
interface OtlpPoint {
  attributes?: Array<{ key: string; value: OtlpValue }>;
  asInt?: string | number;
  asDouble?: number;
  count?: string | number;
  sum?: number;
}
interface OtlpMetric {
  name: string;
  unit?: string;
  sum?: { dataPoints: OtlpPoint[]; isMonotonic?: boolean };
  gauge?: { dataPoints: OtlpPoint[] };
  histogram?: { dataPoints: OtlpPoint[] };
}
interface OtlpRequest {
  resourceMetrics: Array<{
    resource: { attributes: Array<{ key: string; value: OtlpValue }> };
    scopeMetrics: Array<{ scope: { name: string }; metrics: OtlpMetric[] }>;
  }>;
}

const received: Array<{ path: string; type: string; body: OtlpRequest }> = [];
const waiting: Array<() => void> = [];

/** An OTLP/HTTP receiver: JSON bodies (gzip or not); protobuf would be refused with 415. */
const receiver = createServer(async (req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let raw = Buffer.concat(chunks);
  if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    res.writeHead(415).end();
    return;
  }
  received.push({ path: req.url ?? '', type, body: JSON.parse(raw.toString('utf8')) });
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  for (const wake of waiting.splice(0)) wake();
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const { port } = receiver.address() as AddressInfo;
afterAll(() => new Promise((resolve) => receiver.close(resolve)));

const numberOf = (point: OtlpPoint) => (point.asDouble !== undefined ? point.asDouble : Number(point.asInt));
const attribute = (point: OtlpPoint, key: string) => {
  const value = point.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? value?.boolValue;
};

describe('the OpenTelemetry bridge over OTLP/HTTP to a real receiver', () => {
  it('delivers meters, timers, check levels and runtime metrics with the resource', async () => {
    const registry = new MetricsRegistry();
    const requests = registry.requests('http');
    const status = createStatus();
    status.check('database', () => 'critical');
    const exporter = new OTLPMetricExporter({ url: `http://127.0.0.1:${port}/v1/metrics` });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'shop', 'service.instance.id': 'web-1' }),
      readers: [reader],
    });
    const bridge = await createOtelBridge(registry, { meterProvider: provider, status });
    for (let i = 0; i < 3; i++) requests.record(200, 40);
    const delivered = new Promise<void>((resolve) => waiting.push(resolve));
    await reader.forceFlush();
    await delivered;
    bridge.close();
    await provider.shutdown();

    const [request] = received;
    expect(request.path).toBe('/v1/metrics');
    expect(request.type).toMatch(/^application\/json/);
    const [resource] = request.body.resourceMetrics;
    expect(resource.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'shop' },
    });
    const scope = resource.scopeMetrics.find((s) => s.scope.name === 'statuskit')!;
    const metric = (name: string) => scope.metrics.find((m) => m.name === name)!;

    const successes = metric('http.successes');
    expect(successes.sum?.isMonotonic).toBe(true);
    expect(numberOf(successes.sum!.dataPoints[0])).toBe(3);
    const duration = metric('http.duration');
    expect(duration.unit).toBe('s');
    expect(Number(duration.histogram!.dataPoints[0].count)).toBe(3);
    expect(duration.histogram!.dataPoints[0].sum).toBeCloseTo(0.12, 10);
    const check = metric('statuskit.check.status').gauge!.dataPoints[0];
    expect([attribute(check, 'check'), numberOf(check)]).toEqual(['database', 4]);
    expect(metric('v8js.memory.heap.used').unit).toBe('By');
    expect(metric('nodejs.eventloop.utilization')).toBeDefined();
  });

  it('is what the agent sends for its `otel:` section, with the service as the resource', async () => {
    received.length = 0;
    const result = parseConfig(
      `
identity: { name: shop, version: 3.1.0 }
vitals: false
dashboard: false
components:
  queue: { check: tcp, host: 127.0.0.1, port: ${port} }
otel:
  endpoint: http://127.0.0.1:${port}/v1/metrics
  interval: 200ms
  resource: { deployment.environment.name: test }
`,
      {},
    );
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const agent = await buildAgent(result.config);
    try {
      await new Promise<void>((resolve) => waiting.push(resolve));
    } finally {
      await agent.close();
    }
    const [resource] = received[0].body.resourceMetrics;
    const attributes = Object.fromEntries(
      resource.resource.attributes.map((a) => [a.key, a.value.stringValue]),
    );
    expect(attributes).toMatchObject({
      'service.name': 'shop',
      'service.version': '3.1.0',
      'deployment.environment.name': 'test',
    });
    expect(attributes['service.instance.id']).toMatch(/-\d+$/);
    const names = resource.scopeMetrics.flatMap((scope) => scope.metrics.map((m) => m.name));
    expect(names).toEqual(
      expect.arrayContaining(['statuskit.check.status', 'statuskit.status', 'v8js.memory.heap.used']),
    );
  });
});
