/**
 * Turning one answer of a watched target into a level, kept pure. Two ways to judge:
 *
 * - by its status word (the default), read like the `statuskit` dependency check reads it
 *   (src/checks/statuskit.ts): at the configured path, else `status` then `data.status`. The target's
 *   own words come first (exact, then ignoring case), then every built-in vocabulary (Ok/Ko, UP/DOWN,
 *   pass/fail, operational…). The body is judged whatever the HTTP code: a `DOWN` document with 503
 *   is a normal answer.
 * - by its HTTP code alone, for plain health URLs and documents without an overall word (seed 000).
 */
import { statusWord } from '../checks/statuskit.js';
import { errorText } from '../client/read-document.js';
import type { Level } from '../model/levels.js';
import { parseWord } from '../model/vocabulary.js';

export const DEFAULT_STATUS_PATHS: readonly string[] = ['status', 'data.status'];

/** A target's own status words, tried before the built-in vocabularies. */
export type CustomWords = ReadonlyMap<string, Level>;

const NO_WORDS: CustomWords = new Map();

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
  words: CustomWords = NO_WORDS,
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
  const text = String(found);
  const word = clip(text, MAX_WORD);
  const level = customWordLevel(text, words) ?? builtInLevel(found);
  if (level === undefined) return { level: 'unknown', word, message: `unknown status word "${word}"` };
  if (level === 'ok' || reason === undefined) return { level, word };
  return { level, word, message: clip(reason, MAX_MESSAGE) };
}

/**
 * Judging by the HTTP code alone: below 400 is ok (a 3xx is an answer, since redirects are not
 * followed; Kubernetes' HTTP probes draw the same line), anything else critical. No word is read, but
 * a failing answer's error text still says why.
 */
export function judgeHttpCode(httpStatus: number, body: string): Judgement {
  if (httpStatus >= 200 && httpStatus < 400) return { level: 'ok' };
  const reason = errorText(body);
  return {
    level: 'critical',
    message: clip(`HTTP ${httpStatus}${reason ? `: ${reason}` : ''}`, MAX_MESSAGE),
  };
}

/**
 * The level a target's own words give a word: an exact match first, then one ignoring case (the
 * first such word, in the order they were written). `""` is a word like any other (seed 004's
 * `app_state` is empty while the application runs).
 */
export function customWordLevel(word: string, words: CustomWords): Level | undefined {
  const exact = words.get(word);
  if (exact !== undefined) return exact;
  const needle = word.toLowerCase();
  for (const [custom, level] of words) if (custom.toLowerCase() === needle) return level;
  return undefined;
}

function builtInLevel(found: string | boolean): Level | undefined {
  if (typeof found === 'boolean') return found ? 'ok' : 'critical';
  return parseWord(found);
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
