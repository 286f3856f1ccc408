import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AccessControl, Principal } from '../access/types.js';
import type { FastifyLike } from '../http/adapters/fastify.js';
import { setKoaHeaders } from '../http/adapters/koa.js';
import { fromIncoming, writeResponse } from '../http/adapters/node.js';
import { type StatusRequest, type StatusResponse, toFetchHeaders } from '../http/types.js';
import type { EnvelopeOptions } from '../render/envelope.js';
import { rateLimitHeaders, refusal } from './headers.js';
import type { RateLimiter } from './limiter.js';

type Caller = Pick<Principal, 'id' | 'tier'>;

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

/** What a framework adapter must do: set headers, and answer the refusal when there is one. */
export interface Verdict {
  headers: Record<string, string>;
  refusal?: StatusResponse;
}

/**
 * A rate limiter in front of an application's own API, with one adapter per framework (as the
 * status endpoint has): `node`, `express`, `koa`, `fastify`, `hono`, `fetch`. Every adapter asks
 * the same transport-neutral `decide`.
 */
export function httpLimits(limiter: RateLimiter, options: HttpLimitOptions = {}) {
  const identify =
    options.identify ??
    (options.access
      ? async (request: StatusRequest) => {
          const decision = await options.access!.authorize(request);
          return decision.allowed ? decision.principal : undefined;
        }
      : undefined);

  const decide = async (request: StatusRequest): Promise<Verdict> => {
    if (options.skip?.(request)) return { headers: {} };
    const caller = identify ? await identify(request) : undefined;
    const cost = options.cost ? options.cost(request) : 1;
    if (!Number.isFinite(cost) || cost < 0)
      throw new RangeError('httpLimits: `cost` must be a non-negative number');
    const decision = await limiter.consume(limiter.subjectOf(request, caller), cost);
    if (!decision.allowed) return { headers: {}, refusal: refusal(decision, options.envelope) };
    return { headers: rateLimitHeaders(decision) };
  };

  const nodeDecide = (req: IncomingMessage, url = req.url) => {
    const request = fromIncoming(req);
    if (url) request.url = url;
    return decide(request);
  };

  const applyNode = (res: ServerResponse, verdict: Verdict): boolean => {
    if (verdict.refusal) {
      writeResponse(res, verdict.refusal);
      return false;
    }
    for (const [name, value] of Object.entries(verdict.headers)) res.setHeader(name, value);
    return true;
  };

  return {
    decide,

    /** Wraps a `node:http` listener. */
    node(listener: RequestListener): RequestListener {
      return (req, res) => {
        nodeDecide(req).then(
          (verdict) => applyNode(res, verdict) && listener(req, res),
          (error) => failed(res, error),
        );
      };
    },

    /** Express 4/5: `app.use(limits.express())`. */
    express() {
      return (
        req: IncomingMessage & { originalUrl?: string },
        res: ServerResponse,
        next: (e?: unknown) => void,
      ) => {
        nodeDecide(req, req.originalUrl).then((verdict) => applyNode(res, verdict) && next(), next);
      };
    },

    /** Koa: `app.use(limits.koa())`. */
    koa() {
      return async (
        ctx: {
          req: IncomingMessage;
          originalUrl: string;
          status: number;
          body: unknown;
          set(field: string, value: string | string[]): void;
        },
        next: () => Promise<unknown>,
      ) => {
        const verdict = await nodeDecide(ctx.req, ctx.originalUrl);
        if (verdict.refusal) {
          ctx.status = verdict.refusal.status;
          setKoaHeaders(ctx, verdict.refusal.headers);
          ctx.body = verdict.refusal.body;
          return;
        }
        setKoaHeaders(ctx, verdict.headers);
        await next();
      };
    },

    /** Fastify: `await app.register(limits.fastify())` — an `onRequest` hook for the whole app. */
    fastify() {
      const plugin = async (app: FastifyLike) => {
        app.addHook('onRequest', async (request, reply) => {
          const verdict = await nodeDecide(request.raw);
          if (verdict.refusal) reply.hijack();
          applyNode(reply.raw, verdict);
        });
      };
      (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
      return plugin;
    },

    /** Wraps a fetch-style handler (`Request -> Response`). */
    fetch(
      handler: (request: Request) => Response | Promise<Response>,
      remoteAddress?: (request: Request) => string | undefined,
    ) {
      return async (request: Request): Promise<Response> => {
        const verdict = await decide(fromFetch(request, remoteAddress?.(request)));
        if (verdict.refusal) return toFetchResponse(verdict.refusal);
        const response = await handler(request);
        const headers = new Headers(response.headers);
        for (const [name, value] of Object.entries(verdict.headers)) headers.set(name, value);
        return new Response(response.body, {
          status: response.status,
          statusText: response.statusText,
          headers,
        });
      };
    },

    /** Hono: `app.use('*', limits.hono())`. */
    hono() {
      return async (
        c: {
          req: { raw: Request };
          env?: { incoming?: { socket?: { remoteAddress?: string } } };
          header(name: string, value: string): void;
        },
        next: () => Promise<void>,
      ): Promise<Response | undefined> => {
        const verdict = await decide(fromFetch(c.req.raw, c.env?.incoming?.socket?.remoteAddress));
        if (verdict.refusal) return toFetchResponse(verdict.refusal);
        for (const [name, value] of Object.entries(verdict.headers)) c.header(name, value);
        await next();
        return undefined;
      };
    },
  };
}

function fromFetch(request: Request, remoteAddress: string | undefined): StatusRequest {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { method: request.method, url: url.pathname + url.search, headers, remoteAddress };
}

function toFetchResponse(response: StatusResponse): Response {
  return new Response(response.body as BodyInit, {
    status: response.status,
    headers: toFetchHeaders(response.headers),
  });
}

/** A limiter bug must not take the app down: 500, without the error's text. */
function failed(res: ServerResponse, _error: unknown): void {
  if (res.headersSent) return;
  res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: 'internal_error', message: 'rate limiting failed' }));
}
