import { MAX_BODY_BYTES, tooLarge } from '../body.js';
import {
  type HandlerResult,
  isPassThrough,
  type RequestHandler,
  type StatusRequest,
  type StatusResponse,
  settledResult,
  toFetchHeaders,
} from '../types.js';

async function readFetchBody(request: Request): Promise<Uint8Array> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
  return bytes;
}

/** A fetch `Request` as a `StatusRequest` (the body is read only if a route asks for it). */
export function fromFetch(request: Request, remoteAddress?: string): StatusRequest {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    method: request.method,
    url: url.pathname + url.search,
    headers,
    remoteAddress,
    readBody: () => readFetchBody(request),
  };
}

export function toFetchResponse(response: StatusResponse): Response {
  return new Response(response.body as BodyInit, {
    status: response.status,
    headers: toFetchHeaders(response.headers),
  });
}

/** Runs a handler on a fetch request; a malformed request URL is a 400, never a throw. */
export function fetchResult(
  handler: RequestHandler,
  request: Request,
  remoteAddress?: string,
): Promise<HandlerResult> {
  let statusRequest: StatusRequest;
  try {
    statusRequest = fromFetch(request, remoteAddress);
  } catch {
    return Promise.resolve(BAD_URL);
  }
  return settledResult(handler, statusRequest);
}

const BAD_URL: StatusResponse = {
  status: 400,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: '{"error":"bad_request","message":"the request URL is not valid"}',
};

/**
 * A fetch-style handler (`Request -> Response`) for Hono, Bun, Deno, Cloudflare-style runtimes:
 * undefined for requests the handler lets through.
 */
export function fetchAdapter(handler: RequestHandler) {
  return async (request: Request, remoteAddress?: string): Promise<Response | undefined> => {
    const result = await fetchResult(handler, request, remoteAddress);
    return result === undefined || isPassThrough(result) ? undefined : toFetchResponse(result);
  };
}

/** Puts a handler in front of a fetch-style app: its answers win; what it lets through reaches the app. */
export function wrapFetch(
  handler: RequestHandler,
  app: (request: Request) => Response | Promise<Response>,
  remoteAddress?: (request: Request) => string | undefined,
) {
  return async (request: Request): Promise<Response> => {
    const result = await fetchResult(handler, request, remoteAddress?.(request));
    if (result !== undefined && !isPassThrough(result)) return toFetchResponse(result);
    const response = await app(request);
    if (!result) return response;
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(result.headers)) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
