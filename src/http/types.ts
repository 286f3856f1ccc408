/**
 * The transport-neutral request and response that every adapter (node:http, fetch, Express,
 * Fastify, Koa, Hono) converts to and from. The core handler is a function of these.
 */
export type HeaderValue = string | string[] | undefined;

export interface StatusRequest {
  method: string;
  /** Path and query, as sent (`/status?path=a.b`). */
  url: string;
  /** Header names lower-case. */
  headers: Readonly<Record<string, HeaderValue>>;
  /** The peer's address, for throttling and rate limits. */
  remoteAddress?: string;
  /**
   * Reads the body (bounded; `BodyError` beyond 16 KiB): raw bytes or text, or what the framework's
   * body parser produced. Only a route that answers the request may call it, so bodies of requests
   * that fall through to the app stay unread. Absent for transports without a body.
   */
  readBody?: () => Promise<unknown>;
}

export interface StatusResponse {
  status: number;
  /** Header names lower-case; an array sends the header once per value (`WWW-Authenticate` challenges). */
  headers: Record<string, string | string[]>;
  /** Bytes are preferred: rendered documents are cached as bytes. */
  body: Uint8Array | string;
}

/** Turns response headers into a fetch `Headers`, one line per array item. */
export function toFetchHeaders(headers: StatusResponse['headers']): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const item of value) out.append(name, item);
    else out.set(name, value);
  }
  return out;
}

export function headerValue(headers: StatusRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
