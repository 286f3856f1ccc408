/**
 * The `maintenance` section. Windows are checked here by the same functions the maintenance runs
 * at start (`resolveWindow`, `resolveRecurring`), so `config check` refuses what `serve` would: a
 * date out of range, an end before its start, a bad cron line, two windows with one id.
 */
import { z } from 'zod';
import { readInstant } from '../maintenance/instant.js';
import { resolveRecurring, resolveWindow, type WindowInput } from '../maintenance/window.js';
import { parseMountPath } from '../tree/paths.js';
import { duration, level, mountPath, timeZone, WHEN_FIELDS_VALID, WHOLE_MESSAGE } from './fields.js';

/** A time: ISO 8601 text (`2025-06-01T02:00:00Z`) or epoch milliseconds, in 1970..9999. */
const time = z.union([z.string(), z.number()]).superRefine((value, ctx) => {
  const read = readInstant(value);
  if (typeof read === 'string') ctx.addIssue({ code: 'custom', message: read, params: WHOLE_MESSAGE });
});

const affected = z.union([z.literal('all'), z.array(z.string())]);

/** Runs `resolve` (once every field is valid); its refusal becomes an issue at the value. */
function refusedBy<T>(resolve: (value: T) => unknown) {
  return (value: T, ctx: z.RefinementCtx) => {
    try {
      resolve(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, params: WHOLE_MESSAGE });
    }
  };
}

const window = z
  .strictObject({
    id: z.string().optional(),
    message: z.string().optional(),
    start: time.optional(),
    end: time.optional(),
    estimatedCompletion: time.optional(),
    components: affected.optional(),
    announce: duration.optional(),
  })
  .superRefine(
    refusedBy((value) => resolveWindow(value as WindowInput, Date.now())),
    WHEN_FIELDS_VALID,
  );

const recurring = z
  .strictObject({
    id: z.string().optional(),
    message: z.string().optional(),
    cron: z.string().optional(),
    weekly: z.strictObject({ day: z.string(), at: z.string() }).optional(),
    daily: z.strictObject({ at: z.string() }).optional(),
    timeZone: timeZone.optional(),
    duration,
    components: affected.optional(),
    announce: duration.optional(),
  })
  .superRefine(
    refusedBy((value) => resolveRecurring(value)),
    WHEN_FIELDS_VALID,
  );

const noticePath = z.union([
  z.string().superRefine(refusedBy((value: string) => parseMountPath(value))),
  z.literal(false),
]);

/** Maintenance windows: affected components report `maintenance`, the document carries a notice. */
export const maintenance = z
  .strictObject({
    windows: z.array(window).optional(),
    recurring: z.array(recurring).optional(),
    notice: z.strictObject({ path: noticePath.optional() }).optional(),
    announce: duration.optional(),
    timeZone: timeZone.optional(),
    /** `POST`/`DELETE <status>/maintenance` for admins; false turns it off. */
    admin: z
      .union([
        z.literal(false),
        z.strictObject({
          path: mountPath.optional(),
          tiers: z.array(z.string()).optional(),
          allowWithoutAccess: z.boolean().optional(),
        }),
      ])
      .optional(),
    stateFile: z.string().optional(),
    partialLevel: level.optional(),
    retryAfter: duration.optional(),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    for (const [list, windows] of [
      ['windows', value.windows ?? []],
      ['recurring', value.recurring ?? []],
    ] as const) {
      windows.forEach(({ id }, index) => {
        if (id === undefined) return;
        if (seen.has(id))
          ctx.addIssue({
            code: 'custom',
            path: [list, index, 'id'],
            message: `two maintenance windows share the id "${id}"`,
            params: WHOLE_MESSAGE,
          });
        seen.add(id);
      });
    }
  });
