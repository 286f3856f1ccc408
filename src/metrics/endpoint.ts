import type { MetricsRenderer } from '../http/handler.js';
import { formatPath } from '../tree/paths.js';
import { checkNodes, type Snapshot } from '../tree/snapshot.js';
import { type Duration, optionalDuration } from '../util/duration.js';
import {
  type PrometheusCheck,
  type PrometheusDocument,
  type PrometheusOptions,
  renderPrometheus,
  wantsOpenMetrics,
} from './prometheus.js';
import type { MetricsRegistry } from './registry.js';
import { TimedCache } from './render-cache.js';

export interface MetricsEndpointOptions extends Omit<PrometheusOptions, 'openMetrics' | 'checks'> {
  /**
   * Serve a rendering for this long before rendering again (per format: text 0.0.4 and
   * OpenMetrics are cached apart). Default 0: every scrape renders. The agent uses `1s`, so a flood
   * of scrapes costs one rendering a second; a new value or check level shows up at most this late.
   */
  cache?: Duration;
}

/**
 * What `/metrics` serves: the registry plus every check of the current snapshot
 * (`statuskit_check_status`, `statuskit_check_duration_seconds`), in Prometheus 0.0.4 text or
 * OpenMetrics as the Accept header asks. Pass it as `createStatus({ metrics })`.
 */
export function metricsEndpoint(
  registry: MetricsRegistry,
  { cache, ...options }: MetricsEndpointOptions = {},
): MetricsRenderer {
  const renderings = new TimedCache<boolean, PrometheusDocument>(optionalDuration(cache, 0, 'metrics cache'));
  return {
    render(accept: string | undefined, snapshot: Snapshot) {
      const openMetrics = wantsOpenMetrics(accept);
      return renderings.get(openMetrics, () =>
        renderPrometheus(registry, { ...options, openMetrics, checks: checkReadings(snapshot) }),
      );
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
