import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StatusEndpoint } from '../handler.js';
import { fromIncoming, writeResponse } from './node.js';

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
 * Fastify plugin: `await app.register(status.fastify())`. It answers statuskit's paths in an
 * `onRequest` hook, before Fastify's router, so query strings and HEAD/405 behave exactly as in
 * every other adapter and the app's own routes are untouched.
 */
export function fastifyPlugin(endpoint: StatusEndpoint) {
  const plugin = async (app: FastifyLike) => {
    app.addHook('onRequest', async (request, reply) => {
      const url = request.raw.url ?? '/';
      const q = url.indexOf('?');
      if (!endpoint.matches(q === -1 ? url : url.slice(0, q))) return;
      const response = await endpoint.handle(fromIncoming(request.raw));
      if (!response) return;
      reply.hijack();
      writeResponse(reply.raw, response);
    });
  };
  // Hooks must apply to the whole app, not only to an encapsulated child context.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
