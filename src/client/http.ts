/**
 * statuskit's one HTTP client: the CLI's `get` and `check`, the watcher's polls and webhooks, and
 * the `http` and `statuskit` dependency checks all send their requests here.
 *
 * - node:http rather than fetch: Digest needs every `WWW-Authenticate` header on its own (fetch
 *   folds them into one string), and abort must destroy the socket at any stage.
 * - Every request opens a fresh connection (`agent: false`, `Connection: close`): a probe measures
 *   the real path to the service, and no keep-alive socket outlives it.
 * - The body is capped (a status API that streams forever fails, or is cut, at `maxBodyBytes`).
 * - One time limit covers the whole exchange (Digest's second request and redirects included).
 * - Redirects are answers unless `maxRedirects` says to follow them; credentials never follow a
 *   redirect to another origin.
 */
import { type IncomingHttpHeaders, type IncomingMessage, request as plainRequest } from 'node:http';
import { request as tlsRequest } from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { type DigestCredentials, digestAuthorization, pickDigestChallenge } from './digest.js';
import { RequestError } from './request-error.js';

export interface HttpRequestOptions {
  /** Default `GET`. */
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Answers a server's Digest challenge (a 401 offering one) once, with these credentials. */
  digest?: DigestCredentials;
  /** Gives up after this long; the error says `timed out after N ms`. */
  timeoutMs?: number;
  /** Aborts from outside (a shutdown, a check's deadline); the error is the signal's reason. */
  signal?: AbortSignal;
  /** Accept self-signed or otherwise untrusted certificates. Default false. */
  insecure?: boolean;
  /** Extra trusted CA certificates (PEM). */
  ca?: string | string[];
  /** Default 16 MiB. */
  maxBodyBytes?: number;
  /** A longer body fails the request (`fail`, the default) or is cut at the cap (`truncate`). */
  overflow?: 'fail' | 'truncate';
  /** Redirects to follow; default 0: a 3xx is the answer. */
  maxRedirects?: number;
}

export interface HttpResponse {
  /** The URL that answered (after redirects). */
  url: string;
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** Every `WWW-Authenticate` header, unfolded. */
  challenges: string[];
  body: string;
  /** True when the body was cut at `maxBodyBytes` (`overflow: 'truncate'`). */
  truncated: boolean;
  /** The whole exchange, in milliseconds. */
  elapsedMs: number;
  /** Over TLS: the server's certificate (its dates and names) and whether its chain was trusted. */
  certificate?: ServerCertificate;
}

export interface ServerCertificate
  extends Pick<PeerCertificate, 'valid_from' | 'valid_to' | 'subject' | 'issuer'> {
  authorized: boolean;
  authorizationError?: string;
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** What one hop sends; a redirect or a Digest answer makes the next one from it. */
interface Exchange {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  digest?: DigestCredentials;
}

type Answer = Omit<HttpResponse, 'url' | 'elapsedMs'>;

export async function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const started = performance.now();
  const target = parseUrl(url);
  const limit = timeLimit(options);
  let exchange: Exchange = {
    url: target,
    method: options.method ?? 'GET',
    headers: {
      accept: 'application/json, */*;q=0.5',
      ...lowerCaseKeys(options.headers),
      connection: 'close',
    },
    body: options.body,
    digest: options.digest,
  };
  try {
    for (let hop = 0; ; hop++) {
      const answer = await authenticated(exchange, limit.signal, options);
      const location = REDIRECTS.has(answer.status) ? answer.headers.location : undefined;
      const maxRedirects = options.maxRedirects ?? 0;
      if (location === undefined || maxRedirects === 0)
        return { ...answer, url: exchange.url.href, elapsedMs: performance.now() - started };
      if (hop >= maxRedirects) throw new RequestError(`more than ${maxRedirects} redirects`, 'unusable');
      exchange = redirected(exchange, answer.status, location);
    }
  } catch (error) {
    throw limit.explain(error);
  } finally {
    limit.dispose();
  }
}

/** Sends the exchange; a 401 with a Digest challenge is answered once when credentials are given. */
async function authenticated(exchange: Exchange, signal: AbortSignal, options: HttpRequestOptions) {
  const answer = await send(exchange, signal, options);
  if (answer.status !== 401 || exchange.digest === undefined) return answer;
  const challenge = pickDigestChallenge(answer.challenges);
  if (!challenge) throw new RequestError('the server did not offer a Digest challenge', 'unusable');
  const uri = exchange.url.pathname + exchange.url.search;
  const authorization = digestAuthorization(challenge, exchange.digest, { method: exchange.method, uri });
  return send({ ...exchange, headers: { ...exchange.headers, authorization } }, signal, options);
}

/**
 * The next hop of a redirect (RFC 9110 §15.4): 303, and 301/302 after a POST, become a GET without
 * a body. Leaving the origin drops every header the caller set but `Accept` and `User-Agent`
 * (credentials, API keys, custom headers) and the Digest credentials, as curl and browsers drop
 * `Authorization`.
 */
