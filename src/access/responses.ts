import type { StatusResponse } from '../http/types.js';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function errorResponse(
  status: number,
  error: string,
  message: string,
  headers: StatusResponse['headers'],
): StatusResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ error, message }) };
}

/**
 * 401 with one `WWW-Authenticate` header line per challenge: browsers read one challenge per line,
 * and curl then picks the strongest Digest algorithm (SHA-256) instead of the last one.
 */
export function unauthorized(message: string, challenges: readonly string[]): StatusResponse {
  const headers: Record<string, string | string[]> =
    challenges.length > 0 ? { 'www-authenticate': [...challenges] } : {};
  return errorResponse(401, 'unauthorized', message, headers);
}

export function forbidden(message: string): StatusResponse {
  return errorResponse(403, 'forbidden', message, {});
}

export function tooManyAttempts(retryAfterMs: number): StatusResponse {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return errorResponse(429, 'too_many_requests', `Too many failed attempts; retry in ${seconds} s`, {
    'retry-after': String(seconds),
  });
}
