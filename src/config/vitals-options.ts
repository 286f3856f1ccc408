/**
 * The vitals check kinds as the config file writes them. A few options carry a unit in the API
 * name only (`warnP99Ms` is `warnP99: 200ms` in the file); the checks' own settings functions
 * validate them, so `config check` refuses exactly what the checks would refuse at start.
 */
import { CheckOptionError } from '../checks/thresholds.js';
import {
  cpuSettings,
  diskSettings,
  eventLoopSettings,
  memorySettings,
  type PressureCheckOptions,
  pressureSettings,
} from '../vitals/checks.js';

export type VitalsKind = 'disk' | 'memory' | 'cpu' | 'eventLoop' | 'pressure';

/** File name -> API name, per kind. */
const RENAMED: Partial<Record<VitalsKind, Record<string, string>>> = {
  cpu: { sustained: 'sustainedMs' },
  eventLoop: { warnP99: 'warnP99Ms', critP99: 'critP99Ms' },
};

const SETTINGS: Record<VitalsKind, (options: Record<string, unknown>) => unknown> = {
  disk: diskSettings,
  memory: memorySettings,
  cpu: cpuSettings,
  eventLoop: eventLoopSettings,
  pressure: (options) => pressureSettings(options as unknown as PressureCheckOptions),
};

/** A kind's options from the file, renamed for the check's API. */
export function vitalsApiOptions(
  kind: VitalsKind,
  options: Record<string, unknown>,
): Record<string, unknown> {
  const renamed = RENAMED[kind] ?? {};
  return Object.fromEntries(Object.entries(options).map(([key, value]) => [renamed[key] ?? key, value]));
}

/** Runs the check's own validation; the error's path uses the file's names. */
export function validateVitalsOptions(kind: VitalsKind, options: Record<string, unknown>): void {
  try {
    SETTINGS[kind](vitalsApiOptions(kind, options));
  } catch (error) {
    if (!(error instanceof CheckOptionError)) throw error;
    throw new CheckOptionError(error.path.map(fileName(kind)), fileProblem(kind, error.problem));
  }
}

function fileName(kind: VitalsKind) {
  const inverse = Object.fromEntries(Object.entries(RENAMED[kind] ?? {}).map(([file, api]) => [api, file]));
  return (key: string | number) => (typeof key === 'string' ? (inverse[key] ?? key) : key);
}

/** Option names quoted inside the message (`>= warnP99Ms (200)`) are renamed too. */
function fileProblem(kind: VitalsKind, problem: string): string {
  let text = problem;
  for (const [file, api] of Object.entries(RENAMED[kind] ?? {})) text = text.replaceAll(api, file);
  return text;
}
