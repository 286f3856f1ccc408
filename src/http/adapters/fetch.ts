import { MAX_BODY_BYTES, tooLarge } from '../body.js';
import type { StatusEndpoint } from '../handler.js';
import { type StatusRequest, toFetchHeaders } from '../types.js';

async function readFetchBody(request: Request): Promise<Uint8Array> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
  return bytes;
}

/**
 * A fetch-style handler (`Request -> Response`) for Hono, Bun, Deno, Cloudflare-style runtimes.
 * Returns undefined for paths that are not statuskit's.
 */
export function fetchHandler(endpoint: StatusEndpoint) {
  return async (request: Request, remoteAddress?: string): Promise<Response | undefined> => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const statusRequest: StatusRequest = {
      method: request.method,
      url: url.pathname + url.search,
      headers,
      remoteAddress,
      readBody: () => readFetchBody(request),
    };
    const response = await endpoint.handle(statusRequest);
    if (!response) return undefined;
    return new Response(response.body as BodyInit, {
      status: response.status,
      headers: toFetchHeaders(response.headers),
    });
  };
}
