import type { Level } from '../model/index.js';

/**
 * The one threshold rule of every check (src/checks and the vitals checks): reaching a threshold
 * counts. Where higher is worse (latency, usage, stall time, queue depth) a reading at or above
 * `warn` warns and at or above `crit` is critical; where lower is worse (free space, days before a
 * certificate expires) at or below. That is how Nagios plugins read `-w 90 -c 95`. A threshold that
 * is not set never fires.
 */
export interface Thresholds {
  warn?: number;
  crit?: number;
}

export type Worse = 'higher' | 'lower';

/** Where higher is worse. */
export function levelAbove(value: number, thresholds: Thresholds): Level {
  return levelFor('higher', value, thresholds);
}

/** Where lower is worse. */
export function levelBelow(value: number, thresholds: Thresholds): Level {
  return levelFor('lower', value, thresholds);
}

export function levelFor(worse: Worse, value: number, { warn, crit }: Thresholds): Level {
  const reached = (threshold: number | undefined) =>
    threshold !== undefined && (worse === 'higher' ? value >= threshold : value <= threshold);
  if (reached(crit)) return 'critical';
  if (reached(warn)) return 'warning';
  return 'ok';
}

/**
 * An option a check refuses, with its path among the check's options (`['queues', 2, 'crit']`), so
 * the config file can name the exact place: `components.jobs.queues[2].crit: expected …, got …`.
 */
export class CheckOptionError extends Error {
  override name = 'CheckOptionError';

  constructor(
    readonly path: readonly (string | number)[],
    /** What is wrong, without the path: `expected a value >= warnPercent (90), got 80`. */
    readonly problem: string,
  ) {
    super(`${optionPath(path)}: ${problem}`);
  }
}

/** One side of a threshold pair as the caller wrote it, or its default. */
export interface ThresholdOption {
  path: readonly (string | number)[];
  value: number | undefined;
  /** The check's default, not a value the caller wrote. */
  defaulted?: boolean;
}

/**
 * Refuses a pair whose critical level would be reached before its warning level (the warning
 * could never show). The side the caller wrote is blamed; when both were written, `crit`.
 */
export function checkThresholdOrder(worse: Worse, warn: ThresholdOption, crit: ThresholdOption): void {
  if (warn.value === undefined || crit.value === undefined) return;
  if (worse === 'higher' ? warn.value <= crit.value : crit.value <= warn.value) return;
  const [blamed, other] = crit.defaulted && !warn.defaulted ? [warn, crit] : [crit, warn];
  const operator = (blamed === crit) === (worse === 'higher') ? '>=' : '<=';
  const reference = `${optionPath(other.path)} (${other.value}${other.defaulted ? ', its default' : ''})`;
  throw new CheckOptionError(blamed.path, `expected a value ${operator} ${reference}, got ${blamed.value}`);
}

function optionPath(path: readonly (string | number)[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

/**
 * `checkThresholdOrder` for two options of one options object (`at`: where that object sits, for
 * the error's path), with the check's defaults for the sides not written.
 */
export function checkOptionPair(
  options: object,
  worse: Worse,
  keys: { warn: string; crit: string },
  defaults: Thresholds = {},
  at: readonly (string | number)[] = [],
): void {
  const side = (key: string, fallback: number | undefined): ThresholdOption => {
    const written = (options as Record<string, unknown>)[key];
    return typeof written === 'number'
      ? { path: [...at, key], value: written }
      : { path: [...at, key], value: fallback, defaulted: true };
  };
  checkThresholdOrder(worse, side(keys.warn, defaults.warn), side(keys.crit, defaults.crit));
}

/** Latency in ms (`warnMs` / `critMs`): higher is worse, neither is set by default. */
export function checkLatencyThresholds(options: { warnMs?: number; critMs?: number }): void {
  checkOptionPair(options, 'higher', { warn: 'warnMs', crit: 'critMs' });
}
