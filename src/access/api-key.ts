import { paramsOf } from '../http/context.js';
import type { StatusRequest } from '../http/types.js';
import { headerValue } from '../http/types.js';
import {
  ABSENT,
  type Authenticator,
  type AuthOutcome,
  type IdentityFields,
  principalOf,
  rejected,
} from './authenticator.js';
import { sha256Hex } from './secure-compare.js';

/** One API key: the plain key, or its SHA-256 as hex (`sha256:<hex>` or bare hex) so config holds no secret. */
export interface ApiKeyEntry extends IdentityFields {
  key?: string;
  sha256?: string;
  /** Human name for the key, e.g. `ci-monitor`; the default principal id. */
  name?: string;
}

export interface ApiKeyOptions {
  keys: readonly ApiKeyEntry[];
  /** Request header carrying the key (case-insensitive). Default `x-api-key`. */
  header?: string;
  /** Query parameter carrying the key, e.g. `api_key`. Off by default: URLs end up in logs. */
  queryParameter?: string | false;
}

/** Hex SHA-256 of a key, for storing hashes instead of keys (`apiKeyHash('s3cret')`). */
export function apiKeyHash(key: string): string {
  return sha256Hex(key);
}

/**
 * API keys, looked up by the SHA-256 of the presented key. A Map lookup on a hash is safe against
 * timing attacks: learning how many leading bytes of a SHA-256 matched tells nothing about the key.
 */
export function apiKeyAuth(options: ApiKeyOptions): Authenticator {
  const header = (options.header ?? 'x-api-key').toLowerCase();
  const queryParameter = options.queryParameter || undefined;
  const principals = indexKeys(options.keys);

  const check = (presented: string): AuthOutcome => principals.get(apiKeyHash(presented)) ?? UNKNOWN_KEY;

  return {
    scheme: 'apiKey',
    authenticate(request: StatusRequest): AuthOutcome {
      const presented = headerValue(request.headers, header) ?? fromQuery(request, queryParameter);
      return presented === undefined ? ABSENT : check(presented);
    },
    authenticateCredential: check,
  };
}

const UNKNOWN_KEY = Object.freeze(rejected('unknown API key'));

/** Key hash → the (prebuilt, frozen) outcome of presenting that key: the hot path allocates nothing. */
function indexKeys(keys: readonly ApiKeyEntry[]): Map<string, AuthOutcome> {
  if (!Array.isArray(keys)) throw new TypeError('apiKeyAuth: `keys` must be an array');
  const index = new Map<string, AuthOutcome>();
  keys.forEach((entry, position) => {
    const hash = storedHash(entry, position);
    if (index.has(hash)) throw new Error(`apiKeyAuth: key #${position} is a duplicate`);
    index.set(
      hash,
      Object.freeze({
        kind: 'accepted',
        principal: principalOf('apiKey', entry.name ?? `key-${position}`, entry),
      }),
    );
  });
  return index;
}

function storedHash(entry: ApiKeyEntry, position: number): string {
  if (typeof entry.key === 'string' && entry.key.length > 0) return apiKeyHash(entry.key);
  const hash = entry.sha256?.replace(/^sha256:/i, '').toLowerCase();
  if (hash && /^[0-9a-f]{64}$/.test(hash)) return hash;
  throw new Error(`apiKeyAuth: key #${position} needs a non-empty \`key\` or a 64-hex-digit \`sha256\``);
}

function fromQuery(request: StatusRequest, parameter: string | undefined): string | undefined {
  if (!parameter) return undefined;
  return paramsOf(request).get(parameter) ?? undefined;
}
