/**
 * `statuskit watch test` (a config's rules against a saved answer) and `statuskit watch replay`
 * (a config's rules and debouncing over the stored samples). Both read the config like `watch`
 * does; neither polls anything.
 */
import { readFile } from 'node:fs/promises';
import { parseDuration } from '../util/duration.js';
import type { HistoryStore } from '../watch/history-store.js';
import type { WatchPlan } from '../watch/plan.js';
import { HistoryUnavailableError } from '../watch/sqlite.js';
import type { WatchTarget } from '../watch/target.js';
import { type CommandContext, UsageError } from './context.js';

/** The config merged into a plan (its problems already logged), or `'invalid'`. */
export type PlanReader = (file: string) => Promise<WatchPlan | 'invalid'>;

const TEST_OPTIONS = new Set([
  'config',
  'sample',
  'previous',
  'target',
  'status',
  'time',
  'json',
  'quiet',
  'log',
  'help',
  'version',
]);
const REPLAY_OPTIONS = new Set([
  'config',
  'history',
  'since',
  'target',
  'json',
  'quiet',
  'log',
  'help',
  'version',
]);

function refuseOthers(
  values: Record<string, unknown>,
  allowed: ReadonlySet<string>,
  command: string,
  extra: string[],
) {
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  for (const option of Object.keys(values)) {
    if (!allowed.has(option)) throw new UsageError(`--${option} does not apply to "watch ${command}"`);
  }
}

function required(values: Record<string, unknown>, option: string, command: string): string {
  const value = values[option];
  if (typeof value !== 'string') throw new UsageError(`watch ${command}: --${option} is required`);
  return value;
}

function chosen(
  plan: WatchPlan,
  name: string | undefined,
  fallback: (t: WatchTarget) => boolean,
): WatchTarget[] {
  if (name !== undefined) {
    const target = plan.targets.find((t) => t.name === name);
    if (!target)
      throw new UsageError(
        `--target: no target "${name}" (targets: ${plan.targets.map((t) => t.name).join(', ')})`,
      );
    return [target];
  }
  const some = plan.targets.filter(fallback);
  return some.length > 0 ? some : plan.targets;
}

/** Exit 0 when every target tested is ok, 1 otherwise, 2 for bad input. */
export async function testCommand(
  ctx: CommandContext,
  values: Record<string, unknown>,
  extra: string[],
  readPlan: PlanReader,
): Promise<number> {
  refuseOthers(values, TEST_OPTIONS, 'test', extra);
  const config = required(values, 'config', 'test');
  const sampleFile = required(values, 'sample', 'test');
  const status = values.status === undefined ? undefined : httpCode(values.status as string);
  const time = values.time === undefined ? undefined : duration(values.time as string, '--time');
  const read = async (file: string) => {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  };
  const sample = { body: await read(sampleFile), status, time };
  const previous =
    values.previous === undefined ? undefined : { body: await read(values.previous as string), status, time };
  const plan = await readPlan(config);
  if (plan === 'invalid') return 2;
  const { testJson, testTarget, testText } = await import('../watch/rule-test.js');
  const targets = chosen(plan, values.target as string | undefined, (t) => t.rules.rules.length > 0);
  const results = targets.map((target) => testTarget(target, sample, previous));
  ctx.display(
    values.json ? `${JSON.stringify(testJson(results), null, 2)}\n` : testText(results, sampleFile),
  );
  return results.every((result) => result.assessment.level === 'ok') ? 0 : 1;
}

/** Exit 0 with the report, 1 when the history cannot be read, 2 for bad input. */
export async function replayCommand(
  ctx: CommandContext,
  values: Record<string, unknown>,
  extra: string[],
  readPlan: PlanReader,
): Promise<number> {
  refuseOthers(values, REPLAY_OPTIONS, 'replay', extra);
  const config = required(values, 'config', 'replay');
  const sinceMs = values.since === undefined ? 7 * 86_400_000 : duration(values.since as string, '--since');
  const plan = await readPlan(config);
  if (plan === 'invalid') return 2;
  const file = (values.history as string | undefined) ?? plan.history;
  if (file === undefined)
    throw new UsageError('watch replay: --history FILE is required (or history in the config)');
  const end = Date.now();
  const start = end - sinceMs;
  let store: HistoryStore | undefined;
  try {
    const { openHistory } = await import('../watch/open-history.js');
    const { replayTarget } = await import('../watch/replay.js');
    const { replayJson, replayText } = await import('../watch/replay-report.js');
    store = await openHistory(file, { log: ctx.log, forReading: true });
    const stored = new Set((await store.targets()).map((t) => t.name));
    const targets = chosen(plan, values.target as string | undefined, () => true).filter((t) =>
      stored.has(t.name),
    );
    const history = store;
    const replays = [];
    for (const target of targets) {
      replays.push(
        replayTarget(
          target,
          await history.ruleSamples(start, target.name),
          plan.windows,
          await history.transitions(start, target.name),
          await history.changes(start, target.name),
        ),
      );
    }
    const report = { config, history: history.file, start, end, targets: replays };
    ctx.display(values.json ? `${JSON.stringify(replayJson(report), null, 2)}\n` : replayText(report));
    return 0;
  } catch (error) {
    if (!(error instanceof HistoryUnavailableError)) throw error;
    ctx.stderr(`statuskit watch replay: ${error.message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

function httpCode(text: string): number {
  if (!/^\d{3}$/.test(text)) throw new UsageError(`--status: expected an HTTP code like 200, got "${text}"`);
  return Number(text);
}

function duration(text: string, flag: string): number {
  try {
    return parseDuration(text, flag);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
