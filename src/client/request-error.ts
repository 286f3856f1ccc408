/**
 * Why a request got no usable answer, and the one verdict statuskit draws from it (`check`,
 * `watch`, the dependency checks): a service that cannot be reached or does not answer in time is
 * down (critical, as Nagios' check_http says); an answer the client will not use (a body over the
 * cap, no Digest challenge to answer, a redirect it cannot follow) says nothing about the service's
 * health and is unknown.
 */
import type { Level } from '../model/levels.js';

export type RequestFailure =
  /** No HTTP answer: DNS, connection refused or reset, TLS, a malformed response. */
  | 'unreachable'
  /** The request's own time limit passed. */
  | 'timeout'
  /** The caller aborted it (a shutdown). */
  | 'aborted'
  /** An answer the client refuses to use. */
  | 'unusable';

export class RequestError extends Error {
  override name = 'RequestError';

  constructor(
    message: string,
    readonly failure: RequestFailure,
    /** The system error code (`ECONNREFUSED`, `ENOTFOUND`, …) when there is one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

export function failureLevel(failure: RequestFailure): Level {
  return failure === 'unreachable' || failure === 'timeout' ? 'critical' : 'unknown';
}
