/** The watch rules' expression language: parsing, types, three-valued logic, explanations. */
import { describe, expect, it } from 'vitest';
import { type Answer, lazyAnswer } from '../../src/watch/rules/answer.js';
import { hasNestedQuantifier } from '../../src/watch/rules/lexer.js';
import { parseRule, RuleError } from '../../src/watch/rules/parse.js';
import { compileRules, judgeRules, type RuleSpec } from '../../src/watch/rules/rule-set.js';
import { print } from '../../src/watch/rules/syntax.js';

const DOC = {
  applications: { servlet: { requests: { chatHttp: { fiveMinuteErrorsRatio: 0.0712 } } } },
  app: { master: { general: { app_state: 'stopped' } } },
  data: {
    account: { rate_limits: { remaining: 95, limit: 1000 } },
    components: { api: 'operational', storage: 'unavailable' },
  },
  sum: 0.30000000000000004,
  tiny: 1e-14,
  big: 123456789012345680000,
  count: 0,
  nothing: null,
  flag: true,
  text: 'Connected',
  numeric: '0.07',
  list: [1, 2, 3],
  checks: [
    { name: 'db', status: 'UP' },
    { name: 'cache', status: 'DOWN' },
  ],
  'key.with.dots': 'dotted',
};

/** The body as a server sends it: 2^53 + 1 as digits, which no JS number literal can hold. */
const DOC_TEXT = JSON.stringify(DOC).replace('"count":0', '"count":9007199254740993');

const answerOf = (body: unknown = DOC, rest: Omit<Answer, 'body'> = {}) =>
  lazyAnswer(body === DOC ? DOC_TEXT : JSON.stringify(body), {
    status: 200,
    time: 412,
    size: 10_240,
    headers: { 'content-type': 'application/json' },
    cert: { daysLeft: 12.5 },
    ...rest,
  });

/** The verdict of one condition, and its explanation when it does not hold. */
function judge(when: string, answer = answerOf(), previous?: Map<string, unknown>) {
  const outcome = judgeRules(compileRules([{ name: 'r', when }]), answer, previous);
  const [verdict] = outcome.verdicts;
  return { verdict: verdict.verdict, why: verdict.explanation, level: outcome.level };
}

const verdictOf = (when: string, answer?: ReturnType<typeof answerOf>) => judge(when, answer).verdict;

