import type { MetricsRenderer } from '../http/handler.js';
import { formatPath } from '../tree/paths.js';
import { checkNodes, type Snapshot } from '../tree/snapshot.js';
import { type PrometheusCheck, type PrometheusOptions, renderPrometheusForAccept } from './prometheus.js';
import type { MetricsRegistry } from './registry.js';

/**
 * What `/metrics` serves: the registry plus every check of the current snapshot
 * (`statuskit_check_status`, `statuskit_check_duration_seconds`), in Prometheus 0.0.4 text or
 * OpenMetrics as the Accept header asks. Pass it as `createStatus({ metrics })`.
 */
export function metricsEndpoint(
  registry: MetricsRegistry,
  options: Omit<PrometheusOptions, 'openMetrics' | 'checks'> = {},
): MetricsRenderer {
  return {
    render(accept: string | undefined, snapshot: Snapshot) {
      return renderPrometheusForAccept(registry, accept, { ...options, checks: checkReadings(snapshot) });
    },
  };
}

export function checkReadings(snapshot: Snapshot): PrometheusCheck[] {
  return [...checkNodes(snapshot.root)].map((node) => ({
    path: formatPath(node.path),
    level: node.level ?? node.check!.level,
    critical: node.critical,
    durationMs: node.check!.durationMs,
  }));
}
