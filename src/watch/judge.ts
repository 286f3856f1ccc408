/**
 * Turning one HTTP answer of a watched target into a level, kept pure. The word is read like the
 * `statuskit` dependency check reads it (src/checks/statuskit.ts): at the configured path, else
 * `status` then `data.status`, in any built-in vocabulary (Ok/Ko, UP/DOWN, pass/fail, operational…).
 * The body is judged whatever the HTTP code: a `DOWN` document with 503 is a normal answer.
 */
import { statusWord } from '../checks/statuskit.js';
import { errorText } from '../cli/fetch-document.js';
import type { Level } from '../model/levels.js';
import { parseWord, type Vocabulary } from '../model/vocabulary.js';

export const DEFAULT_STATUS_PATHS: readonly string[] = ['status', 'data.status'];

/** Remote text is stored, logged and sent to hooks: keep it to a sane size. */
const MAX_WORD = 200;
const MAX_MESSAGE = 500;

export interface Judgement {
  level: Level;
  /** The status word as found (booleans as `true` / `false`). */
  word?: string;
  message?: string;
}

export function judgeDocument(
  httpStatus: number,
  body: string,
  paths: readonly string[] = DEFAULT_STATUS_PATHS,
  preferred: readonly Vocabulary[] = [],
): Judgement {
  const found = statusWord(body, paths);
  const reason = errorText(body);
  if (found === undefined) {
    const where = `no status at ${paths.join(' or ')}`;
    return {
      level: httpStatus >= 400 ? 'critical' : 'unknown',
      message: clip(`HTTP ${httpStatus}${reason ? `: ${reason} (${where})` : ` with ${where}`}`, MAX_MESSAGE),
    };
  }
  const word = clip(String(found), MAX_WORD);
  const level = typeof found === 'boolean' ? (found ? 'ok' : 'critical') : parseWord(found, preferred);
  if (level === undefined) return { level: 'unknown', word, message: `unknown status word "${word}"` };
  if (level === 'ok' || reason === undefined) return { level, word };
  return { level, word, message: clip(reason, MAX_MESSAGE) };
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
