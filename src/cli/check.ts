/**
 * `statuskit check URL`: a Nagios / Icinga plugin. Exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, with
 * one line `STATUSKIT <STATE> - <text> | <perfdata>`. Every failure, including bad arguments, is
 * reported in that form: a monitoring system shows the line, not a stack trace.
 */

import { getAtPath, parsePath } from '../tree/paths.js';
import { documentComponents, failingComponents } from './components.js';
import { type CommandContext, UsageError } from './context.js';
import {
  AUTH_OPTIONS,
  documentRequest,
  errorText,
  fetchDocument,
  isStatusDocument,
  overallWord,
  parseJson,
} from './fetch-document.js';
import { ConnectionError } from './http-client.js';
import {
  CRITICAL,
  formatLine,
  judgeValue,
  type NagiosState,
  perfItem,
  type Thresholds,
  UNKNOWN,
  type Verdict,
} from './nagios.js';
import { parseRange } from './ranges.js';

export async function checkCommand(ctx: CommandContext): Promise<number> {
  let verdict: Verdict;
  try {
    verdict = await evaluate(ctx);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof RangeError)) throw error;
    verdict = { state: UNKNOWN, text: `usage: ${error.message}`, perf: [] };
  }
  ctx.stdout(`${formatLine(verdict)}\n`);
  return verdict.state;
}

async function evaluate(ctx: CommandContext): Promise<Verdict> {
  const { values, positionals } = ctx.parse({
    ...AUTH_OPTIONS,
    path: { type: 'string' },
    warn: { type: 'string', short: 'w' },
    crit: { type: 'string', short: 'c' },
    expect: { type: 'string', short: 'e' },
    label: { type: 'string', short: 'l' },
  });
  const request = documentRequest(ctx, values, positionals);
  const thresholds: Thresholds = {
    warn: values.warn === undefined ? undefined : parseRange(values.warn as string),
    crit: values.crit === undefined ? undefined : parseRange(values.crit as string),
    expect: values.expect as string | undefined,
  };
  const pathText = values.path as string | undefined;
  const path = pathText === undefined ? undefined : parsePathOrUsage(pathText);

  let response: Awaited<ReturnType<typeof fetchDocument>>;
  try {
    response = await fetchDocument(request);
  } catch (error) {
    if (error instanceof ConnectionError)
      return { state: UNKNOWN, text: `${request.url}: ${error.message}`, perf: [] };
    throw error;
  }
  const time = perfItem('time', response.elapsedMs / 1000, 's', '', '', '0');
  const withTime = (verdict: Verdict): Verdict => ({ ...verdict, perf: [...verdict.perf, time] });

  const parsed = parseJson(response.body);
  if (!parsed.ok || (response.status >= 400 && !isStatusDocument(parsed.value))) {
    const reason = errorText(response.body);
    const state: NagiosState = response.status >= 500 ? CRITICAL : UNKNOWN;
    const text =
      response.status >= 400
        ? `HTTP ${response.status}${reason ? `: ${reason}` : ''}`
        : 'the response is not JSON';
    return withTime({ state, text, perf: [] });
  }
  const label = (values.label as string | undefined) ?? (pathText ? lastSegment(pathText) : 'status');
  if (path) {
    const found = getAtPath(parsed.value, path);
    if (!found.found) return withTime({ state: UNKNOWN, text: `path "${pathText}" not found`, perf: [] });
    return withTime(judgeValue(label, found.value, thresholds));
  }
  const word = overallWord(parsed.value);
  if (word === undefined) {
    return withTime({ state: UNKNOWN, text: 'no status word in the document; use --path', perf: [] });
  }
  return withTime(withComponents(judgeValue(label, word, thresholds), parsed.value));
}

/** Most failing components named in the text; beyond it, a count. */
const NAMED_FAILURES = 5;
/** Most component durations in the perfdata (a monitoring line should stay a line). */
const PERF_COMPONENTS = 30;

/**
 * The whole-document verdict, told which components fail (`status = Ko (db Ko, sso Warning)`) and
 * with each component's duration as perfdata, so a graph per dependency comes for free.
 */
function withComponents(verdict: Verdict, document: unknown): Verdict {
  const components = documentComponents(document);
  const failing = failingComponents(components);
  let text = verdict.text;
  if (failing.length > 0) {
    const named = failing.slice(0, NAMED_FAILURES).map((c) => `${c.path} ${c.word}`);
    const more = failing.length > NAMED_FAILURES ? `, +${failing.length - NAMED_FAILURES} more` : '';
    text += ` (${named.join(', ')}${more})`;
  }
  const durations = components
    .filter((c) => c.durationMs !== undefined)
    .slice(0, PERF_COMPONENTS)
    .map((c) => perfItem(c.path, c.durationMs! / 1000, 's', '', '', '0'));
  return { ...verdict, text, perf: [...verdict.perf, ...durations] };
}

function lastSegment(path: string): string {
  const parts = path.split(/[./]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

function parsePathOrUsage(text: string) {
  try {
    return parsePath(text);
  } catch (error) {
    throw new UsageError(`--path: ${(error as Error).message}`);
  }
}
