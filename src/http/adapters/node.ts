import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { StatusEndpoint } from '../handler.js';
import type { StatusRequest, StatusResponse } from '../types.js';

export function fromIncoming(req: IncomingMessage): StatusRequest {
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress,
  };
}

export function writeResponse(res: ServerResponse, response: StatusResponse): void {
  res.writeHead(response.status, response.headers);
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
