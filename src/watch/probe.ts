/**
 * One poll of a target as a check function, so the check runner gives it its timeout, its
 * never-throw guarantee and its error messages. The request goes through the CLI's client
 * (src/cli/fetch-document.ts): the same auth as `get` and `check` (API key, headers, bearer, Basic,
 * Digest) and ws:// targets too.
 */
import { fetchDocument } from '../cli/fetch-document.js';
import type { CheckFunction, CheckOutcome } from '../model/result.js';
import { CheckRunner } from '../tree/check-runner.js';
import { judgeDocument, judgeHttpCode } from './judge.js';
import type { WatchTarget } from './target.js';

export interface ProbeFields {
  word?: string;
  httpStatus?: number;
}

export function probe(target: WatchTarget): CheckFunction {
  return async ({ signal }): Promise<CheckOutcome> => {
    // The runner's signal aborts the request itself, so a shutdown closes its connection at once.
    const response = await fetchDocument({
      url: target.url,
      ...target.auth,
      timeoutMs: target.timeoutMs,
      insecure: target.insecure,
      command: 'status',
      signal,
    });
    const judged = target.byHttpCode
      ? judgeHttpCode(response.status, response.body)
      : judgeDocument(response.status, response.body, target.statusPaths, target.words);
    const fields: ProbeFields = { httpStatus: response.status };
    if (judged.word !== undefined) fields.word = judged.word;
    return {
      level: judged.level,
      fields: fields as Record<string, unknown>,
      ...(judged.message === undefined ? {} : { message: target.redact(judged.message) }),
    };
  };
}

/** A runner per target: hysteresis is left to the watcher (see transitions.ts), so thresholds stay 1. */
export function probeRunner(target: WatchTarget): CheckRunner {
  return new CheckRunner(
    probe(target),
    { timeout: target.timeoutMs },
    { now: Date.now, redact: target.redact },
  );
}
