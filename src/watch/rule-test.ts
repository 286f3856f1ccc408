/**
 * `statuskit watch test`: a config's rules against a saved answer, each verdict with its
 * explanation (like `promtool test rules`), without polling anything. An earlier answer
 * (`--previous`) gives `changed()` / `becomes()` something to compare with.
 */
import { type Assessment, assess, judgeHttpAnswer } from './assess.js';
import type { Judgement } from './judge.js';
import { type Answer, lazyAnswer } from './rules/answer.js';
import { UNKNOWN, type Value } from './rules/values.js';
import type { WatchTarget } from './target.js';

export interface SavedAnswer {
  /** The body as saved (`statuskit get URL --raw > answer.json`). */
  body: string;
  /** Default 200. */
  status?: number;
  time?: number;
}

export interface TargetTest {
  target: WatchTarget;
  assessment: Assessment;
}

/** Judges the answer as the target would have (a check target reads it as its fields). */
export function testTarget(target: WatchTarget, sample: SavedAnswer, previous?: SavedAnswer): TargetTest {
  const known = new Map<string, Value>();
  if (previous) {
    const before = judge(target, previous, known);
    for (const [key, value] of Object.entries(before.recorded)) known.set(key, value);
  }
  return { target, assessment: judge(target, sample, known) };
}

function judge(target: WatchTarget, sample: SavedAnswer, known: ReadonlyMap<string, Value>): Assessment {
  const status = sample.status ?? 200;
  if (target.source.kind === 'url' || target.source.kind === 'push') {
    const base: Judgement =
      target.source.kind === 'url' ? judgeHttpAnswer(target, status, sample.body) : { level: 'ok' };
    const answer = lazyAnswer(sample.body, {
      status,
      size: Buffer.byteLength(sample.body),
      ...(sample.time === undefined ? {} : { time: sample.time }),
      ...(base.word === undefined ? {} : { word: base.word }),
      level: base.level,
      ...(base.message === undefined ? {} : { message: base.message }),
    });
    return assess(target, answer, base, known);
  }
  const fields = parseObject(sample.body);
  const answer: Answer = {
    body: UNKNOWN,
    ...(fields ? { fields } : {}),
    ...(target.source.check === 'tls' && fields ? { cert: fields } : {}),
    ...(sample.time === undefined ? {} : { time: sample.time }),
    level: 'ok',
  };
  return assess(target, answer, { level: 'ok' }, known);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const MARKS = { pass: 'PASS', fail: 'FAIL', unknown: 'UNKNOWN' } as const;

/**
 * ```
 * dydu (http://…/status): critical
 *   word     Ok: ok
 *   FAIL     errors (critical): body.ratio = 0.0712, expected < 0.05
 *   PASS     fast (warning)
 *   EVENT    version: body.version changed from "1.1" to "1.2"
 * ```
 */
export function testText(results: readonly TargetTest[], sampleName: string): string {
  const blocks = results.map(({ target, assessment }) => {
    const lines = [`${target.name} (${target.displayUrl}) against ${sampleName}: ${assessment.level}`];
    const { base } = assessment;
    const judged = target.readsWord
      ? base.word === undefined
        ? 'no word'
        : `word ${JSON.stringify(base.word)}`
      : 'HTTP code';
    lines.push(`  ${'BASE'.padEnd(8)} ${judged}: ${base.level}${base.message ? ` (${base.message})` : ''}`);
    for (const verdict of assessment.verdicts) {
      if (verdict.kind === 'event') {
        const seen = verdict.verdict === 'fail' ? verdict.explanation : 'did not fire';
        lines.push(`  ${'EVENT'.padEnd(8)} ${verdict.rule}: ${seen}`);
        continue;
      }
      const mark = MARKS[verdict.verdict].padEnd(8);
      const why = verdict.explanation ? `: ${verdict.explanation}` : '';
      lines.push(`  ${mark} ${verdict.rule} (${verdict.severity})${why}`);
    }
    if (assessment.maintenance) lines.push(`  ${'MAINT'.padEnd(8)} ${assessment.maintenance.message}`);
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

export function testJson(results: readonly TargetTest[]): Record<string, unknown>[] {
  return results.map(({ target, assessment }) => ({
    target: target.name,
    level: assessment.level,
    message: assessment.message ?? null,
    base: assessment.base,
    rules: assessment.verdicts,
    maintenance: assessment.maintenance ?? null,
  }));
}
