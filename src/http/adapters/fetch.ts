import type { StatusEndpoint } from '../handler.js';
import { type StatusRequest, toFetchHeaders } from '../types.js';

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
    };
    const response = await endpoint.handle(statusRequest);
    if (!response) return undefined;
    return new Response(response.body as BodyInit, {
      status: response.status,
      headers: toFetchHeaders(response.headers),
    });
  };
}
