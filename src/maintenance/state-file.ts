import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type MaintenanceWindow, restoreWindow } from './window.js';

/** What survives a restart: windows started at runtime, and occurrences ended early. */
export interface PersistedState {
  windows: MaintenanceWindow[];
  suppressed: string[];
}

const EMPTY: PersistedState = { windows: [], suppressed: [] };

/**
 * Reads the state file; a missing file is an empty state. An unreadable file, and each entry that
 * is not a valid window or key, is reported to `onError` (naming it) and left out: a bad entry
 * never stops a start.
 */
export function loadState(path: string, onError: (error: unknown) => void): PersistedState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onError(error);
    return EMPTY;
  }
  let parsed: Partial<Record<keyof PersistedState, unknown>>;
  try {
    parsed = JSON.parse(text) ?? {};
  } catch (error) {
    onError(new Error(`maintenance state file ${path} is not valid JSON: ${(error as Error).message}`));
    return EMPTY;
  }
  const skip = (what: string, reason: string) =>
    onError(new Error(`maintenance state file ${path}: skipped ${what}: ${reason}`));
  return { windows: windowsOf(parsed.windows, skip), suppressed: suppressedOf(parsed.suppressed, skip) };
}

type Skip = (what: string, reason: string) => void;

function windowsOf(entries: unknown, skip: Skip): MaintenanceWindow[] {
  if (!Array.isArray(entries)) return [];
  const windows = new Map<string, MaintenanceWindow>();
  entries.forEach((entry, index) => {
    const what = `window ${describeEntry(entry, index)}`;
    try {
      const window = restoreWindow(entry);
      if (windows.has(window.id)) skip(what, 'a window with this id comes earlier in the file');
      else windows.set(window.id, window);
    } catch (error) {
      skip(what, (error as Error).message);
    }
  });
  return [...windows.values()];
}

/** Keys of ended occurrences are `<id>` or `<id>@<ISO start>`: short strings. */
function suppressedOf(keys: unknown, skip: Skip): string[] {
  if (!Array.isArray(keys)) return [];
  return keys.filter((key, index) => {
    const valid = typeof key === 'string' && key !== '' && key.length <= 200;
    if (!valid) skip(`ended occurrence #${index}`, 'expected a key of at most 200 characters');
    return valid;
  });
}

/** `"boom" (#3)` when the entry has a printable id, else `#3`. */
function describeEntry(entry: unknown, index: number): string {
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? `${JSON.stringify(id.slice(0, 100))} (#${index})` : `#${index}`;
}

/** Writes atomically (temporary file + rename), so a crash mid-write never leaves half a file. */
export function saveState(path: string, state: PersistedState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ version: 1, ...state }, null, 2)}\n`);
  renameSync(temporary, path);
}
