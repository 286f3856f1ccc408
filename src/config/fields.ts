/**
 * Reusable zod fields of the config file. Durations need a unit (`250ms`, `5s`, `1m`); only options
 * whose names end in `Ms` may also be a bare number of milliseconds. Both come out as milliseconds,
 * so the rest of the loader never parses text again.
 */
import { z } from 'zod';
import { resolveTimeZone } from '../maintenance/zone.js';
import { readDuration } from '../util/duration.js';

const DURATION_HINT = 'expected a duration like "2s"';

/** A problem line that says it all: the formatter adds no `, got …` to it (see errors.ts). */
export const WHOLE_MESSAGE = { wholeMessage: true } as const;

/**
 * For refinements that span fields: run them when every field is valid on its own (a misspelt
 * extra key does not count), so one bad value is not reported twice, and a typo beside inverted
 * thresholds does not hide them.
 */
export const WHEN_FIELDS_VALID = {
  when: (payload: z.core.ParsePayload) => payload.issues.every((issue) => issue.code === 'unrecognized_keys'),
};

function durationField(numbersAreMs: boolean) {
  return z.union([z.number(), z.string()], { error: DURATION_HINT }).transform((value, ctx) => {
    const read = readDuration(value, numbersAreMs);
    if (typeof read === 'number') return read;
    if ('sentence' in read) ctx.addIssue({ code: 'custom', message: read.sentence, params: WHOLE_MESSAGE });
    else ctx.addIssue({ code: 'custom', message: read.hint, input: value });
    return z.NEVER;
  });
}

/** A duration in the file, with a unit; milliseconds after parsing. */
export const duration = durationField(false).meta({
  description: 'Text with a unit: "250ms", "5s", "1m", "1h", "1d", "1m30s" (a bare number is refused)',
});

/** A duration in an option named `…Ms`: a number of milliseconds, or text with a unit. */
export const durationMs = durationField(true).meta({
  description: 'Milliseconds, or text with a unit: "250ms", "5s", "1m"',
});

/** An IANA time zone name, checked against Node's time-zone data so the error carries its path. */
export const timeZone = z
  .string()
  .superRefine((value, ctx) => {
    try {
      resolveTimeZone(value);
    } catch (error) {
      // The problem line appends the value itself (`, got "Europe/Pari"`): keep only the hint.
      const hint = (error as Error).message.replace(/^.*?(unknown time zone) "[^"]*"/, '$1');
      ctx.addIssue({ code: 'custom', message: hint.replace(/^timeZone: /, '').replace(/, got .*$/, '') });
    }
  })
  .meta({ description: 'IANA time zone, e.g. "Europe/Paris"; default "UTC"' });

export const level = z.enum(['ok', 'unknown', 'warning', 'maintenance', 'critical']);

export const percent = z.number().min(0).max(100);

export const port = z.number().int().min(0).max(65_535);

/** A URL path served by the agent: starts with `/`, or `false` to turn that door off. */
export const mountPath = z.union([
  z.string().regex(/^\//, 'expected a path starting with "/"'),
  z.literal(false),
]);

/** Options of the check runner, written next to a check's own options. */
export const runnerOptions = {
  timeout: duration.optional(),
  cache: duration.optional(),
  interval: duration.optional(),
  staleAfter: duration.optional(),
  critical: z.boolean().optional(),
  failureThreshold: z.number().int().min(1).optional(),
  successThreshold: z.number().int().min(1).optional(),
  description: z.string().optional(),
  /** Keep this component when details are hidden. */
  summary: z.boolean().optional(),
};

/**
 * The check kinds' own schemas take `*Ms` numbers; the file may write those as durations too. This
 * swaps every `fooMs` number field of a strict object for a millisecond duration field.
 */
export function withDurationFields<T extends z.ZodObject>(schema: T): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    shape[key] = /Ms$/.test(key)
      ? field.safeParse(undefined).success
        ? durationMs.optional()
        : durationMs
      : field;
  }
  return z.strictObject(shape);
}
