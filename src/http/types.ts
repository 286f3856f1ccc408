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

/**
 * Lets a request through to the app, with headers for the app's response (a rate limiter's
 * RateLimit headers). Handlers that only answer or decline return a response or undefined.
 */
export interface PassThrough {
  readonly pass: true;
  readonly headers: Readonly<Record<string, string>>;
}

export type HandlerResult = StatusResponse | PassThrough | undefined;

/**
 * What every framework adapter (node:http, Express, Koa, Fastify, fetch, Hono) is built around:
 * a plain function of a request. The status endpoint answers or declines; a rate limiter refuses
 * or passes with headers. It must not throw; adapters still answer 500 if it does.
 */
export type RequestHandler = (request: StatusRequest) => HandlerResult | Promise<HandlerResult>;

export function isPassThrough(result: HandlerResult): result is PassThrough {
  return result !== undefined && (result as PassThrough).pass === true;
}

/** The last line of defence of every adapter: a handler that threw is answered, never propagated. */
export const INTERNAL_ERROR: StatusResponse = Object.freeze({
  status: 500,
  headers: Object.freeze({
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  }) as Record<string, string>,
  body: '{"error":"internal_error","message":"internal error"}',
});

/** The handler's result, awaited; a throw or rejection becomes the 500 answer. */
export async function settledResult(handler: RequestHandler, request: StatusRequest): Promise<HandlerResult> {
  try {
    return await handler(request);
  } catch {
    return INTERNAL_ERROR;
  }
}

/** Calls a handler; a synchronous throw becomes a rejected promise, so callers have one error path. */
export function callHandler(
  handler: RequestHandler,
  request: StatusRequest,
): HandlerResult | Promise<HandlerResult> {
  try {
    return handler(request);
  } catch (error) {
    return Promise.reject(error);
  }
}
