/**
 * One poll of a target as a check function, so the check runner gives it its timeout, its
 * never-throw guarantee and its error messages. The request goes through statuskit's client
 * (src/client): the same auth as `get` and `check` (API key, headers, bearer, Basic, Digest) and
 * ws:// targets too. A target that cannot be reached is critical (the runner's verdict for a thrown
 * error); an answer the client refuses to use is unknown, as `statuskit check` says.
 */
import { fetchDocument } from '../client/fetch-document.js';
import type { HttpResponse } from '../client/http.js';
import { failureLevel, RequestError } from '../client/request-error.js';
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
    let response: HttpResponse;
    try {
      // The runner's signal aborts the request itself, so a shutdown closes its connection at once.
      response = await fetchDocument({
        url: target.url,
        ...target.auth,
        timeoutMs: target.timeoutMs,
        insecure: target.insecure,
        command: 'status',
        signal,
      });
    } catch (error) {
      if (!(error instanceof RequestError) || failureLevel(error.failure) !== 'unknown') throw error;
      return { level: 'unknown', message: target.redact(error.message) };
    }
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
