import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { nodeBodyReader } from '../body.js';
import {
  callHandler,
  type HandlerResult,
  INTERNAL_ERROR,
  isPassThrough,
  type RequestHandler,
  type StatusRequest,
  type StatusResponse,
} from '../types.js';

export function fromIncoming(req: IncomingMessage, parsedBody?: unknown, url?: string): StatusRequest {
  return {
    method: req.method ?? 'GET',
    url: url ?? req.url ?? '/',
    headers: req.headers,
    remoteAddress: req.socket?.remoteAddress,
    readBody: nodeBodyReader(req, parsedBody),
  };
}

const rawHeaders = new WeakMap<StatusResponse, string[]>();

/**
 * Writes a response. Cached responses are written many times: their headers are flattened once
 * into the `[name, value, ...]` form `writeHead` takes without re-walking an object.
 */
export function writeResponse(res: ServerResponse, response: StatusResponse): void {
  if (res.headersSent || res.destroyed) return;
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

/** Headers a pass-through asks for, set on the app's response before it writes its own. */
export function setPassHeaders(res: ServerResponse, headers: Readonly<Record<string, string>>): void {
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

/**
 * Runs a handler for a node request: writes its answer, or calls `pass` (after setting a
 * pass-through's headers). Whatever the handler does, the client gets an answer.
 */
export function handleNode(
  handler: RequestHandler,
  request: StatusRequest,
  res: ServerResponse,
  pass: () => void,
): void {
  const settle = (result: HandlerResult) => {
    if (result === undefined) return pass();
    if (isPassThrough(result)) {
      setPassHeaders(res, result.headers);
      return pass();
    }
    writeResponse(res, result);
  };
  const fail = () => writeResponse(res, INTERNAL_ERROR);
  const result = callHandler(handler, request);
  if (result instanceof Promise) result.then(settle, fail).catch(fail);
  else {
    try {
      settle(result);
    } catch {
      fail();
    }
  }
}

/** A `node:http` request listener: the handler first, then `fallback` for what it lets through. */
export function nodeAdapter(handler: RequestHandler, fallback: RequestListener): RequestListener {
  return (req, res) => handleNode(handler, fromIncoming(req), res, () => fallback(req, res));
}
