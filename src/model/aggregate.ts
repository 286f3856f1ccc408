import { type Level, SEVERITY, worst } from './levels.js';

/** One input of aggregation: a check's level and whether it is critical for its parent. */
export interface AggregateInput {
  level: Level;
  critical: boolean;
}

/** Combines the levels below a node into one. Pluggable: pass your own to `createStatus`. */
export type Aggregator = (inputs: readonly AggregateInput[]) => Level;

/**
 * Default: the worst level among critical inputs; a non-critical input that is worse than `ok` lifts
 * the result to `warning` at most. No inputs -> `ok` (an empty group is healthy; `unknown` would page
 * people for a tree that simply has no checks yet).
 */
export const worstOfCritical: Aggregator = (inputs) => {
  let result: Level = 'ok';
  for (const input of inputs) {
    if (input.critical) result = worst(result, input.level);
    else if (SEVERITY[input.level] > SEVERITY.ok) result = worst(result, capAtWarning(input.level));
  }
  return result;
};

function capAtWarning(level: Level): Level {
  return SEVERITY[level] > SEVERITY.warning ? 'warning' : level;
}
