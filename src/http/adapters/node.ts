import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { nodeBodyReader } from '../body.js';
import type { StatusEndpoint } from '../handler.js';
import type { StatusRequest, StatusResponse } from '../types.js';

export function fromIncoming(req: IncomingMessage, parsedBody?: unknown): StatusRequest {
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress,
    readBody: nodeBodyReader(req, parsedBody),
  };
}

const rawHeaders = new WeakMap<StatusResponse, string[]>();

/**
 * Writes a response. Cached responses are written many times: their headers are flattened once
 * into the `[name, value, ...]` form `writeHead` takes without re-walking an object.
 */
export function writeResponse(res: ServerResponse, response: StatusResponse): void {
  let raw = rawHeaders.get(response);
  if (!raw) {
    raw = [];
    for (const [name, value] of Object.entries(response.headers)) {
      for (const item of Array.isArray(value) ? value : [value]) raw.push(name, item);
    }
    rawHeaders.set(response, raw);
  }
  res.writeHead(response.status, raw);
  res.end(response.body);
}

/**
 * A `node:http` request listener. Paths that are not statuskit's go to `fallback`, or get a 404
 * JSON answer when there is none.
 */
export function nodeListener(endpoint: StatusEndpoint, fallback?: RequestListener): RequestListener {
  return (req, res) => {
    const answer = (response: StatusResponse | undefined) => {
      if (response) writeResponse(res, response);
      else if (fallback) fallback(req, res);
      else
        writeResponse(
          res,
          endpoint.error({
            status: 404,
            code: 'not_found',
            message: `no route for ${req.url?.slice(0, 200)}`,
          }),
        );
    };
    const fail = () => {
      if (!res.headersSent)
        writeResponse(
          res,
          endpoint.error({ status: 500, code: 'internal_error', message: 'internal error' }),
        );
    };
    const result = endpoint.handle(fromIncoming(req));
    if (result instanceof Promise) result.then(answer, fail);
    else answer(result);
  };
}
