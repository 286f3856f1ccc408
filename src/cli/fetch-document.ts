/** What `get` and `check` share: the auth options, and fetching a document over HTTP or WebSocket. */
import { parseDuration } from '../util/duration.js';
import { type CommandContext, type OptionSpec, UsageError } from './context.js';
import { type AuthFlags, baseHeaders, type FetchedResponse, fetchWithAuth } from './http-client.js';
import { wsCommand } from './ws-client.js';

export const AUTH_OPTIONS: OptionSpec = {
  'api-key': { type: 'string' },
  'api-key-header': { type: 'string' },
  header: { type: 'string', short: 'H', multiple: true },
  token: { type: 'string' },
  user: { type: 'string', short: 'u' },
  digest: { type: 'boolean' },
  timeout: { type: 'string', short: 't' },
  insecure: { type: 'boolean', short: 'k' },
  command: { type: 'string' },
};

export interface DocumentRequest extends AuthFlags {
  url: string;
  timeoutMs: number;
  insecure?: boolean;
  /** WebSocket command (default `status`). */
  command: string;
  /** Aborts from outside, besides the timeout. */
  signal?: AbortSignal;
}

export function documentRequest(
  ctx: CommandContext,
  values: Record<string, unknown>,
  positionals: string[],
): DocumentRequest {
  const url = positionals[0];
  if (!url) throw new UsageError('missing URL');
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  try {
    new URL(url);
  } catch {
    throw new UsageError(`not a URL: "${url}"`);
  }
  let timeoutMs: number;
  try {
    timeoutMs = parseDuration((values.timeout as string | undefined) ?? '10s', '--timeout');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.digest && values.user === undefined)
    throw new UsageError('--digest needs --user login:password');
  return {
    url,
    timeoutMs,
    insecure: values.insecure as boolean | undefined,
    apiKey: (values['api-key'] as string | undefined) ?? ctx.env.STATUSKIT_API_KEY,
    apiKeyHeader: values['api-key-header'] as string | undefined,
    headers: values.header as string[] | undefined,
    token: (values.token as string | undefined) ?? ctx.env.STATUSKIT_TOKEN,
    user: values.user as string | undefined,
    digest: values.digest as boolean | undefined,
    command: (values.command as string | undefined) ?? 'status',
  };
}

/** HTTP answers come back as they are; a WebSocket answer is dressed as a 200. */
export async function fetchDocument(request: DocumentRequest): Promise<FetchedResponse> {
  const scheme = new URL(request.url).protocol;
  if (scheme === 'ws:' || scheme === 'wss:') {
    const started = performance.now();
    const { authorization: _drop, ...headers } = baseHeaders({ headers: request.headers });
    const body = await wsCommand({
      url: request.url,
      command: request.command,
      credential: request.token ?? request.apiKey,
      headers,
      timeoutMs: request.timeoutMs,
      signal: request.signal,
    });
    return {
      status: 200,
      statusText: 'OK',
      headers: {},
      challenges: [],
      body,
      elapsedMs: performance.now() - started,
    };
  }
  return fetchWithAuth(request.url, request);
}

/** A JSON body, or undefined when the body is not JSON. */
export function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/** The error text a server put in a JSON error body (statuskit's envelope, or common shapes). */
export function errorText(body: string): string | undefined {
  const parsed = parseJson(body);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object') return undefined;
  const doc = parsed.value as Record<string, unknown>;
  for (const text of [doc.message, doc.error]) if (typeof text === 'string') return text;
  return undefined;
}

/** The overall word of a statuskit document: `status`, or `data.status` inside an envelope. */
export function overallWord(document: unknown): unknown {
  if (document === null || typeof document !== 'object') return undefined;
  const doc = document as Record<string, unknown>;
  if (doc.status !== undefined) return doc.status;
  const data = doc.data as Record<string, unknown> | undefined;
  return data && typeof data === 'object' ? data.status : undefined;
}

/** A 503 status document is an answer (it says what is wrong); a 401 error body is not. */
export function isStatusDocument(value: unknown): boolean {
  return typeof overallWord(value) === 'string';
}
