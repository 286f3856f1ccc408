import type { StatusResponse } from './types.js';

const encoder = new TextEncoder();

/** A JSON answer as bytes, with its length: rendered documents are cached and written as they are. */
export function json(
  status: number,
  value: unknown,
  pretty: boolean,
  contentType = 'application/json',
): StatusResponse {
  const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
  return jsonBytes(status, encoder.encode(text ?? 'null'), contentType);
}

/** A JSON answer from bytes already serialized. */
export function jsonBytes(
  status: number,
  body: Uint8Array,
  contentType = 'application/json',
): StatusResponse {
  return {
    status,
    headers: {
      'content-type': `${contentType}; charset=utf-8`,
      'cache-control': 'no-store',
      'content-length': String(body.byteLength),
    },
    body,
  };
}

/** The same answer without a body (HEAD); headers are kept, including the length. */
export function withoutBody(response: StatusResponse): StatusResponse {
  return { ...response, body: '' };
}

/** Adds headers to an answer that may be shared through a cache: a copy, never a mutation. */
export function withHeaders(response: StatusResponse, headers: Record<string, string>): StatusResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}
