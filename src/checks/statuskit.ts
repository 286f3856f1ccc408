import type { CheckFunction, CheckOutcome } from '../model/index.js';
import { parseWord, resolveVocabulary, type VocabularyInput } from '../model/index.js';
import { elapsedMs } from './abort.js';
import { checkRequest, type HttpRequestOptions } from './http.js';
import { readPath } from './json-path.js';

export interface StatuskitCheckOptions extends HttpRequestOptions {
  /** The downstream status endpoint (a statuskit service or any API with a known vocabulary). */
  url: string;
  /** Where the status word is; default: `status`, then `data.status` (envelope). */
  statusPath?: string;
  /** Vocabularies to try first when reading the word back; every built-in one is tried after them. */
  vocabularies?: VocabularyInput[];
}

const DEFAULT_PATHS = ['status', 'data.status'];

/**
 * "Nested statuskit": the downstream document's overall status becomes this component's level. The body
 * is read whatever the HTTP code, since a healthy-format answer with 503 (`DOWN`) is the normal way for
 * a service to say it is down.
 */
export function statuskitCheck(options: StatuskitCheckOptions): CheckFunction {
  new URL(options.url);
  const preferred = (options.vocabularies ?? []).map(resolveVocabulary);
  const paths = options.statusPath ? [options.statusPath] : DEFAULT_PATHS;
  return async (ctx): Promise<CheckOutcome> => {
    const start = performance.now();
    const res = await checkRequest(options.url, options, ctx.signal);
    const reading = { observedValue: elapsedMs(start), observedUnit: 'ms' };
    const word = statusWord(res.body, paths);
    const fields = { httpStatus: res.status, ...(word === undefined ? {} : { status: word }) };
    if (word === undefined) {
      const level = res.status >= 400 ? 'critical' : 'unknown';
      return {
        level,
        message: `HTTP ${res.status} without a status at ${paths.join(' or ')}`,
        fields,
        ...reading,
      };
    }
    const level = typeof word === 'boolean' ? (word ? 'ok' : 'critical') : parseWord(word, preferred);
    if (level === undefined)
      return { level: 'unknown', message: `unknown status word "${word}"`, fields, ...reading };
    return { level, fields, ...reading };
  };
}

/** The first string (or boolean) found at one of the paths, or undefined. */
export function statusWord(body: string, paths: readonly string[]): string | boolean | undefined {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return undefined;
  }
  for (const path of paths) {
    const value = readPath(document, path);
    if (typeof value === 'string' || typeof value === 'boolean') return value;
  }
  return undefined;
}
