import { parseMountPath } from '../tree/paths.js';
import { type Duration, parseDuration } from '../util/duration.js';
import { type CronSchedule, parseCron } from './cron.js';
import { readInstant } from './instant.js';
import { resolveTimeZone } from './zone.js';

export type TimeInput = Date | string | number;

/** A one-off window, as declared in code or config, or posted to the admin endpoint. */
export interface WindowInput {
  /** Stable id (to end it with `DELETE /status/maintenance/<id>`). Default: generated. */
  id?: string;
  /** Shown in the notice. Default `Scheduled maintenance in progress`. */
  message?: string;
  /** Default: now (when declared or posted). */
  start?: TimeInput;
  /** The window ends by itself then. Without it, it lasts until ended through the admin endpoint. */
  end?: TimeInput;
  /** Shown in the notice; defaults to `end`. Does not end the window. */
  estimatedCompletion?: TimeInput;
  /** Component paths in the status tree (`components.search`), or `all` (default). */
  components?: readonly string[] | 'all';
  /** How long before its start the notice announces it. Default: the maintenance's `announce`. */
  announce?: Duration;
}

/** A window that repeats: `cron`, or the shorthands `weekly` / `daily`, on the clock of `timeZone`. */
export interface RecurringInput {
  id?: string;
  message?: string;
  /** `minute hour day-of-month month day-of-week`: `0 2 * * sun`. */
  cron?: string;
  /** Every week: `{ day: 'sun', at: '02:00' }`. */
  weekly?: { day: string; at: string };
  /** Every day: `{ at: '03:30' }`. */
  daily?: { at: string };
  /**
   * IANA time zone whose wall clock the schedule follows, daylight-saving time included
   * (`Europe/Paris`). Default: the maintenance's `timeZone`, else `UTC`.
   */
  timeZone?: string;
  /** How long each occurrence lasts, in elapsed time (a DST change inside it does not stretch it): `'2h'`. */
  duration: Duration;
  components?: readonly string[] | 'all';
  announce?: Duration;
}

export type Components = 'all' | readonly string[];

/** A resolved one-off window; times in ms since the epoch. */
export interface MaintenanceWindow {
  id: string;
  message: string;
  start: number;
  end?: number;
  estimatedCompletion?: number;
  components: Components;
  announceMs?: number;
}

export interface RecurringWindow {
  id: string;
  message: string;
  schedule: CronSchedule;
  durationMs: number;
  components: Components;
  announceMs?: number;
}

export const DEFAULT_MESSAGE = 'Scheduled maintenance in progress';

export class WindowError extends Error {
  override name = 'WindowError';
}

