/**
 * The rule parser and evaluator against 100 000 random rules (the suite runs 20 000): each ends
 * in a load error naming a column or a verdict, never another exception, a crash or a hang.
 *
 *   node --import tsx bench/watch/fuzz.ts [seed] [count]
 */
import { fuzzRules } from '../../test/support/rule-fuzz.js';

const seed = Number(process.argv[2] ?? 20_021);
const count = Number(process.argv[3] ?? 100_000);
const started = performance.now();
const result = fuzzRules(seed, count);
const seconds = (performance.now() - started) / 1000;
console.log(
  `seed ${seed}: ${result.inputs} inputs in ${seconds.toFixed(1)} s, slowest ${result.slowestMs.toFixed(1)} ms`,
);
console.log(
  `  refused at load: ${result.refused}; verdicts: ${JSON.stringify(result.verdicts)}; crashes: ${result.crashes.length}`,
);
for (const crash of result.crashes.slice(0, 10))
  console.log(`  CRASH ${JSON.stringify(crash.input)}: ${crash.error}`);
console.log(
  `${result.crashes.length === 0 ? 'PASS' : 'FAIL'}  fuzzed rules: ${result.crashes.length} crashes (target 0)`,
);
process.exit(result.crashes.length === 0 ? 0 : 1);
