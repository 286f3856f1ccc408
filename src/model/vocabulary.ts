import type { Level } from './levels.js';

/** Level -> word, for one audience (the overall status or components). */
export type Words = Readonly<Record<Level, string>>;

/**
 * A vocabulary maps canonical levels to an API's words, separately for the overall status and for
 * components (seed 002 says `critical` overall but `unavailable` for a component).
 */
export interface Vocabulary {
  name: string;
  overall: Words;
  component: Words;
}

function vocabulary(name: string, overall: Words, component: Words = overall): Vocabulary {
  return Object.freeze({ name, overall: Object.freeze(overall), component: Object.freeze(component) });
}

/** statuskit's own words: the canonical level names. */
export const canonical = vocabulary('canonical', {
  ok: 'ok',
  warning: 'warning',
  critical: 'critical',
  unknown: 'unknown',
  maintenance: 'maintenance',
});

/** Seed 001 (DYDU): Ok / Warning / Ko / Unknown. */
export const okKo = vocabulary('okKo', {
  ok: 'Ok',
  warning: 'Warning',
  critical: 'Ko',
  unknown: 'Unknown',
  maintenance: 'Warning',
});

/** Seed 004 (Itgrix): Ok / Warning / Error. */
export const okError = vocabulary('okError', {
  ok: 'Ok',
  warning: 'Warning',
  critical: 'Error',
  unknown: 'Warning',
  maintenance: 'Warning',
});

/** Seed 002 (Wickson): operational / degraded / critical / maintenance; components ... / unavailable. */
export const operational = vocabulary(
  'operational',
  {
    ok: 'operational',
    warning: 'degraded',
    critical: 'critical',
    unknown: 'degraded',
    maintenance: 'maintenance',
  },
  {
    ok: 'operational',
    warning: 'degraded',
    critical: 'unavailable',
    unknown: 'degraded',
    maintenance: 'maintenance',
  },
);

/** IETF draft-inadarei-api-health-check: pass / warn / fail. */
export const passFail = vocabulary('passFail', {
  ok: 'pass',
  warning: 'warn',
  critical: 'fail',
  unknown: 'warn',
  maintenance: 'fail',
});

/** Spring Boot Actuator: UP / DOWN / OUT_OF_SERVICE / UNKNOWN. */
export const upDown = vocabulary('upDown', {
  ok: 'UP',
  warning: 'UP',
  critical: 'DOWN',
  unknown: 'UNKNOWN',
  maintenance: 'OUT_OF_SERVICE',
});

export const vocabularies = { canonical, okKo, okError, operational, passFail, upDown } as const;
export type VocabularyName = keyof typeof vocabularies;

/** Accepts a built-in name, a full vocabulary, or plain word maps (component words default to overall). */
export type VocabularyInput =
  | VocabularyName
  | Vocabulary
  | { name?: string; overall: Partial<Record<Level, string>>; component?: Partial<Record<Level, string>> };

export function resolveVocabulary(input: VocabularyInput | undefined): Vocabulary {
  if (input === undefined) return canonical;
  if (typeof input === 'string') {
    const found = vocabularies[input];
    if (!found)
      throw new Error(`unknown vocabulary "${input}"; built in: ${Object.keys(vocabularies).join(', ')}`);
    return found;
  }
  const overall = { ...canonical.overall, ...input.overall };
  const component = { ...overall, ...(input.component ?? {}) };
  return vocabulary(input.name ?? 'custom', overall, component);
}

/**
 * Reads a word back into a level (for nested statuskit checks and `statuskit check`). Case-insensitive;
 * tries the given vocabularies, then every built-in one. When a word maps to several levels, the worst wins
 * is not attempted: the first vocabulary that knows the word decides.
 */
export function parseWord(word: string, preferred: readonly Vocabulary[] = []): Level | undefined {
  const needle = word.trim().toLowerCase();
  for (const voc of [...preferred, ...Object.values(vocabularies)]) {
    for (const words of [voc.overall, voc.component]) {
      for (const [level, w] of Object.entries(words)) {
        if (w.toLowerCase() === needle) return level as Level;
      }
    }
  }
  return undefined;
}