describe('comparisons and types', () => {
  it('compares numbers as IEEE doubles, exactly (no truncation)', () => {
    expect(verdictOf('body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio < 0.05')).toBe(
      'fail',
    );
    expect(verdictOf('body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio > 0.0711')).toBe(
      'pass',
    );
    expect(verdictOf('body.sum == 0.3')).toBe('fail');
    expect(verdictOf('body.sum == 0.1 + 0.2')).toBe('pass');
    expect(verdictOf('0.1 + 0.2 > 0.3')).toBe('pass');
    expect(verdictOf('body.tiny > 0')).toBe('pass');
    expect(verdictOf('body.tiny < 1e-13')).toBe('pass');
    expect(verdictOf('body.tiny == 0.00000000000001')).toBe('pass');
    expect(verdictOf('body.big == 1.2345678901234568e20')).toBe('pass');
    expect(verdictOf('body.big > 1e20 and body.big < 1e21')).toBe('pass');
    // Beyond 2^53 both sides are their nearest doubles, as JSON.parse reads the body.
    expect(verdictOf('body.count == 9007199254740992')).toBe('pass');
    expect(verdictOf('body.count >= 9007199254740993 and body.count <= 9007199254740993')).toBe('pass');
  });

  it('has every operator: == != < <= > >= on numbers and strings, none across types', () => {
    const cases: [string, string][] = [
      ['status == 200', 'pass'],
      ['status != 200', 'fail'],
      ['status <= 200', 'pass'],
      ['status < 200', 'fail'],
      ['status >= 201', 'fail'],
      ['status > 199', 'pass'],
      ['body.text == "Connected"', 'pass'],
      ['body.text < "D"', 'pass'],
      ['body.text > "D"', 'fail'],
      ['body.text != "Disconnected"', 'pass'],
      // No coercion: "0.07" is text, and text is not below a number.
      ['body.numeric == 0.07', 'fail'],
      ['body.numeric < 1', 'fail'],
      ['number(body.numeric) == 0.07', 'pass'],
      ['body.flag == true', 'pass'],
      ['body.flag', 'pass'],
      ['not body.flag', 'fail'],
      ['body.list == [1, 2, 3]', 'pass'],
      ['body.checks[0] == body.checks[-2]', 'pass'],
    ];
    for (const [when, expected] of cases) expect([when, verdictOf(when)]).toEqual([when, expected]);
  });

  it('tells missing from null: a missing path is unknown, null is a value', () => {
    expect(judge('body.nothing == null')).toMatchObject({ verdict: 'pass' });
    expect(judge('body.absent == null')).toMatchObject({
      verdict: 'unknown',
      level: 'unknown',
      why: 'body.absent is missing',
    });
    expect(judge('body.nothing < 1')).toMatchObject({
      verdict: 'fail',
      why: 'body.nothing = null, expected < 1',
    });
    expect(judge('body.absent < 1')).toMatchObject({ verdict: 'unknown', why: 'body.absent is missing' });
    expect(judge('body.absent != 1').verdict).toBe('unknown');
    expect(judge('has(body.nothing)').verdict).toBe('pass');
    expect(judge('has(body.absent)')).toMatchObject({ verdict: 'fail', why: 'body.absent is missing' });
    expect(judge('body.text.inner == 1')).toMatchObject({
      verdict: 'unknown',
      why: 'body.text.inner is missing (body.text is a string)',
    });
    expect(judge('body.x == 1', lazyAnswer('<html>', {}))).toMatchObject({
      verdict: 'unknown',
      why: 'body is missing (the answer is not JSON)',
    });
  });

  it('uses three-valued logic over unknown', () => {
    expect(verdictOf('body.absent > 1 and false')).toBe('fail');
    expect(verdictOf('body.absent > 1 and true')).toBe('unknown');
    expect(verdictOf('body.absent > 1 or true')).toBe('pass');
    expect(verdictOf('body.absent > 1 or false')).toBe('unknown');
    expect(verdictOf('not (body.absent > 1)')).toBe('unknown');
    expect(verdictOf('has(body.absent) and body.absent > 1')).toBe('fail');
    expect(verdictOf('!has(body.absent) || body.absent > 1')).toBe('pass');
  });

  it('reads units: durations and sizes', () => {
    expect(judge('time < 300ms')).toMatchObject({ verdict: 'fail', why: 'time = 412ms, expected < 300ms' });
    expect(verdictOf('time < 0.5s')).toBe('pass');
    expect(verdictOf('time < 1m and time >= 412ms')).toBe('pass');
    expect(verdictOf('size <= 10KiB')).toBe('pass');
    expect(verdictOf('size < 10KB')).toBe('fail');
    expect(verdictOf('time * 2 < 1s')).toBe('pass');
    expect(verdictOf('time / 412ms == 1')).toBe('pass');
  });

  it('computes: + - * / % and unary minus, ratios across fields', () => {
    // Wickson's rate limit below 10 %.
    expect(
      judge('body.data.account.rate_limits.remaining >= 0.1 * body.data.account.rate_limits.limit'),
    ).toMatchObject({
      verdict: 'fail',
      why: 'body.data.account.rate_limits.remaining = 95, expected >= 0.1 * body.data.account.rate_limits.limit (100)',
    });
    expect(verdictOf('body.list[2] % 2 == 1 and -body.list[0] == -1 and 7 / 2 == 3.5 and 3 - 5 == -2')).toBe(
      'pass',
    );
    expect(judge('body.text * 2 > 1')).toMatchObject({
      verdict: 'unknown',
      why: 'body.text = "Connected" (a string), expected a number',
    });
  });

  it('has in, regex match, len, has, lower, any and all', () => {
    expect(verdictOf('body.text in ["Connected", "Ok"]')).toBe('pass');
    expect(verdictOf('body.text not in ["Connected"]')).toBe('fail');
    expect(verdictOf('"nect" in body.text')).toBe('pass');
    expect(verdictOf('"api" in body.data.components')).toBe('pass');
    expect(verdictOf('body.text =~ /^conn/i')).toBe('pass');
    expect(verdictOf('body.text !~ /^Conn/')).toBe('fail');
    expect(verdictOf('status =~ "^2"')).toBe('pass');
    expect(verdictOf('len(body.list) == 3 and len(body.text) == 9 and len(body.data.components) == 2')).toBe(
      'pass',
    );
    expect(verdictOf('lower(body.text) == "connected"')).toBe('pass');
    expect(judge('all(body.checks, it.status == "UP")')).toMatchObject({
      verdict: 'fail',
      why: 'body.checks[1] = {"name":"cache","status":"DOWN"}: it.status = "DOWN", expected == "UP"',
    });
    expect(judge('not any(body.data.components, it == "unavailable")')).toMatchObject({
      verdict: 'fail',
      why: 'body.data.components.storage = "unavailable": it = "unavailable", expected != "unavailable"',
    });
    expect(judge('any(body.checks, it.status == "LOST")').why).toBe(
      'no item of body.checks (2) has it.status == "LOST"',
    );
    expect(
      verdictOf('any(body.list, it > 2) and all(body.list, it > 0) and not any([], true) and all([], false)'),
    ).toBe('pass');
    expect(verdictOf('any(body.absent, it > 2)')).toBe('unknown');
  });

  it('reads headers without regard to case, the certificate, brackets for odd keys', () => {
    expect(verdictOf('headers["Content-Type"] =~ /json/ and headers.content_type == null')).toBe('unknown');
    expect(verdictOf('headers["Content-Type"] =~ /json/')).toBe('pass');
    expect(judge('cert.daysLeft >= 14')).toMatchObject({
      verdict: 'fail',
      why: 'cert.daysLeft = 12.5, expected >= 14',
    });
    expect(verdictOf('body["key.with.dots"] == "dotted"')).toBe('pass');
  });

  it('explains with the value read first, however the rule was written', () => {
    expect(judge('0.05 > body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio').why).toBe(
      'body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio = 0.0712, expected < 0.05',
    );
    expect(judge('body.sum == 0.3').why).toBe('body.sum = 0.30000000000000004, expected == 0.3');
    expect(judge('status == 200 and body.text == "Disconnected"').why).toBe(
      'body.text = "Connected", expected == "Disconnected"',
    );
    expect(judge('body.flag == false or status == 500').why).toBe(
      'body.flag = true, expected == false; status = 200, expected == 500',
    );
    expect(judge('not (status == 200)').why).toBe('status = 200, expected != 200');
    expect(judge('body.text in ["Ok"]').why).toBe('body.text = "Connected", expected one of ["Ok"]');
    expect(judge('body.text =~ /^Dis/').why).toBe('body.text = "Connected", expected to match /^Dis/');
    expect(judge('body.text').why).toBe('body.text = "Connected", expected true or false');
  });
});

