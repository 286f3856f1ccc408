import type { RequestMetrics } from '../requests.js';
import { safeKey } from './node.js';

/** The parts of Fastify's request and reply the instrumentation reads (structural types). */
export interface FastifyRequestLike {
  routeOptions?: { url?: string };
}
export interface FastifyReplyLike {
  statusCode: number;
  elapsedTime: number;
}
export interface FastifyInstanceLike<Req extends FastifyRequestLike, Reply extends FastifyReplyLike> {
  addHook(name: 'onResponse', hook: (request: Req, reply: Reply) => Promise<void>): unknown;
}

export interface FastifyInstrumentOptions<Req extends FastifyRequestLike, Reply extends FastifyReplyLike> {
  /** Default: the matched route pattern (`request.routeOptions.url`); 404s have none. */
  key?: (request: Req, reply: Reply) => string | undefined;
}

export function fastifyRouteKey(request: FastifyRequestLike): string | undefined {
  return request.routeOptions?.url;
}

/**
 * Adds an `onResponse` hook to `app` (call it on the root instance, before `listen`/`ready`).
 * Durations are Fastify's own `reply.elapsedTime`.
 */
export function instrumentFastify<Req extends FastifyRequestLike, Reply extends FastifyReplyLike>(
  app: FastifyInstanceLike<Req, Reply>,
  metrics: RequestMetrics,
  options: FastifyInstrumentOptions<Req, Reply> = {},
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
