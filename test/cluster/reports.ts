import type { InstanceReport, InstanceState, StoredReport } from '../../src/cluster/index.js';
import type { Level } from '../../src/model/levels.js';

/** A report as an instance would publish it, with its age as the store would say. */
export function stored(
  id: string,
  level: Level,
  components: Record<string, Level> = {},
  {
    ageMs = 100,
    state = 'serving',
    version = '1.0.0',
  }: { ageMs?: number; state?: InstanceState; version?: string } = {},
): StoredReport {
  const report: InstanceReport = {
    v: 1,
    id,
    level,
    state,
    version,
    startedAt: Date.UTC(2025, 0, 1),
    elu: 0.25,
    components,
  };
  return { report, ageMs };
}