describe('value changes', () => {
  const set = compileRules([
    { name: 'version', notify: 'changed(body.version)' },
    { name: 'stopped', notify: 'becomes(body.app.state, "stopped")' },
  ]);
  const at = (version: unknown, state: unknown) =>
    lazyAnswer(JSON.stringify({ version, app: { state } }), {});

  it('fire against the last known values, never on a first observation', () => {
    const first = judgeRules(set, at('1.1', ''));
    expect(first.events).toEqual([]);
    expect(first.recorded).toEqual({ 'body.version': '1.1', 'body.app.state': '' });
    const known = new Map(Object.entries(first.recorded));
    const second = judgeRules(set, at('1.2', 'stopped'), known);
    expect(second.events.map((e) => [e.rule, e.explanation])).toEqual([
      ['version', 'body.version changed from "1.1" to "1.2"'],
      ['stopped', 'body.app.state became "stopped" (was "")'],
    ]);
    // Still stopped: no new event; the level is not what they are about.
    const third = judgeRules(set, at('1.2', 'stopped'), new Map(Object.entries(second.recorded)));
    expect(third.events).toEqual([]);
    expect(third.level).toBe('ok');
  });

  it('compare large values by digest, so a long value changes once and records small', () => {
    const big = compileRules([{ name: 'blob', notify: 'changed(body.version)' }]);
    const first = judgeRules(big, at('x'.repeat(5000), ''));
    expect(first.recorded['body.version']).toMatchObject({ $bytes: 5002 });
    const same = judgeRules(big, at('x'.repeat(5000), ''), new Map(Object.entries(first.recorded)));
    expect(same.events).toEqual([]);
    const other = judgeRules(big, at('y'.repeat(5000), ''), new Map(Object.entries(first.recorded)));
    expect(other.events).toHaveLength(1);
  });
});

