/** The request options `get`, `check` and `watch` share: credentials, timeout, TLS, redirects. */
import { type AuthFlags, parseHeaderFlag } from '../client/credentials.js';
import type { DocumentRequest } from '../client/fetch-document.js';
import type { HttpResponse } from '../client/http.js';
import { parseDuration } from '../util/duration.js';
import { type CommandContext, type OptionSpec, UsageError } from './context.js';

/** Credentials, for every command that sends requests. */
export const AUTH_OPTIONS: OptionSpec = {
  'api-key': { type: 'string' },
  'api-key-header': { type: 'string' },
  header: { type: 'string', short: 'H', multiple: true },
  token: { type: 'string' },
  user: { type: 'string', short: 'u' },
  digest: { type: 'boolean' },
  timeout: { type: 'string', short: 't' },
  insecure: { type: 'boolean', short: 'k' },
};

/** One document: `get` and `check`. */
export const DOCUMENT_OPTIONS: OptionSpec = {
  ...AUTH_OPTIONS,
  command: { type: 'string' },
  follow: { type: 'boolean', short: 'L' },
};

/** Redirects `--follow` follows at most (curl's default is 50; a status API needs few). */
export const MAX_FOLLOWED_REDIRECTS = 5;

export function documentRequest(
  ctx: CommandContext,
  values: Record<string, unknown>,
  positionals: string[],
): DocumentRequest {
  const url = positionals[0];
  if (!url) throw new UsageError('missing URL');
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  if (!URL.canParse(url)) throw new UsageError(`not a URL: "${url}"`);
  let timeoutMs: number;
  try {
    timeoutMs = parseDuration((values.timeout as string | undefined) ?? '10s', '--timeout');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    url,
    timeoutMs,
    insecure: values.insecure as boolean | undefined,
    ...authFlags(ctx, values),
    command: (values.command as string | undefined) ?? 'status',
    maxRedirects: values.follow ? MAX_FOLLOWED_REDIRECTS : 0,
  };
}

/** The credentials of the flags (and of `STATUSKIT_API_KEY` / `STATUSKIT_TOKEN`), checked. */
export function authFlags(ctx: CommandContext, values: Record<string, unknown>): AuthFlags {
  const headers = values.header as string[] | undefined;
  for (const header of headers ?? []) {
    try {
      parseHeaderFlag(header);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const user = values.user as string | undefined;
  if (values.digest && user === undefined) throw new UsageError('--digest needs --user login:password');
  if (user !== undefined && !user.includes(':')) throw new UsageError('--user: expected login:password');
  return {
    apiKey: (values['api-key'] as string | undefined) ?? ctx.env.STATUSKIT_API_KEY,
    apiKeyHeader: values['api-key-header'] as string | undefined,
    headers,
    token: (values.token as string | undefined) ?? ctx.env.STATUSKIT_TOKEN,
    user,
    digest: values.digest as boolean | undefined,
  };
}

/** The words for a 3xx that `--follow` was not given for, or undefined for any other answer. */
export function redirectNotFollowed(response: HttpResponse): string | undefined {
  if (response.status < 300 || response.status >= 400) return undefined;
  const { location } = response.headers;
  const where = location === undefined ? 'a redirect' : `a redirect to ${location}`;
  return `${where}, not followed (--follow follows redirects)`;
}
