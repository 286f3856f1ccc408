import type { DataPoint, MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** Every exported metric by name, from the latest collection the exporter holds. */
export function byName(collections: readonly ResourceMetrics[]): Map<string, MetricData> {
  const latest = collections.at(-1);
  const out = new Map<string, MetricData>();
  for (const scope of latest?.scopeMetrics ?? [])
    for (const metric of scope.metrics) out.set(metric.descriptor.name, metric);
  return out;
}

/** The data point whose attributes include these. */
export function pointWith<T>(
  metric: MetricData | undefined,
  attributes: Record<string, unknown> = {},
): DataPoint<T> | undefined {
  const points = (metric?.dataPoints ?? []) as DataPoint<T>[];
  return points.find((point) => Object.entries(attributes).every(([k, v]) => point.attributes[k] === v));
}
