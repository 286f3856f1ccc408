import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MaintenanceWindow } from './window.js';

/** What survives a restart: windows started at runtime, and occurrences ended early. */
export interface PersistedState {
  windows: MaintenanceWindow[];
  suppressed: string[];
}

const EMPTY: PersistedState = { windows: [], suppressed: [] };

/** Reads the state file; a missing file is an empty state, an unreadable one is reported and ignored. */
export function loadState(path: string, onError: (error: unknown) => void): PersistedState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onError(error);
    return EMPTY;
  }
  try {
    const parsed = JSON.parse(text) as Partial<PersistedState>;
    const windows = Array.isArray(parsed.windows) ? parsed.windows.filter(isWindow) : [];
    const suppressed = Array.isArray(parsed.suppressed)
      ? parsed.suppressed.filter((key): key is string => typeof key === 'string')
      : [];
    return { windows, suppressed };
  } catch (error) {
    onError(new Error(`maintenance state file ${path} is not valid JSON: ${(error as Error).message}`));
    return EMPTY;
  }
}

/** Writes atomically (temporary file + rename), so a crash mid-write never leaves half a file. */
export function saveState(path: string, state: PersistedState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ version: 1, ...state }, null, 2)}\n`);
  renameSync(temporary, path);
}

function isWindow(value: unknown): value is MaintenanceWindow {
  const w = value as MaintenanceWindow;
  return (
    typeof w === 'object' &&
    w !== null &&
    typeof w.id === 'string' &&
    typeof w.message === 'string' &&
    Number.isFinite(w.start) &&
    (w.end === undefined || Number.isFinite(w.end)) &&
    (w.components === 'all' ||
      (Array.isArray(w.components) && w.components.every((c) => typeof c === 'string')))
  );
}