let counter = 0;
function generatedId(prefix: string): string {
  counter = (counter + 1) % 1_000_000;
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}`;
}

/**
 * Checks every field before anything is built, so a window that exists can always be listed,
 * persisted and restored: instants in 1970..9999, `end` after `start`, bounded texts and lists.
 */
export function resolveWindow(input: WindowInput, now: number): MaintenanceWindow {
  return checkedWindow(input, now, input?.start !== undefined);
}

/** `startGiven`: an estimate before an explicit start is a mistake; before "now", an overrun. */
function checkedWindow(input: WindowInput, now: number, startGiven: boolean): MaintenanceWindow {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new WindowError('a maintenance window must be an object');
  const start = input.start === undefined ? now : time(input.start, 'start');
  const end = input.end === undefined ? undefined : time(input.end, 'end');
  if (end !== undefined && end <= start) throw new WindowError('`end` must be after `start`');
  const estimated =
    input.estimatedCompletion === undefined ? end : time(input.estimatedCompletion, 'estimated_completion');
  if (startGiven && estimated !== undefined && estimated < start)
    throw new WindowError('`estimated_completion` must not be before `start`');
  const window: MaintenanceWindow = {
    id: identifier(input.id) ?? generatedId('mw'),
    message: message(input.message),
    start,
    components: components(input.components),
  };
  if (end !== undefined) window.end = end;
  if (estimated !== undefined) window.estimatedCompletion = estimated;
  if (input.announce !== undefined) window.announceMs = duration(input.announce, 'announce');
  return window;
}

/**
 * A window read back from a state file (the resolved form, `announceMs` included), checked as
 * strictly as one posted: a file edited by hand, or written by an older version, cannot smuggle in
 * a window that would fail later.
 */
export function restoreWindow(value: unknown): MaintenanceWindow {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new WindowError('a maintenance window must be an object');
  const saved = value as Record<string, unknown>;
  if (saved.id === undefined) throw new WindowError('`id` is missing');
  if (saved.start === undefined) throw new WindowError('`start` is missing');
  // A saved start may be the "now" of the request that started it: an overran estimate stays valid.
  return checkedWindow(
    {
      id: saved.id as string,
      message: saved.message as string,
      start: saved.start as number,
      end: saved.end as number | undefined,
      estimatedCompletion: saved.estimatedCompletion as number | undefined,
      components: saved.components as WindowInput['components'],
      announce: saved.announceMs as number | undefined,
    },
    0,
    false,
  );
}

/** What a recurring window takes from its maintenance when it does not say. */
export interface RecurringDefaults {
  /** IANA time zone. Default `UTC`. */
  timeZone?: string;
}

export function resolveRecurring(input: RecurringInput, defaults: RecurringDefaults = {}): RecurringWindow {
  if (typeof input !== 'object' || input === null)
    throw new WindowError('a recurring window must be an object');
  const durationMs = duration(input.duration, 'duration');
  if (durationMs < 60_000) throw new WindowError('a recurring window lasts at least 1 minute');
  const window: RecurringWindow = {
    id: identifier(input.id) ?? generatedId('recurring'),
    message: message(input.message),
    schedule: scheduleOf(input, defaults),
    durationMs,
    components: components(input.components),
  };
  if (input.announce !== undefined) window.announceMs = duration(input.announce, 'announce');
  return window;
}

/** The window's `cron`, `weekly` or `daily` form as a schedule on its zone's wall clock. */
function scheduleOf(input: RecurringInput, defaults: RecurringDefaults): CronSchedule {
  const forms = [input.cron, input.weekly, input.daily].filter((form) => form !== undefined).length;
  if (forms !== 1) throw new WindowError('a recurring window needs exactly one of `cron`, `weekly`, `daily`');
  let cron = input.cron;
  if (input.weekly) cron = `${clock(input.weekly.at)} * * ${String(input.weekly.day)}`;
  if (input.daily) cron = `${clock(input.daily.at)} * * *`;
  const where = input.id === undefined ? 'recurring window' : `recurring window "${input.id}"`;
  const zone = resolveTimeZone(input.timeZone ?? defaults.timeZone ?? 'UTC', `${where} timeZone`);
  return parseCron(cron!, { timeZone: zone.name });
}

/** `HH:MM` -> the cron `minute hour` fields. */
function clock(at: string): string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(String(at));
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59)
    throw new WindowError(`expected a time like "02:00", got "${at}"`);
  return `${Number(m[2])} ${Number(m[1])}`;
}

function time(input: TimeInput, what: string): number {
  const ms = readInstant(input);
  if (typeof ms === 'string') throw new WindowError(`\`${what}\`: ${ms}`);
  return ms;
}

function duration(input: Duration, what: string): number {
  try {
    return parseDuration(input, `\`${what}\``);
  } catch (error) {
    throw new WindowError((error as Error).message);
  }
}

/** Control characters other than tab and newline would reach terminals and logs verbatim. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function message(input: unknown): string {
  if (input === undefined) return DEFAULT_MESSAGE;
  if (typeof input !== 'string' || input.length > 1000 || CONTROL.test(input))
    throw new WindowError('`message` must be text of at most 1000 characters, without control characters');
  return input;
}

function identifier(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== 'string' || !/^[\w.:-]{1,100}$/.test(input))
    throw new WindowError('`id` must be 1-100 letters, digits, `_`, `-`, `.` or `:`');
  return input;
}

const MAX_COMPONENTS = 100;
const MAX_PATH_LENGTH = 200;

function components(input: unknown): Components {
  if (input === undefined || input === 'all') return 'all';
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_COMPONENTS)
    throw new WindowError(`\`components\` must be "all" or a list of 1-${MAX_COMPONENTS} component paths`);
  return input.map((path) => {
    if (typeof path !== 'string' || path.length > MAX_PATH_LENGTH)
      throw new WindowError(`\`components\`: expected paths of at most ${MAX_PATH_LENGTH} characters`);
    try {
      return parseMountPath(path).join('.');
    } catch {
      throw new WindowError(`\`components\`: "${path}" is not a component path`);
    }
  });
}
