import type { RequestListener } from 'node:http';
import type { AccessControl, Principal } from '../access/types.js';
import { expressAdapter } from '../http/adapters/express.js';
import { fastifyAdapter } from '../http/adapters/fastify.js';
import { wrapFetch } from '../http/adapters/fetch.js';
import { honoAdapter } from '../http/adapters/hono.js';
import { koaAdapter } from '../http/adapters/koa.js';
import { nodeAdapter } from '../http/adapters/node.js';
import type { PassThrough, RequestHandler, StatusRequest, StatusResponse } from '../http/types.js';
import type { EnvelopeOptions } from '../render/envelope.js';
import { rateLimitHeaders, refusal } from './headers.js';
import type { RateLimiter } from './limiter.js';

type Caller = Pick<Principal, 'id' | 'tier'> & Partial<Pick<Principal, 'scheme'>>;

export interface HttpLimitOptions {
  /** Names the caller (id + tier); undefined means anonymous, limited by client address. */
  identify?: (request: StatusRequest) => Caller | undefined | Promise<Caller | undefined>;
  /** Or let an access control name the caller (its refusals are not enforced here, only the limit). */
  access?: AccessControl;
  /** Budget units a request costs. Default 1. */
  cost?: (request: StatusRequest) => number;
  /** Requests to leave alone (health probes, static files). */
  skip?: (request: StatusRequest) => boolean;
  /** Seed 002's error envelope for 429 bodies. */
  envelope?: EnvelopeOptions;
}

/** What the limiter decided for one request: refused (the answer to send), or let through with headers. */
export type Verdict = StatusResponse | PassThrough;

/**
 * A rate limiter in front of an application's own API. `decide` is the transport-neutral
 * handler; the framework methods are statuskit's common adapters around it (the same ones the
 * status endpoint uses), so every framework refuses and sets headers the same way.
 */
export function httpLimits(limiter: RateLimiter, options: HttpLimitOptions = {}) {
  const identify = options.identify ?? (options.access ? identifyBy(options.access) : undefined);

  const decide = async (request: StatusRequest): Promise<Verdict> => {
    if (options.skip?.(request)) return { pass: true, headers: {} };
    const caller = identify ? await identify(request) : undefined;
    const cost = options.cost ? options.cost(request) : 1;
    if (!Number.isFinite(cost) || cost < 0)
      throw new RangeError('httpLimits: `cost` must be a non-negative number');
    const decision = await limiter.consume(limiter.subjectOf(request, caller), cost);
    if (!decision.allowed) return refusal(decision, options.envelope);
    return { pass: true, headers: rateLimitHeaders(decision) };
  };
  const handler: RequestHandler = decide;

  return {
    decide,
    /** Wraps a `node:http` listener. */
    node: (listener: RequestListener): RequestListener => nodeAdapter(handler, listener),
    /** Express 4/5: `app.use(limits.express())`. */
    express: () => expressAdapter(handler),
    /** Koa: `app.use(limits.koa())`. */
    koa: () => koaAdapter(handler),
    /** Fastify: `await app.register(limits.fastify())` — an `onRequest` hook for the whole app. */
    fastify: () => fastifyAdapter(handler),
    /** Wraps a fetch-style handler (`Request -> Response`). */
    fetch: (
      app: (request: Request) => Response | Promise<Response>,
      remoteAddress?: (request: Request) => string | undefined,
    ) => wrapFetch(handler, app, remoteAddress),
    /** Hono: `app.use('*', limits.hono())`. */
    hono: () => honoAdapter(handler),
  };
}

function identifyBy(access: AccessControl) {
  return async (request: StatusRequest) => {
    const decision = await access.authorize(request);
    return decision.allowed ? decision.principal : undefined;
  };
}
