/** The pure core of `statuskit watch`: transitions, availability, retention, judging a document. */
import { describe, expect, it } from 'vitest';
import type { Level } from '../../src/model/levels.js';
import { availability, COVER_INTERVALS, formatPercent } from '../../src/watch/availability.js';
import { customWordLevel, judgeDocument, judgeHttpCode } from '../../src/watch/judge.js';
import { pruneDue, pruneEvery, retentionCutoff } from '../../src/watch/retention.js';
import { formatSpan, formatTable } from '../../src/watch/table.js';
import {
  type Debounce,
  INITIAL_STATE,
  observe,
  type TargetState,
  type Transition,
} from '../../src/watch/transitions.js';

/** Feeds levels one per second and returns the transitions, as `from>to@second`. */
function run(levels: Level[], debounce: Debounce, start: TargetState = INITIAL_STATE) {
  let state = start;
  const seen: string[] = [];
  levels.forEach((level, second) => {
    const next = observe(state, level, second * 1000, debounce);
    state = next.state;
    if (next.transition) seen.push(show(next.transition));
  });
  return { seen, state };
}

const show = (t: Transition) => `${t.from ?? '-'}>${t.to}@${t.at / 1000}`;

describe('transitions', () => {
  const immediate = { failAfter: 1, recoverAfter: 1 };

  it('reports the first observation, then every change of level', () => {
    const { seen } = run(['ok', 'ok', 'critical', 'critical', 'ok', 'unknown'], immediate);
    expect(seen).toEqual(['->ok@0', 'ok>critical@2', 'critical>ok@4', 'ok>unknown@5']);
  });

  it('needs failAfter consecutive worse results, and forgets a broken streak', () => {
    const debounce = { failAfter: 3, recoverAfter: 1 };
    const { seen } = run(['ok', 'critical', 'critical', 'ok', 'critical', 'critical', 'critical'], debounce);
    expect(seen).toEqual(['->ok@0', 'ok>critical@6']);
  });

  it('needs recoverAfter consecutive better results before recovering', () => {
    const debounce = { failAfter: 1, recoverAfter: 2 };
    const { seen } = run(['critical', 'ok', 'critical', 'ok', 'ok'], debounce);
    expect(seen).toEqual(['->critical@0', 'critical>ok@4']);
  });

  it('counts a mixed worse streak and adopts its latest level (as the check runner does)', () => {
    const debounce = { failAfter: 3, recoverAfter: 1 };
    const { seen } = run(['ok', 'warning', 'critical', 'critical'], debounce);
    expect(seen).toEqual(['->ok@0', 'ok>critical@3']);
  });

  it('keeps the pending level and streak in its state, and since at the last transition', () => {
    const debounce = { failAfter: 3, recoverAfter: 1 };
    const { state } = run(['ok', 'critical', 'critical'], debounce);
    expect(state).toEqual({ level: 'ok', since: 0, pending: 'critical', streak: 2 });
  });

  it('carries on from a saved state: a restart neither re-announces nor forgets a streak', () => {
    const saved: TargetState = { level: 'ok', since: 0, pending: 'critical', streak: 2 };
    expect(run(['ok'], { failAfter: 3, recoverAfter: 1 }, saved).seen).toEqual([]);
    expect(run(['critical'], { failAfter: 3, recoverAfter: 1 }, saved).seen).toEqual(['ok>critical@0']);
  });
});

