import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPassThrough, type RequestHandler, settledResult } from '../types.js';
import { fromIncoming, setPassHeaders, writeResponse } from './node.js';

/** The part of a Fastify instance the adapters use (structural: no dependency on Fastify's types). */
export interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (
      request: { raw: IncomingMessage },
      reply: { raw: ServerResponse; hijack(): void },
    ) => Promise<void>,
  ): unknown;
}

/**
 * A Fastify plugin around a handler: it runs in an `onRequest` hook, before Fastify's router, so
 * query strings and HEAD/405 behave exactly as in every other adapter and the app's own routes
 * are untouched. A request the handler answers is hijacked; one it lets through continues.
 */
export function fastifyAdapter(handler: RequestHandler) {
  const plugin = async (app: FastifyLike) => {
    app.addHook('onRequest', async (request, reply) => {
      const result = await settledResult(handler, fromIncoming(request.raw));
      if (result === undefined) return;
      if (isPassThrough(result)) {
        setPassHeaders(reply.raw, result.headers);
        return;
      }
      reply.hijack();
      writeResponse(reply.raw, result);
    });
  };
  // Hooks must apply to the whole app, not only to an encapsulated child context.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
