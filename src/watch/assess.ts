/**
 * One answer of a target judged whole, kept pure: the base judgement (the status word, the HTTP
 * code, or a check kind's own level), the rules over the answer, and the target's own word for
 * maintenance. The live probe, `watch test` and `watch replay` all judge through here.
 */
import { type Level, SEVERITY } from '../model/levels.js';
import { describeFailing, failingComponents } from './components.js';
import { clip, type Judgement, judgeDocument, judgeHttpCode } from './judge.js';
import type { Answer } from './rules/answer.js';
import { judgeRules, type RuleVerdict } from './rules/rule-set.js';
import { isObject, isUnknown, type Value } from './rules/values.js';
import type { WatchTarget } from './target.js';

const MAX_MESSAGE = 1000;

/** Why a sample is maintenance: the target said so, or one of the watcher's windows covers it. */
export interface MaintenanceMark {
  by: 'target' | 'window';
  message: string;
}

/**
 * When the target says its maintenance takes place: seed 002's `scheduled_maintenance` notice
 * (`start`, `estimated_completion`) before it begins, its `maintenance` notice's
 * `estimated_completion` while it lasts. Times are epoch ms; the status page shows them.
 */
export interface AnnouncedMaintenance {
  phase: 'scheduled' | 'in_progress';
  start?: number;
  end?: number;
}

export interface Assessment {
  level: Level;
  message?: string;
  word?: string;
  /** The level before rules and maintenance (replay judges new rules on top of it). */
  base: Judgement;
  /** Every rule's verdict. */
  verdicts: RuleVerdict[];
  /** Event rules that fired. */
  events: RuleVerdict[];
  /** The values the rules read, by their text. */
  recorded: Record<string, Value>;
  maintenance?: MaintenanceMark;
  announced?: AnnouncedMaintenance;
}

/** The base judgement of an HTTP answer: by word, by code, or (rules alone) by code unless a rule reads it. */
export function judgeHttpAnswer(target: WatchTarget, status: number, body: string): Judgement {
  if (target.readsWord) {
    return target.byHttpCode
      ? judgeHttpCode(status, body)
      : judgeDocument(status, body, target.statusPaths, target.words);
  }
  // The rules judge; an error code still means down unless a rule says what the code must be.
  if (target.rules.readsStatus) return { level: 'ok' };
  return judgeHttpCode(status, body);
}

export function assess(
  target: WatchTarget,
  answer: Answer,
  base: Judgement,
  previous?: ReadonlyMap<string, Value>,
  recordedValues?: ReadonlyMap<string, Value>,
): Assessment {
  const rules = judgeRules(target.rules, answer, previous, recordedValues);
  const level = SEVERITY[rules.level] > SEVERITY[base.level] ? rules.level : base.level;
  const parts = [base.message, ...rules.messages].filter((part): part is string => part !== undefined);
  const assessment: Assessment = {
    level,
    base,
    verdicts: rules.verdicts,
    events: rules.events,
    recorded: rules.recorded,
    ...(base.word === undefined ? {} : { word: base.word }),
  };
  // A document that names its failing parts says which: only where its word is read.
  if (base.level !== 'ok' && target.readsWord && !target.byHttpCode && !recordedValues) {
    const down = describeFailing(failingComponents(answer.body));
    if (down) parts.push(down);
  }
  if (parts.length > 0) assessment.message = clip(parts.join('; '), MAX_MESSAGE);
  if (!target.targetMaintenance) return assessment;
  const announced = announcedMaintenance(answer.body);
  if (announced) assessment.announced = announced;
  const said = targetMaintenance(answer.body, base.level);
  return said ? inMaintenance(assessment, { by: 'target', message: said }) : assessment;
}

/** The assessment as maintenance: the level, and what it would have been in the message. */
export function inMaintenance(assessment: Assessment, mark: MaintenanceMark): Assessment {
  const observed =
    assessment.level === 'maintenance'
      ? ''
      : ` (observed ${assessment.level}${assessment.message ? `: ${assessment.message}` : ''})`;
  return {
    ...assessment,
    level: 'maintenance',
    maintenance: mark,
    message: clip(`${mark.message}${observed}`, MAX_MESSAGE),
  };
}

/**
 * The target's own word for maintenance: its level is `maintenance` (statuskit's, seed 002's
 * `data.status`), or it carries seed 002's notice `{ type: "maintenance", message }` (at `notice`
 * or `data.notice`; a `scheduled_maintenance` notice announces one, it has not begun).
 */
export function targetMaintenance(body: Value, baseLevel: Level): string | undefined {
  const notice = noticeOf(body);
  if (notice) return `in maintenance (the target says: ${clip(notice, 200)})`;
  if (baseLevel === 'maintenance') return 'in maintenance (the target says so)';
  return undefined;
}

function noticeOf(body: Value): string | undefined {
  const notice = noticeObject(body, ['maintenance']);
  if (!notice) return undefined;
  return typeof notice.message === 'string' && notice.message !== '' ? notice.message : 'maintenance';
}

/** The times of the target's maintenance notice, when it gives any (a bad time is left out). */
export function announcedMaintenance(body: Value): AnnouncedMaintenance | undefined {
  const notice = noticeObject(body, ['maintenance', 'scheduled_maintenance']);
  if (!notice) return undefined;
  const start = timeOf(notice.start);
  const end = timeOf(notice.estimated_completion);
  if (notice.type === 'scheduled_maintenance') {
    // A schedule without its start says nothing the page could show.
    if (start === undefined) return undefined;
    return { phase: 'scheduled', start, ...(end !== undefined && end > start ? { end } : {}) };
  }
  return end === undefined ? undefined : { phase: 'in_progress', end };
}

/** Seed 002's notice, at `notice` or `data.notice`, of one of these types. */
function noticeObject(body: Value, types: readonly string[]): Record<string, Value> | undefined {
  if (isUnknown(body) || !isObject(body)) return undefined;
  const data = isObject(body.data) ? body.data : undefined;
  for (const notice of [body.notice, data?.notice]) {
    if (isObject(notice) && typeof notice.type === 'string' && types.includes(notice.type)) return notice;
  }
  return undefined;
}

function timeOf(value: Value | undefined): number | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const time = Date.parse(value);
  return Number.isFinite(time) ? time : undefined;
}