describe('availability', () => {
  const window = { start: 0, end: 100_000 };
  const every10s = (time: number, level: Level) => ({ time, level, intervalMs: 10_000 });

  it('is the share of observed time whose sample was ok', () => {
    const samples = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90].map((s) =>
      every10s(s * 1000, s === 30 || s === 40 ? 'critical' : 'ok'),
    );
    const result = availability(samples, window);
    expect(result).toMatchObject({ windowMs: 100_000, observedMs: 100_000, okMs: 80_000, ratio: 0.8 });
    expect(result.byLevel.critical).toBe(20_000);
  });

  it('clips the sample before the window to the window start', () => {
    const result = availability([every10s(-5000, 'critical'), every10s(5000, 'ok')], {
      start: 0,
      end: 20_000,
    });
    expect(result.byLevel.critical).toBe(5000);
    expect(result.okMs).toBe(15_000);
    expect(result.ratio).toBe(0.75);
  });

  it(`leaves out gaps longer than ${COVER_INTERVALS} intervals (the watcher was not looking)`, () => {
    const result = availability([every10s(0, 'ok'), every10s(80_000, 'critical')], window);
    expect(result.okMs).toBe(30_000);
    expect(result.byLevel.critical).toBe(20_000);
    expect(result.observedMs).toBe(50_000);
    expect(result.ratio).toBeCloseTo(0.6);
  });

  it('says nothing (undefined) when nothing was observed, and skips out-of-order samples', () => {
    expect(availability([], window).ratio).toBeUndefined();
    const result = availability([every10s(0, 'ok'), every10s(5000, 'critical'), every10s(2000, 'ok')], {
      start: 0,
      end: 10_000,
    });
    expect(result).toMatchObject({ okMs: 5000, observedMs: 10_000 });
  });

  it('formats without rounding an outage up to 100 %', () => {
    expect(formatPercent(0.99999)).toBe('99.99 %');
    expect(formatPercent(0.29)).toBe('29.00 %');
    expect(formatPercent(1)).toBe('100.00 %');
    expect(formatPercent(undefined)).toBe('n/a');
  });
});

describe('retention', () => {
  it('cuts at now minus the retention, and prunes every tenth of it within 1 s .. 1 h', () => {
    expect(retentionCutoff(1_000_000, 400_000)).toBe(600_000);
    expect(pruneEvery(30 * 86_400_000)).toBe(3_600_000);
    expect(pruneEvery(60_000)).toBe(6000);
    expect(pruneEvery(2000)).toBe(1000);
    expect(pruneDue(undefined, 0, 60_000)).toBe(true);
    expect(pruneDue(0, 5999, 60_000)).toBe(false);
    expect(pruneDue(0, 6000, 60_000)).toBe(true);
  });
});

describe('judging a status document', () => {
  it('reads the word in every vocabulary, at status or data.status', () => {
    expect(judgeDocument(200, '{"status":"UP"}')).toEqual({ level: 'ok', word: 'UP' });
    expect(judgeDocument(503, '{"status":"DOWN"}')).toEqual({ level: 'critical', word: 'DOWN' });
    expect(judgeDocument(200, '{"status":"Ko"}').level).toBe('critical');
    expect(judgeDocument(200, '{"status":"pass"}').level).toBe('ok');
    expect(judgeDocument(200, '{"data":{"status":"degraded"}}')).toEqual({
      level: 'warning',
      word: 'degraded',
    });
    expect(judgeDocument(200, '{"up":true}', ['up'])).toEqual({ level: 'ok', word: 'true' });
  });

  it('keeps the document message for a failing level', () => {
    const body = JSON.stringify({ success: false, message: 'storage is down', data: { status: 'critical' } });
    expect(judgeDocument(503, body)).toEqual({
      level: 'critical',
      word: 'critical',
      message: 'storage is down',
    });
  });

  it('an unknown word is unknown; no word is unknown on 2xx and critical on an error code', () => {
    expect(judgeDocument(200, '{"status":"sideways"}')).toEqual({
      level: 'unknown',
      word: 'sideways',
      message: 'unknown status word "sideways"',
    });
    expect(judgeDocument(200, '<html>')).toEqual({
      level: 'unknown',
      message: 'HTTP 200 with no status at status or data.status',
    });
    expect(judgeDocument(401, '{"error":"unauthorized","message":"Authentication required"}')).toEqual({
      level: 'critical',
      message: 'HTTP 401: Authentication required (no status at status or data.status)',
    });
  });

  it('clips remote text', () => {
    const judged = judgeDocument(200, JSON.stringify({ status: 'x'.repeat(5000) }));
    expect(judged.word?.length).toBe(200);
  });
});

