import type { AccessDecision, Principal } from '../access/types.js';
import { parseRequestTarget } from './target.js';
import type { HeaderValue, StatusRequest } from './types.js';

export type MaybePromise<T> = T | Promise<T>;

/** Decides who is calling; the endpoint supplies it (its access control, or its default disclosure). */
export type Authorizer = (request: RequestContext) => MaybePromise<AccessDecision>;

/**
 * One request as every middleware and route sees it: the target parsed once (`pathname`,
 * `search`, `params`), and the caller authenticated at most once (`authorize()`), however many
 * plug-ins ask. It is a `StatusRequest` itself, whose `url` is always origin-form
 * (`/status?x`), so code written against `StatusRequest` reads the same path the router does.
 */
export class RequestContext implements StatusRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, HeaderValue>>;
  readonly remoteAddress: string | undefined;
  readonly readBody: (() => Promise<unknown>) | undefined;
  /** The path as sent, without query, fragment or trailing slash (`/status/applications`). */
  readonly pathname: string;
  /** The query string without `?` (`''` when there is none). */
  readonly search: string;
  private parsedParams: URLSearchParams | undefined;
  private pending: MaybePromise<AccessDecision> | undefined;
  private settled: AccessDecision | undefined;

  constructor(
    /** The request as the adapter handed it over. */
    readonly raw: StatusRequest,
    target: { pathname: string; search: string; url: string },
    private readonly authorizer: Authorizer,
  ) {
    this.method = raw.method;
    this.url = target.url;
    this.headers = raw.headers;
    this.remoteAddress = raw.remoteAddress;
    this.readBody = raw.readBody;
    this.pathname = target.pathname;
    this.search = target.search;
  }

  /** The query parameters, parsed on first use. */
  get params(): URLSearchParams {
    this.parsedParams ??= new URLSearchParams(this.search);
    return this.parsedParams;
  }

  /**
   * Who is calling and what they may see. Computed once per request: HTTP Digest nonce counts and
   * failed-login throttles must not see one request twice, whichever plug-ins ask.
   */
  authorize(): MaybePromise<AccessDecision> {
    if (this.pending !== undefined) return this.pending;
    const decision = this.authorizer(this);
    if (decision instanceof Promise) {
      this.pending = decision.then((settled) => {
        this.settled = settled;
        return settled;
      });
    } else {
      this.pending = decision;
      this.settled = decision;
    }
    return this.pending;
  }

  /** The decision, once `authorize()` has settled; undefined before. */
  get decision(): AccessDecision | undefined {
    return this.settled;
  }

  /** The authenticated caller, once `authorize()` has settled (undefined for anonymous callers). */
  get principal(): Principal | undefined {
    const decision = this.settled;
    return decision?.allowed ? decision.principal : undefined;
  }
}

/**
 * The query parameters of any request: a context's own (parsed once), else parsed from its target
 * by the one parser (absolute-form included). A malformed target has none.
 */
export function paramsOf(request: Pick<StatusRequest, 'url'>): URLSearchParams {
  if (request instanceof RequestContext) return request.params;
  const target = parseRequestTarget(request.url ?? '/');
  return new URLSearchParams(target.ok ? target.search : '');
}

/** The path of any request (no query, no trailing slash), or undefined for a malformed target. */
export function pathnameOf(url: string | undefined): string | undefined {
  const target = parseRequestTarget(url ?? '/');
  return target.ok ? target.pathname : undefined;
}