describe('errors at load name the rule, the column and what was expected', () => {
  const error = (when: string) => {
    try {
      compileRules([{ name: 'errors', when }]);
    } catch (caught) {
      expect(caught).toBeInstanceOf(RuleError);
      return (caught as Error).message;
    }
    throw new Error(`no error for ${when}`);
  };

  it('for syntax', () => {
    expect(error('body.x < ')).toBe('rule "errors", column 10: expected a value, found the end');
    expect(error('(body.x < 1')).toBe('rule "errors", column 12: expected a closing ), found the end');
    expect(error('body.x < 1 )')).toBe(
      'rule "errors", column 12: expected an operator (and, or, ==, <, …) or the end, found ")"',
    );
    expect(error('body.x == 1 == 2')).toBe(
      'rule "errors", column 13: expected and, or, ) or the end (comparisons do not chain), found "=="',
    );
    expect(error('body. == 1')).toBe('rule "errors", column 7: expected a field name after ".", found "=="');
    expect(error('"open')).toBe('rule "errors", column 1: expected a closing ", found the end');
    expect(error('body.x =~ /a{2,1}/')).toMatch(
      /^rule "errors", column 11: expected a valid regular expression, found \/a\{2,1\}\//,
    );
    expect(error('body.x =~ /[a-/')).toBe(
      'rule "errors", column 11: expected a closing / of the regular expression, found the end',
    );
    expect(error('body.x =~ /(a+)+$/')).toMatch(
      /column 11: expected a regular expression without a quantified group/,
    );
    expect(error('time < 3 parsecs')).toMatch(/column 10: expected an operator/);
    expect(error('time < 3xs')).toMatch(/column 9: expected a unit among ms, s, m, h, d/);
    expect(error('')).toBe('rule "errors", column 1: expected a condition, found the end');
    expect(error('x'.repeat(5000))).toMatch(/expected at most 4096 characters/);
    expect(error(`${'('.repeat(100)}1${')'.repeat(100)}`)).toMatch(/expected at most 64 levels of nesting/);
  });

  it('for names, functions and types', () => {
    expect(error('bdy.x == 1')).toMatch(/column 1: expected one of body, status, time, size, headers, cert/);
    expect(error('lenn(body) > 1')).toMatch(
      /column 1: expected a function among len, has, any, all, changed, becomes/,
    );
    expect(error('len(body, 2) > 1')).toBe('rule "errors", column 11: expected 1 argument to len(), found 2');
    expect(error('time < 300')).toBe(
      'rule "errors", column 8: expected a duration with its unit, like 300ms or 2s (time is a duration), found 300',
    );
    expect(error('size < 5s')).toMatch(/column 8: expected a size/);
    expect(error('status == "200"')).toMatch(
      /column 11: expected a number to compare with status, found "200" \(a string\)/,
    );
    expect(error('body.x < 1 and 5')).toMatch(/column 16: expected a condition/);
    expect(error('it.x == 1')).toMatch(/"it" is defined only inside any\(\) and all\(\)/);
    expect(error('"a" + 1 > 0')).toMatch(/column 1: expected a number, found "a" \(a string\)/);
    expect(error('has(1)')).toMatch(/column 5: expected a path like body.a.b in has\(\)/);
    expect(error('len(body)')).toMatch(/expected a condition/);
  });

  it('refuses regular expressions that can take exponential time', () => {
    expect(hasNestedQuantifier('(a+)+')).toBe(true);
    expect(hasNestedQuantifier('(a*)*b')).toBe(true);
    expect(hasNestedQuantifier('((ab)*)+')).toBe(true);
    expect(hasNestedQuantifier('(ab)+')).toBe(false);
    expect(hasNestedQuantifier('[(a+)]+')).toBe(false);
    expect(hasNestedQuantifier('^\\d+(\\.\\d+)?$')).toBe(false);
  });
});

describe('rule sets', () => {
  it('take the worst severity, list failures worst first, and record what they read', () => {
    const specs: RuleSpec[] = [
      { name: 'fast', when: 'time < 300ms', severity: 'warning' },
      { name: 'errors', when: 'body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio < 0.05' },
      { name: 'ok', when: 'status == 200' },
      { name: 'state', notify: 'becomes(body.app.master.general.app_state, "stopped")' },
    ];
    const outcome = judgeRules(compileRules(specs), answerOf());
    expect(outcome.level).toBe('critical');
    expect(outcome.messages).toEqual([
      'errors: body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio = 0.0712, expected < 0.05',
      'fast: time = 412ms, expected < 300ms',
    ]);
    expect(outcome.recorded).toEqual({
      time: 412,
      'body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio': 0.0712,
      status: 200,
      'body.app.master.general.app_state': 'stopped',
    });
  });

  it('print back to text that parses to the same tree', () => {
    for (const text of [
      'body.a["b c"][0] < 1 and not (status == 200 or time >= 2s)',
      'any(body.checks, it.status == "DOWN") or len(body.x) > -3 * (2 + 1)',
      'body.text =~ /^a\\/b/i and body.v not in ["1", "2"]',
    ]) {
      const printed = print(parseRule(text, 'r'));
      expect(print(parseRule(printed, 'r'))).toBe(printed);
    }
  });
});
