import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestMetrics } from '../requests.js';
import { safeKey } from './node.js';

export interface FastifyInstrumentOptions {
  /** Default: the matched route pattern (`request.routeOptions.url`); 404s have none. */
  key?: (request: FastifyRequest, reply: FastifyReply) => string | undefined;
}

export function fastifyRouteKey(request: FastifyRequest): string | undefined {
  return request.routeOptions?.url;
}

/**
 * Adds an `onResponse` hook to `app` (call it on the root instance, before `listen`/`ready`).
 * Durations are Fastify's own `reply.elapsedTime`.
 */
export function instrumentFastify(
  app: FastifyInstance,
  metrics: RequestMetrics,
  options: FastifyInstrumentOptions = {},
): void {
  const key = options.key ?? fastifyRouteKey;
  app.addHook('onResponse', async (request, reply) => {
    metrics.record(
      reply.statusCode,
      reply.elapsedTime,
      safeKey(() => key(request, reply)),
    );
  });
}
