/**
 * The judgement of `statuskit check`, kept pure: an observed value and thresholds in, a Nagios state
 * and its one output line out.
 */
import { terminalSafe } from '../client/terminal-text.js';
import { type Level, parseWord } from '../model/index.js';
import { alerts, type NagiosRange } from './ranges.js';

export const OK = 0;
export const WARNING = 1;
export const CRITICAL = 2;
export const UNKNOWN = 3;
export type NagiosState = 0 | 1 | 2 | 3;

export const STATE_NAMES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

/** Maintenance is planned: it warns rather than pages (`check` and `watch --once` alike). */
export const LEVEL_STATES: Record<Level, NagiosState> = {
  ok: OK,
  warning: WARNING,
  maintenance: WARNING,
  critical: CRITICAL,
  unknown: UNKNOWN,
};

export interface Thresholds {
  warn?: NagiosRange;
  crit?: NagiosRange;
  /** Exact expected value (compared as text). */
  expect?: string;
}

export interface Verdict {
  state: NagiosState;
  text: string;
  /** Performance data items, already formatted (`'label'=value;warn;crit;;`). */
  perf: string[];
}

/** Judges one value read from a document. */
export function judgeValue(label: string, value: unknown, thresholds: Thresholds): Verdict {
  if (thresholds.expect !== undefined) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const matched = text === thresholds.expect;
    return {
      state: matched ? OK : CRITICAL,
      text: matched ? `${label} = ${text}` : `${label} = ${text}, expected ${thresholds.expect}`,
      perf: [],
    };
  }
  const number = asNumber(value);
  if (number !== undefined) return judgeNumber(label, number, thresholds);
  if (thresholds.warn || thresholds.crit) {
    return { state: UNKNOWN, text: `${label} = ${JSON.stringify(value)} is not a number`, perf: [] };
  }
  if (typeof value === 'boolean')
    return { state: value ? OK : CRITICAL, text: `${label} = ${value}`, perf: [] };
  if (typeof value === 'string') {
    const level = parseWord(value);
    if (level === undefined)
      return { state: UNKNOWN, text: `${label} = "${value}" is not a status word`, perf: [] };
    return { state: LEVEL_STATES[level], text: `${label} = ${value}`, perf: [] };
  }
  return {
    state: UNKNOWN,
    text: `${label} is ${value === null ? 'null' : Array.isArray(value) ? 'a list' : 'an object'}; point --path at a value`,
    perf: [],
  };
}

function judgeNumber(label: string, value: number, thresholds: Thresholds): Verdict {
  const { warn, crit } = thresholds;
  const state: NagiosState =
    crit && alerts(crit, value) ? CRITICAL : warn && alerts(warn, value) ? WARNING : OK;
  const limits = [warn && `warn ${warn.text}`, crit && `crit ${crit.text}`].filter(Boolean).join(', ');
  return {
    state,
    text: `${label} = ${value}${limits ? ` (${limits})` : ''}`,
    perf: [perfItem(label, value, '', warn?.text, crit?.text)],
  };
}

export function perfItem(
  label: string,
  value: number,
  unit: string,
  warn = '',
  crit = '',
  min = '',
  max = '',
): string {
  // Component names come from the document: remote text, like the line's.
  const quoted = `'${terminalSafe(label).replace(/'/g, "''")}'`;
  return `${quoted}=${round(value)}${unit};${warn};${crit};${min};${max}`;
}

/**
 * The plugin's single output line. Its text quotes the server (words, error messages), and Nagios
 * shows it to people: one line, no `|` (which starts the perfdata), no terminal controls.
 */
export function formatLine(verdict: Verdict): string {
  const perf = verdict.perf.length > 0 ? ` | ${verdict.perf.join(' ')}` : '';
  const text = terminalSafe(verdict.text).replace(/\|+/g, ' ');
  return `STATUSKIT ${STATE_NAMES[verdict.state]} - ${text}${perf}`;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim()))
    return Number(value);
  return undefined;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