function redirected(from: Exchange, status: number, location: string): Exchange {
  let url: URL;
  try {
    url = new URL(location, from.url);
  } catch {
    throw new RequestError(`a redirect to an invalid URL (${JSON.stringify(location)})`, 'unusable');
  }
  const toGet = status === 303 || ((status === 301 || status === 302) && from.method === 'POST');
  const next = toGet && from.method !== 'HEAD' ? { ...withoutBody(from), method: 'GET' } : from;
  if (url.origin === from.url.origin) return { ...next, url };
  const { accept, 'user-agent': userAgent, connection } = next.headers;
  const kept = Object.entries({ accept, 'user-agent': userAgent, connection });
  const headers = Object.fromEntries(kept.filter(([, value]) => value !== undefined)) as Record<
    string,
    string
  >;
  return { url, method: next.method, headers, body: next.body };
}

/** The exchange without its body, and without the headers that described it. */
function withoutBody(exchange: Exchange): Exchange {
  const { 'content-type': _type, 'content-length': _length, ...headers } = exchange.headers;
  return { ...exchange, headers, body: undefined };
}

function send(exchange: Exchange, signal: AbortSignal, options: HttpRequestOptions): Promise<Answer> {
  const { url } = exchange;
  const request =
    url.protocol === 'https:' ? tlsRequest : url.protocol === 'http:' ? plainRequest : undefined;
  if (!request) return Promise.reject(new RequestError(`unsupported URL scheme ${url.protocol}`, 'unusable'));
  return new Promise<Answer>((resolve, reject) => {
    const req = request(url, {
      method: exchange.method,
      headers: exchange.headers,
      agent: false,
      signal,
      rejectUnauthorized: !options.insecure,
      ca: options.ca,
    });
    req.once('error', reject);
    req.once('response', (res) => readAnswer(res, options).then(resolve, reject));
    req.end(exchange.body);
  });
}

/** The status, headers and body (up to the cap) of a response. */
function readAnswer(res: IncomingMessage, options: HttpRequestOptions): Promise<Answer> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // Read while the socket is open: it is gone once the body has ended.
  const certificate = serverCertificate(res);
  return new Promise<Answer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      settled = true;
      reject(error);
    };
    const finish = (truncated: boolean) => {
      settled = true;
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        headers: res.headers,
        challenges: res.headersDistinct['www-authenticate'] ?? [],
        body: Buffer.concat(chunks).toString('utf8'),
        truncated,
        ...(certificate ? { certificate } : {}),
      });
    };
    res.on('data', (chunk: Buffer) => {
      if (size + chunk.length <= limit) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      if (options.overflow === 'truncate') {
        chunks.push(chunk.subarray(0, limit - size));
        finish(true);
      } else fail(new RequestError(`the response body is larger than ${limit} bytes`, 'unusable'));
      res.destroy();
    });
    res.once('end', () => finish(false));
    res.once('error', fail);
    // A connection cut in the middle of the body (or an abort) may end with `close` alone.
    res.once('close', () => {
      if (!settled) fail(new RequestError('the connection closed before the body ended', 'unreachable'));
    });
  });
}

function serverCertificate(res: IncomingMessage): ServerCertificate | undefined {
  const socket = res.socket as TLSSocket | null;
  if (!socket || typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert?.valid_to) return undefined;
  const { valid_from, valid_to, subject, issuer } = cert;
  const error = socket.authorizationError;
  return {
    valid_from,
    valid_to,
    subject,
    issuer,
    authorized: socket.authorized,
    ...(error ? { authorizationError: String(error) } : {}),
  };
}

interface TimeLimit {
  signal: AbortSignal;
  /** The error to throw for what went wrong: the timeout, the caller's abort, or the network. */
  explain(error: unknown): Error;
  dispose(): void;
}

/**
 * One signal for the caller's abort and the request's own timeout, released when the request ends
 * (a timer or a listener left behind per request would add up in a watcher that runs for months).
 */
function timeLimit(options: HttpRequestOptions): TimeLimit {
  const controller = new AbortController();
  const outer = options.signal;
  const forward = () => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, options.timeoutMs);
  return {
    signal: controller.signal,
    explain(error) {
      if (timedOut) return new RequestError(`timed out after ${options.timeoutMs} ms`, 'timeout');
      if (outer?.aborted)
        return outer.reason instanceof Error ? outer.reason : new RequestError('aborted', 'aborted');
      if (error instanceof RequestError) return error;
      const { code, message } = error as NodeJS.ErrnoException;
      return new RequestError(code ? `${code}: ${message}` : message, 'unreachable', code);
    },
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    },
  };
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new RequestError(`not a URL: ${JSON.stringify(text)}`, 'unusable');
  }
}

function lowerCaseKeys(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
