/**
 * How a client proves who it is to a status API: an API key header, extra headers, a bearer token,
 * Basic, or Digest (answered by the HTTP client when the server challenges). The CLI's flags and a
 * watch file's `auth:` both come down to these.
 */
import type { DigestCredentials } from './digest.js';

export interface AuthFlags {
  apiKey?: string;
  /** `X-Api-Key` by default. */
  apiKeyHeader?: string;
  /** `Name: value` lines. */
  headers?: string[];
  token?: string;
  /** `login:password`. */
  user?: string;
  /** Answer a Digest challenge with `user` instead of sending Basic. */
  digest?: boolean;
}

export function parseHeaderFlag(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new Error(`--header: expected "Name: value", got "${text}"`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

/** `login:password`: only the first colon splits, so a password may hold colons. */
export function splitUser(user: string): DigestCredentials {
  const colon = user.indexOf(':');
  if (colon < 0) throw new Error('--user: expected login:password');
  return { username: user.slice(0, colon), password: user.slice(colon + 1) };
}

/** The request headers the credentials give (Digest adds its own once challenged). */
export function credentialHeaders(flags: AuthFlags): Record<string, string> {
  const headers: Record<string, string> = {};
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

/** The Digest credentials to answer a challenge with, when Digest is asked for. */
export function digestCredentials(flags: AuthFlags): DigestCredentials | undefined {
  return flags.digest && flags.user !== undefined ? splitUser(flags.user) : undefined;
}

/** Every secret in the credentials, for masking them in messages. */
export function credentialSecrets(flags: AuthFlags): string[] {
  const secrets = [flags.apiKey, flags.token];
  if (flags.user?.includes(':')) secrets.push(splitUser(flags.user).password);
  for (const header of flags.headers ?? []) {
    const colon = header.indexOf(':');
    if (colon > 0) secrets.push(header.slice(colon + 1).trim());
  }
  return secrets.filter((secret): secret is string => secret !== undefined && secret !== '');
}