describe("judging by a target's own words", () => {
  // Seed 004's app_state and seed 000's console connection: words no built-in vocabulary knows.
  const words = new Map<string, Level>([
    ['', 'ok'],
    ['stopped', 'critical'],
    ['restarting', 'warning'],
    ['Connected', 'ok'],
    ['Disconnected', 'critical'],
  ]);
  const at = (value: unknown) => JSON.stringify({ app: { state: value } });

  it('reads the words no vocabulary knows, the empty word included', () => {
    expect(judgeDocument(200, at(''), ['app.state'], words)).toEqual({ level: 'ok', word: '' });
    expect(judgeDocument(200, at('stopped'), ['app.state'], words)).toEqual({
      level: 'critical',
      word: 'stopped',
    });
    expect(judgeDocument(200, at('restarting'), ['app.state'], words).level).toBe('warning');
    // Without them, the same answers are unknown words.
    expect(judgeDocument(200, at('stopped'), ['app.state']).level).toBe('unknown');
    expect(judgeDocument(200, at(''), ['app.state'])).toMatchObject({ level: 'unknown', word: '' });
  });

  it('matches exactly first, then ignoring case, before the built-in vocabularies', () => {
    const cased = new Map<string, Level>([
      ['ok', 'warning'],
      ['OK', 'critical'],
      ['Down', 'maintenance'],
    ]);
    expect(customWordLevel('OK', cased)).toBe('critical');
    expect(customWordLevel('ok', cased)).toBe('warning');
    expect(customWordLevel('Ok', cased)).toBe('warning');
    expect(customWordLevel('DOWN', cased)).toBe('maintenance');
    expect(customWordLevel('sideways', cased)).toBeUndefined();
    // A custom word wins over the built-in reading of the same word; other words keep theirs.
    expect(judgeDocument(503, '{"status":"DOWN"}', undefined, cased)).toEqual({
      level: 'maintenance',
      word: 'DOWN',
    });
    expect(judgeDocument(200, '{"status":"degraded"}', undefined, cased).level).toBe('warning');
    expect(judgeDocument(200, '{"status":"Connected"}', undefined, words).level).toBe('ok');
  });

  it('gives booleans their own words too, and keeps the document message for a failing word', () => {
    const flags = new Map<string, Level>([['true', 'warning']]);
    expect(judgeDocument(200, '{"restarting":true}', ['restarting'], flags).level).toBe('warning');
    expect(judgeDocument(200, '{"restarting":false}', ['restarting'], flags).level).toBe('critical');
    const body = JSON.stringify({ status: 'stopped', message: 'AMI connection lost' });
    expect(judgeDocument(200, body, undefined, words)).toEqual({
      level: 'critical',
      word: 'stopped',
      message: 'AMI connection lost',
    });
  });
});

describe('judging by the HTTP code', () => {
  it('is ok below 400 whatever the body says, critical from 400 on', () => {
    expect(judgeHttpCode(200, '{"status":"DOWN"}')).toEqual({ level: 'ok' });
    expect(judgeHttpCode(204, '')).toEqual({ level: 'ok' });
    expect(judgeHttpCode(302, '<html>')).toEqual({ level: 'ok' });
    expect(judgeHttpCode(404, '<html>')).toEqual({ level: 'critical', message: 'HTTP 404' });
    expect(judgeHttpCode(503, '{"status":"UP"}')).toEqual({ level: 'critical', message: 'HTTP 503' });
  });

  it("keeps a failing answer's error text as the message", () => {
    expect(judgeHttpCode(401, '{"error":"unauthorized","message":"Authentication required"}')).toEqual({
      level: 'critical',
      message: 'HTTP 401: Authentication required',
    });
    expect(judgeHttpCode(500, JSON.stringify({ error: 'x'.repeat(5000) })).message?.length).toBe(500);
  });
});

describe('tables and spans', () => {
  it('aligns columns and keeps remote text on one line', () => {
    expect(formatTable(['A', 'BB'], [['long value', 'x\ny\x1b[31m']])).toBe(
      'A           BB\nlong value  x y\\u001b[31m',
    );
  });

  it('writes spans for people', () => {
    expect([850, 12_340, 245_000, 11_040_000, 183_600_000].map(formatSpan)).toEqual([
      '850ms',
      '12.3s',
      '4m05s',
      '3h04m',
      '2d03h',
    ]);
  });
});
