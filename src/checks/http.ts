import type { CheckFunction, CheckOutcome } from '../model/index.js';
import { deadline, elapsedMs } from './abort.js';
import { type HttpRequestOptions, sendRequest } from './http-request.js';
import { evaluateCondition, type JsonCondition } from './json-path.js';
import { checkLatencyThresholds, levelAbove } from './thresholds.js';

export interface HttpCheckOptions extends HttpRequestOptions {
  url: string;
  /** Accepted status codes; default any 2xx. */
  expectStatus?: number | number[];
  /** Conditions on the JSON body, all of which must hold (see json-path.ts for the syntax). */
  expect?: JsonCondition | JsonCondition[];
  /** Latency (ms) from which the check is `warning` / `critical` (reaching it counts). */
  warnMs?: number;
  critMs?: number;
  timeoutMs?: number;
}

/**
 * Sends one request and judges status, body and latency. Unexpected status or a failed body condition is
 * `critical`; slow but correct is decided by `warnMs` / `critMs`. Reading: latency in ms.
 */
export function httpCheck(options: HttpCheckOptions): CheckFunction {
  new URL(options.url); // a bad URL is a configuration error: fail at creation, not at every run
  checkLatencyThresholds(options);
  const conditions = options.expect === undefined ? [] : [options.expect].flat();
  const expected = options.expectStatus === undefined ? undefined : [options.expectStatus].flat();
  return async (ctx): Promise<CheckOutcome> => {
    const run = deadline(ctx.signal, options.timeoutMs);
    const start = performance.now();
    try {
      const res = await sendRequest(options.url, options, run.signal);
      const ms = elapsedMs(start);
      const reading = { observedValue: ms, observedUnit: 'ms', fields: { statusCode: res.status } };
      const statusOk = expected ? expected.includes(res.status) : res.status >= 200 && res.status < 300;
      if (!statusOk) {
        const wanted = expected ? expected.join(' or ') : '2xx';
        return { level: 'critical', message: `HTTP ${res.status}, expected ${wanted}`, ...reading };
      }
      const failure = conditions.length > 0 ? firstFailedCondition(res.body, conditions) : undefined;
      if (failure) return { level: 'critical', message: failure, ...reading };
      return { level: levelAbove(ms, { warn: options.warnMs, crit: options.critMs }), ...reading };
    } finally {
      run.dispose();
    }
  };
}

function firstFailedCondition(body: string, conditions: JsonCondition[]): string | undefined {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return 'the response body is not JSON';
  }
  for (const condition of conditions) {
    const verdict = evaluateCondition(document, condition);
    if (!verdict.ok) return verdict.reason;
  }
  return undefined;
}
