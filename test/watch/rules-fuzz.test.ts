/**
 * The rule parser and evaluator fuzzed (seeded, bounded): every input is refused with a RuleError
 * naming a column, or judged with a verdict. bench/watch/fuzz.ts runs the 100k-input version.
 */
import { expect, it } from 'vitest';
import { fuzzRules } from '../support/rule-fuzz.js';

it('turns 20 000 random rules into a load error or a verdict, never a crash (seed 20020)', () => {
  const result = fuzzRules(20_020, 20_000);
  expect(result.crashes).toEqual([]);
  expect(result.inputs).toBe(20_000);
  // Both outcomes are exercised: the generator is not all noise, nor all valid.
  expect(result.refused).toBeGreaterThan(1000);
  expect(result.verdicts.pass + result.verdicts.fail + result.verdicts.unknown).toBeGreaterThan(1000);
});
