/**
 * Fetching a status document the way `get`, `check` and the watcher do: over HTTP(S) with the
 * caller's credentials, or as one command over seed 003's WebSocket protocol.
 */
import { type AuthFlags, credentialHeaders, digestCredentials } from './credentials.js';
import { type HttpResponse, httpRequest } from './http.js';
import { wsCommand } from './ws-command.js';

export interface DocumentRequest extends AuthFlags {
  url: string;
  timeoutMs: number;
  insecure?: boolean;
  /** WebSocket command (default `status`). */
  command?: string;
  /** Aborts from outside, besides the timeout. */
  signal?: AbortSignal;
  /** Redirects to follow; default 0 (a 3xx is the answer). */
  maxRedirects?: number;
}

const USER_AGENT = 'statuskit-cli';

/** HTTP answers come back as they are; a WebSocket answer is dressed as a 200. */
export async function fetchDocument(request: DocumentRequest): Promise<HttpResponse> {
  const scheme = new URL(request.url).protocol;
  if (scheme === 'ws:' || scheme === 'wss:') return fetchOverWebSocket(request);
  return httpRequest(request.url, {
    headers: { 'user-agent': USER_AGENT, ...credentialHeaders(request) },
    digest: digestCredentials(request),
    timeoutMs: request.timeoutMs,
    signal: request.signal,
    insecure: request.insecure,
    maxRedirects: request.maxRedirects,
  });
}

async function fetchOverWebSocket(request: DocumentRequest): Promise<HttpResponse> {
  const started = performance.now();
  // The credential goes in the `auth` message, not in a header.
  const body = await wsCommand({
    url: request.url,
    command: request.command ?? 'status',
    credential: request.token ?? request.apiKey,
    headers: { 'user-agent': USER_AGENT, ...credentialHeaders({ headers: request.headers }) },
    timeoutMs: request.timeoutMs,
    signal: request.signal,
  });
  return {
    url: request.url,
    status: 200,
    statusText: 'OK',
    headers: {},
    challenges: [],
    body,
    truncated: false,
    elapsedMs: performance.now() - started,
  };
}
