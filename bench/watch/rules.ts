/**
 * Watch rules: 20 rules on a 10 KB answer (seed 001's shape, DYDU), µs per evaluation, rules
 * compiled once per config load. The competitor, in the same run: `JSON.parse` plus a
 * straightforward path walk for each of the same 20 paths (the path string split at each
 * evaluation, as `lodash.get`-style readers do) and the same comparisons. No JSONPath library is
 * installed in this repository (`ls node_modules`); with one (jsonpath-plus), add it here.
 *
 *   node --import tsx bench/watch/rules.ts
 */

import { lazyAnswer } from '../../src/watch/rules/answer.js';
import { compileRules, judgeRules, type RuleSpec } from '../../src/watch/rules/rule-set.js';
import { median, printTable, verdict } from '../lib.js';

const meter = (i: number) => ({
  fiveMinuteRate: 0.1 * i,
  oneMinuteRate: 0.2 * i,
  fifteenMinuteRate: 0.05 * i,
  count: 1000 * i,
  meanRate: 0.3 * i,
});
const document = {
  withDetails: true,
  volumes: { connectedPeople: 1200, connectedOperators: 42, currentDialogs: 310, currentLivechatDialogs: 12 },
  applications: Object.fromEntries(
    ['runtime', 'dialog', 'slogger', 'website', 'servlet', 'sso', 'bots', 'stats', 'search', 'mail'].map(
      (name, i) => [
        name,
        {
          status: 'Ok',
          durationMs: 3 + i,
          customs: { sessions: 10 * i },
          requests: {
            chatHttp: {
              successes: meter(i + 1),
              errors: meter(i),
              ignored: meter(2),
              errorsByBot: Object.fromEntries(Array.from({ length: 46 }, (_, b) => [`bot-${b}`, b * i])),
              fiveMinuteErrorsRatio: 0.01 * i,
            },
          },
        },
      ],
    ),
  ),
  hostName: 'dydu-prod-1',
  version: '49.2470 a543dff5',
  date: '2026-12-03 12:00:00',
  status: 'Ok',
  durationMs: 12,
};
const text = JSON.stringify(document);

const APPS = ['runtime', 'dialog', 'slogger', 'website', 'servlet', 'sso', 'bots', 'stats', 'search', 'mail'];
const specs: RuleSpec[] = APPS.flatMap((app) => [
  { name: `${app}-errors`, when: `body.applications.${app}.requests.chatHttp.fiveMinuteErrorsRatio < 0.5` },
  { name: `${app}-fast`, when: `body.applications.${app}.durationMs <= 200` },
]);
const rules = compileRules(specs);
const paths = specs.map((spec) => ('when' in spec ? spec.when.split(' ')[0].slice('body.'.length) : ''));
const bounds = specs.map((spec) => ('when' in spec ? Number(spec.when.split(' ')[2]) : 0));
const strict = specs.map((spec) => ('when' in spec ? spec.when.split(' ')[1] === '<' : false));

function statuskit(): number {
  const outcome = judgeRules(rules, lazyAnswer(text, { status: 200, time: 40 }));
  return outcome.verdicts.length;
}

/** The straightforward competitor: parse, then walk each dotted path from its string. */
function handWritten(): number {
  const body = JSON.parse(text) as unknown;
  let held = 0;
  for (let i = 0; i < paths.length; i++) {
    let value: unknown = body;
    for (const key of paths[i].split('.')) {
      value =
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (typeof value === 'number' && (strict[i] ? value < bounds[i] : value <= bounds[i])) held++;
  }
  return held;
}

function microsPerCall(fn: () => number, iterations: number): number {
  let sink = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += fn();
  const elapsed = Number(process.hrtime.bigint() - started) / 1000;
  if (sink < 0) console.log(sink);
  return elapsed / iterations;
}

const ITERATIONS = 5000;
const ROUNDS = 7;
// Warm both up before measuring.
microsPerCall(statuskit, 2000);
microsPerCall(handWritten, 2000);
const ours: number[] = [];
const theirs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  ours.push(microsPerCall(statuskit, ITERATIONS));
  theirs.push(microsPerCall(handWritten, ITERATIONS));
}
const a = median(ours);
const b = median(theirs);
printTable(
  `20 rules on a ${(text.length / 1024).toFixed(1)} KB answer (median of ${ROUNDS} rounds x ${ITERATIONS})`,
  [
    ['', 'µs / evaluation', 'vs hand-written'],
    [
      'statuskit rules (JSON.parse + compiled rules + values recorded)',
      a.toFixed(1),
      `${(a / b).toFixed(2)}x`,
    ],
    ['JSON.parse + hand-written path walk', b.toFixed(1), '1.00x'],
  ],
);
verdict(
  '20 rules on a 10 KB answer',
  `${a.toFixed(1)} µs (${(a / b).toFixed(2)}x the hand-written walk)`,
  'compiled once; within 1.5x of a bare walk',
  a <= b * 1.5,
);
