import { type HttpResponse, httpRequest } from '../client/http.js';
import type { CheckFunction, CheckOutcome } from '../model/index.js';
import { elapsedMs } from './abort.js';
import { evaluateCondition, type JsonCondition } from './json-path.js';
import { checkLatencyThresholds, levelAbove } from './thresholds.js';

/** The request of an `http` or `statuskit` check. */
export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Accept self-signed or otherwise untrusted certificates; default false. */
  insecure?: boolean;
  ca?: string | string[];
  /** The body is read up to this many bytes and the rest dropped; default 1 MiB. */
  maxBodyBytes?: number;
  /** The check's own limit, besides the runner's deadline. */
  timeoutMs?: number;
}

const CHECK_MAX_BODY_BYTES = 1_048_576;

/**
 * One request of a check through statuskit's HTTP client, on a fresh connection: a check measures
 * the real path to the service. A long body is cut, not failed: the first MiB says enough.
 */
export function checkRequest(
  url: string,
  options: HttpRequestOptions,
  signal: AbortSignal,
): Promise<HttpResponse> {
  return httpRequest(url, {
    method: options.method,
    headers: options.headers,
    body: options.body,
    insecure: options.insecure,
    ca: options.ca,
    maxBodyBytes: options.maxBodyBytes ?? CHECK_MAX_BODY_BYTES,
    overflow: 'truncate',
    timeoutMs: options.timeoutMs,
    signal,
  });
}

export interface HttpCheckOptions extends HttpRequestOptions {
  url: string;
  /** Accepted status codes; default any 2xx. */
  expectStatus?: number | number[];
  /** Conditions on the JSON body, all of which must hold (see json-path.ts for the syntax). */
  expect?: JsonCondition | JsonCondition[];
  /** Latency (ms) from which the check is `warning` / `critical` (reaching it counts). */
  warnMs?: number;
  critMs?: number;
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
    const start = performance.now();
    const res = await checkRequest(options.url, options, ctx.signal);
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
