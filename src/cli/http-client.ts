/**
 * One GET with the CLI's auth flags: API key header, extra headers, bearer token, Basic, or Digest
 * (answering the server's 401 challenge once). node:http rather than fetch: Digest needs every
 * `WWW-Authenticate` header separately, and fetch folds them into one string.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { digestAuthorization, pickDigestChallenge } from './digest-client.js';

export interface AuthFlags {
  apiKey?: string;
  /** `X-Api-Key` by default. */
  apiKeyHeader?: string;
  headers?: string[];
  token?: string;
  /** `login:password`. */
  user?: string;
  digest?: boolean;
}

export interface FetchOptions extends AuthFlags {
  timeoutMs: number;
  insecure?: boolean;
  /** A longer body fails the request instead of filling memory. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Aborts the request from outside (a watcher shutting down), besides the timeout. */
  signal?: AbortSignal;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface FetchedResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** Every `WWW-Authenticate` header, unfolded. */
  challenges: string[];
  body: string;
  elapsedMs: number;
}

/** A failure to get any HTTP answer (DNS, refused, reset, timeout). */
export class ConnectionError extends Error {
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

export function parseHeaderFlag(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new Error(`--header: expected "Name: value", got "${text}"`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

export function splitUser(user: string): { username: string; password: string } {
  const colon = user.indexOf(':');
  if (colon < 0) throw new Error('--user: expected login:password');
  return { username: user.slice(0, colon), password: user.slice(colon + 1) };
}

export function baseHeaders(flags: AuthFlags): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json, */*;q=0.5',
    'user-agent': 'statuskit-cli',
  };
  if (flags.apiKey !== undefined) headers[(flags.apiKeyHeader ?? 'x-api-key').toLowerCase()] = flags.apiKey;
  if (flags.token !== undefined) headers.authorization = `Bearer ${flags.token}`;
  if (flags.user !== undefined && !flags.digest) {
    headers.authorization = `Basic ${Buffer.from(flags.user, 'utf8').toString('base64')}`;
  }
  for (const header of flags.headers ?? []) {
    const [name, value] = parseHeaderFlag(header);
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

export async function fetchWithAuth(url: string, options: FetchOptions): Promise<FetchedResponse> {
  const target = new URL(url);
  const started = performance.now();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const deadline = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const headers = baseHeaders(options);
  let response = await send(target, headers, deadline, options);
  if (response.status === 401 && options.digest && options.user !== undefined) {
    const challenge = pickDigestChallenge(response.challenges);
    if (!challenge) throw new ConnectionError('the server did not offer a Digest challenge');
    const uri = target.pathname + target.search;
    headers.authorization = digestAuthorization(challenge, splitUser(options.user), { method: 'GET', uri });
    response = await send(target, headers, deadline, options);
  }
  return { ...response, elapsedMs: performance.now() - started };
}

function send(
  target: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
  options: FetchOptions,
): Promise<Omit<FetchedResponse, 'elapsedMs'>> {
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new ConnectionError(`unsupported URL scheme ${target.protocol}`));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      { method: 'GET', headers, signal, rejectUnauthorized: !options.insecure },
      (res) => {
        const chunks: Buffer[] = [];
        const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= limit) chunks.push(chunk);
          else {
            reject(new ConnectionError(`the response body is larger than ${limit} bytes`));
            req.destroy();
          }
        });
        res.on('error', (error) => reject(connectionError(error, signal, options.timeoutMs)));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            challenges: res.headersDistinct['www-authenticate'] ?? [],
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    req.on('error', (error) => reject(connectionError(error, signal, options.timeoutMs)));
    req.end();
  });
}

function connectionError(error: Error, signal: AbortSignal, timeoutMs: number): ConnectionError {
  if (signal.aborted && !(signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError'))
    return new ConnectionError('aborted');
  if (signal.aborted) return new ConnectionError(`timed out after ${timeoutMs} ms`, true);
  const code = (error as NodeJS.ErrnoException).code;
  return new ConnectionError(code ? `${code}: ${error.message}` : error.message);
}
