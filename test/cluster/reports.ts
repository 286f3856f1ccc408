import type { InstanceReport, InstanceState, StoredReport } from '../../src/cluster/index.js';
import type { Level } from '../../src/model/levels.js';
import { seededRandom } from '../support/seeded-random.js';

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

/**
 * Report texts a hostile or broken writer could leave in the store: a valid report with one to
 * three fields replaced by odd values (out-of-range instants, NaN, huge strings, wrong types,
 * control characters, `__proto__` keys). Seeded: a failure replays.
 */
export function hostileReports(seed: number, count: number, id: string): string[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length) % items.length];
  const values: unknown[] = [
    null,
    true,
    -1,
    1e308,
    8.64e15 + 1,
    Number.NaN,
    '',
    '💥'.repeat(500),
    'critical',
    'leaving',
    [],
    {},
    JSON.parse('{"__proto__":"critical"}'),
    { constructor: 'ok' },
    '\u001b[31m',
    'x'.repeat(5000),
  ];
  const fields = ['v', 'id', 'level', 'state', 'version', 'startedAt', 'elu', 'components', '__proto__'];
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const raw: Record<string, unknown> = {
      v: 1,
      id,
      level: 'ok',
      state: 'serving',
      startedAt: 1,
      elu: 0.5,
      // JSON.parse makes `__proto__` an own key, as a hostile writer's JSON would.
      components: JSON.parse(`{"db":"ok","__proto__":"critical","${'p'.repeat(300)}":"ok"}`),
    };
    for (let m = 0; m < 1 + Math.floor(random() * 3); m++) raw[pick(fields)] = pick(values);
    texts.push(JSON.stringify(raw) ?? 'null');
  }
  return texts;
}
