import { passFail } from '../model/vocabulary.js';
import { formatPath } from '../tree/paths.js';
import { checkNodes, type Snapshot } from '../tree/snapshot.js';
import type { View } from './document.js';
import { formatTimestamp } from './timestamp.js';

export const HEALTH_JSON = 'application/health+json';

/** Top-level identity fields of the IETF draft (draft-inadarei-api-health-check). */
export interface HealthIdentity {
  version?: string;
  releaseId?: string;
  serviceId?: string;
  description?: string;
  notes?: string[];
  links?: Record<string, string>;
}

/**
 * The IETF health+json format: `status` pass / warn / fail; `checks` maps each check's path to an
 * array of one reading with componentId, status, time, observedValue / observedUnit, and `output`
 * (the error message, only for tiers that may see messages).
 */
export function renderHealthJson(
  snapshot: Snapshot,
  identity: HealthIdentity,
  view: View,
): Record<string, unknown> {
  const out: Record<string, unknown> = { status: passFail.overall[snapshot.level] };
  for (const [key, value] of Object.entries(identity)) if (value !== undefined) out[key] = value;
  if (!view.details) return out;
  const checks: Record<string, unknown[]> = {};
  for (const node of checkNodes(snapshot.root)) {
    const result = node.check!;
    const id = formatPath(node.path);
    const reading: Record<string, unknown> = {
      componentId: id,
      componentType: 'component',
      status: passFail.component[node.level ?? result.level],
      time: formatTimestamp(result.time, { format: 'iso-ms' }),
      durationMs: result.durationMs,
    };
    if (result.observedValue !== undefined) reading.observedValue = result.observedValue;
    if (result.observedUnit !== undefined) reading.observedUnit = result.observedUnit;
    if (view.messages && result.message) reading.output = result.message;
    const key = result.observedUnit ? `${id}:${measurementName(result.observedUnit)}` : id;
    checks[key] = [reading];
  }
  out.checks = checks;
  return out;
}

function measurementName(unit: string): string {
  if (unit === 'ms' || unit === 's') return 'responseTime';
  if (unit === '%' || unit === 'percent') return 'utilization';
  return unit;
}
