/**
 * `statuskit check URL`: a Nagios / Icinga plugin. Exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, with
 * one line `STATUSKIT <STATE> - <text> | <perfdata>`. Every failure, including bad arguments, is
 * reported in that form: a monitoring system shows the line, not a stack trace.
 *
 * A service that cannot be reached or does not answer in time is CRITICAL (as check_http says, and
 * as `watch` says); UNKNOWN is for what the plugin cannot judge: bad arguments, an answer without a
 * document (401, 404, a redirect not followed, a body that is not JSON), a missing path.
 */

import { fetchDocument } from '../client/fetch-document.js';
import type { HttpResponse } from '../client/http.js';
import {
  errorText,
  isStatusDocument,
  MAX_DOCUMENT_DEPTH,
  overallWord,
  readDocument,
} from '../client/read-document.js';
import { failureLevel, RequestError } from '../client/request-error.js';
import { getAtPath, parsePath } from '../tree/paths.js';
import { documentComponents, failingComponents } from './components.js';
import { type CommandContext, UsageError } from './context.js';
import {
  CRITICAL,
  formatLine,
  judgeValue,
  LEVEL_STATES,
  type NagiosState,
  perfItem,
  type Thresholds,
  UNKNOWN,
  type Verdict,
} from './nagios.js';
import { parseRange } from './ranges.js';
import { DOCUMENT_OPTIONS, documentRequest, redirectNotFollowed } from './request-flags.js';

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
    ...DOCUMENT_OPTIONS,
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

  let response: HttpResponse;
  try {
    response = await fetchDocument(request);
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    const state = LEVEL_STATES[failureLevel(error.failure)];
    return { state, text: `${request.url}: ${error.message}`, perf: [] };
  }
  const time = perfItem('time', response.elapsedMs / 1000, 's', '', '', '0');
  const withTime = (verdict: Verdict): Verdict => ({ ...verdict, perf: [...verdict.perf, time] });

  const document = documentOf(response);
  if ('state' in document) return withTime(document);
  const label = (values.label as string | undefined) ?? (pathText ? lastSegment(pathText) : 'status');
  if (path) {
    const found = getAtPath(document.value, path);
    if (!found.found) return withTime({ state: UNKNOWN, text: `path "${pathText}" not found`, perf: [] });
    return withTime(judgeValue(label, found.value, thresholds));
  }
  const word = overallWord(document.value);
  if (word === undefined) {
    return withTime({ state: UNKNOWN, text: 'no status word in the document; use --path', perf: [] });
  }
  return withTime(withComponents(judgeValue(label, word, thresholds), document.value));
}

/**
 * The document to judge, or the verdict when the answer has none: a 5xx without a status document
 * is CRITICAL (the service says it is failing); a redirect, a 4xx, a body that is not JSON or nests
 * too deep are UNKNOWN (the plugin cannot read a status, most often a wrong URL or credentials).
 */
function documentOf(response: HttpResponse): { value: unknown } | Verdict {
  const { status, body } = response;
  const unknown = (text: string): Verdict => ({ state: UNKNOWN, text, perf: [] });
  const redirect = redirectNotFollowed(response);
  if (redirect) return unknown(`HTTP ${status}: ${redirect}`);
  const document = readDocument(body);
  if (document.kind === 'too-deep')
    return unknown(`the document nests deeper than ${MAX_DOCUMENT_DEPTH} levels`);
  if (document.kind === 'json' && (status < 400 || isStatusDocument(document.value)))
    return { value: document.value };
  if (status < 400) return unknown('the response is not JSON');
  const reason = errorText(body);
  const state: NagiosState = status >= 500 ? CRITICAL : UNKNOWN;
  return { state, text: `HTTP ${status}${reason ? `: ${reason}` : ''}`, perf: [] };
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
