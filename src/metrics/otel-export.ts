/**
 * OTLP/HTTP export for the agent's `otel:` section: an OpenTelemetry SDK meter provider with a
 * periodic reader and the OTLP/HTTP exporter, fed by the bridge. The SDK packages are optional
 * peers, loaded only when the section is there.
 */
import type { Snapshot } from '../tree/snapshot.js';
import { createOtelBridge, type OtelMeterProvider } from './otel.js';
import type { MetricsRegistry } from './registry.js';

export interface OtlpExportOptions {
  /** Where metrics are sent (`http://collector:4318/v1/metrics`). */
  endpoint: string;
  /** How often they are sent, in ms. */
  intervalMs: number;
  headers?: Record<string, string>;
  /** Resource attributes (`service.name`, `service.instance.id`, ...). */
  resource: Record<string, string>;
  runtime?: boolean;
}

export interface OtlpExport {
  close(): Promise<void>;
}

const PACKAGES = [
  '@opentelemetry/api',
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/resources',
];

interface Sdk {
  MeterProvider: new (options: {
    resource: unknown;
    readers: unknown[];
  }) => OtelMeterProvider & {
    shutdown(): Promise<void>;
  };
  PeriodicExportingMetricReader: new (options: {
    exporter: unknown;
    exportIntervalMillis: number;
  }) => unknown;
  OTLPMetricExporter: new (options: { url: string; headers?: Record<string, string> }) => unknown;
  resourceFromAttributes(attributes: Record<string, string>): unknown;
}

export async function startOtlpExport(
  registry: MetricsRegistry | undefined,
  status: { snapshot(): Promise<Snapshot> },
  options: OtlpExportOptions,
): Promise<OtlpExport> {
  const sdk = await loadSdk();
  const exporter = new sdk.OTLPMetricExporter({ url: options.endpoint, headers: options.headers });
  const reader = new sdk.PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: options.intervalMs,
  });
  const provider = new sdk.MeterProvider({
    resource: sdk.resourceFromAttributes(options.resource),
    readers: [reader],
  });
  const bridge = await createOtelBridge(registry, {
    meterProvider: provider,
    status,
    runtime: options.runtime,
  });
  return {
    async close() {
      bridge.close();
      // Sends what was collected since the last export, then stops the reader's timer.
      await provider.shutdown().catch(() => {});
    },
  };
}

async function loadSdk(): Promise<Sdk> {
  try {
    const [metrics, exporter, resources] = await Promise.all([
      import('@opentelemetry/sdk-metrics'),
      import('@opentelemetry/exporter-metrics-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
    return { ...metrics, ...exporter, ...resources } as unknown as Sdk;
  } catch {
    throw new Error(`otel: OTLP export needs ${PACKAGES.join(', ')}: npm install ${PACKAGES.join(' ')}`);
  }
}
