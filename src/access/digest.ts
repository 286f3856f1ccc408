import { createHmac, randomBytes } from 'node:crypto';
import type { StatusRequest } from '../http/types.js';
import { headerValue } from '../http/types.js';
import { parseAuthParams, quote } from './auth-params.js';
import {
  ABSENT,
  type AuthContext,
  type Authenticator,
  type AuthOutcome,
  isPromise,
  principalOf,
  rejected,
} from './authenticator.js';
import { BoundedMap } from './bounded-map.js';
import { NonceCounter, NonceMint } from './digest-nonce.js';
import { safeEqualHex } from './secure-compare.js';
import {
  baseHashOf,
  type DigestAlgorithm,
  type DigestHashName,
  digestHash,
  digestUserhash,
  ha1For,
  isDigestAlgorithm,
  isSessionAlgorithm,
  parseDigestAlgorithm,
  type UserRecord,
  type UserSource,
  userLookup,
} from './users.js';

type FoundUser = UserRecord | undefined | null;

/** Finds a user by H(username:realm), for `userhash` with a `users` function. */
export type UserhashLookup = (userhash: string, hash: DigestHashName) => FoundUser | Promise<FoundUser>;

export interface DigestOptions {
  users: UserSource;
  /** Realm; stored HA1 hashes must have been made with it. Default `statuskit`. */
  realm?: string;
  /**
   * Key that signs nonces. Processes that share it accept each other's nonces (several replicas
   * behind one name). Default: random per process.
   */
  secret?: string | Uint8Array;
  /**
   * Challenges offered, in order of preference: `SHA-256`, `SHA-256-sess`, `SHA-512-256`,
   * `SHA-512-256-sess`, `MD5`, `MD5-sess`. curl answers only the first; browsers the first they know.
   * Default `['SHA-256', 'MD5']`.
   */
  algorithms?: readonly DigestAlgorithm[];
  /** How long a nonce is accepted before the client is told `stale=true`. Default 5 minutes. */
  nonceLifetimeMs?: number;
  /** Most nonces whose counts are remembered at once. Default 10 000. */
  maxTrackedNonces?: number;
  /**
   * Offer `userhash=true` (RFC 7616 section 3.4.4): clients may then send H(username:realm) instead
   * of the name. Plain names are still accepted. Default false (hashed names are refused).
   */
  userhash?: boolean;
  /**
   * With `userhash` and a `users` function: finds the user whose H(username:realm) is given (a hash
   * cannot be turned back into the name). With a `users` table the hashes are precomputed instead.
   */
  findUserByHash?: UserhashLookup;
}

/** The request fields a Digest response must carry (RFC 7616 section 3.4). */
interface DigestResponse {
  /** The user name, or with `userhash` its lower-case hex hash. */
  username: string;
  userhash: boolean;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: DigestAlgorithm;
  cnonce: string;
  nc: number;
  opaque: string | undefined;
}

/** What a well-formed response must agree with. */
interface Expected {
  realm: string;
  opaque: string;
  algorithms: readonly DigestAlgorithm[];
  userhash: boolean;
}

/**
 * HTTP Digest (RFC 7616) with SHA-256, SHA-512-256 and MD5, each also as `-sess`, `qop=auth` only,
 * optional `userhash`. Nonces are stateless and signed; the only shared state is the bounded
 * nonce-count window that stops replays.
 */
export function digestAuth(options: DigestOptions): Authenticator {
  const realm = options.realm ?? 'statuskit';
  const algorithms = validAlgorithms(options.algorithms ?? ['SHA-256', 'MD5']);
  const lifetime = options.nonceLifetimeMs ?? 5 * 60_000;
  const secret = toBytes(options.secret) ?? randomBytes(32);
  const mint = new NonceMint(secret, realm);
  const counter = new NonceCounter(options.maxTrackedNonces ?? 10_000);
  // Opaque is derived from the secret so replicas sharing the secret agree on it.
  const opaque = createHmac('sha256', secret).update(`opaque:${realm}`).digest('base64url').slice(0, 22);
  const expected: Expected = { realm, opaque, algorithms, userhash: options.userhash === true };
  const findUser = userFinder(options, realm, algorithms);
  // HA2 = H(method:uri) is public and repeats for every poll of the same URL: hash it once.
  const ha2Cache = new BoundedMap<string, string>(256);
  const challengeTail = `, charset=UTF-8${expected.userhash ? ', userhash=true' : ''}`;

  const verify = (request: StatusRequest, params: DigestResponse, user: FoundUser, now: number) => {
    // A nonce seen before is known genuine: the per-request cost is then the response hash (and HA2).
    const known = counter.issuedAtOf(params.nonce);
    const nonce = known === undefined ? mint.check(params.nonce) : { valid: true as const, issuedAt: known };
    if (!nonce.valid) return rejected('invalid nonce');
    // Unknown users are hashed too, so the answer takes as long as for a wrong password.
    const ha1 = user ? ha1For(user, realm, params.algorithm) : undefined;
    const matches = responseMatches(
      ha1,
      params,
      ha2Of(ha2Cache, params.algorithm, request.method, params.uri),
    );
    // A hashed name (userhash) that matches no user is counted as itself.
    const target = user ? user.username : params.username;
    if (!user || !matches) return rejected('wrong user name or password', { target });
    if (now - nonce.issuedAt > lifetime)
      return rejected('nonce expired', { stale: true, countsAsFailure: false, target });
    const verdict = counter.use(params.nonce, params.nc, nonce.issuedAt, nonce.issuedAt + lifetime, now);
    if (verdict === 'stale')
      return rejected('nonce forgotten', { stale: true, countsAsFailure: false, target });
    if (verdict === 'replayed') return rejected('replayed nonce count', { target });
    return {
      kind: 'accepted',
      principal: principalOf('digest', user.username, user),
      target,
    } satisfies AuthOutcome;
  };

  return {
    scheme: 'digest',
    authenticate(request: StatusRequest, { now }: AuthContext): AuthOutcome | Promise<AuthOutcome> {
      const header = headerValue(request.headers, 'authorization');
      if (header?.slice(0, 7).toLowerCase() !== 'digest ') return ABSENT;
      const parsed = parseDigestResponse(header.slice(7), expected);
      if (typeof parsed === 'string') return rejected(parsed);
      if (parsed.uri !== request.url) return rejected('digest uri does not match the request');
      const user = findUser(parsed);
      const decide = (found: FoundUser) => verify(request, parsed, found, now);
      return isPromise(user)
        ? user.then(decide, () => rejected('user lookup failed', { countsAsFailure: false }))
        : decide(user);
    },
    challenges({ now, stale }): string[] {
      // One nonce for all offered algorithms: a client that merges challenges still gets a consistent set.
      const nonce = mint.issue(now);
      return algorithms.map(
        (algorithm) =>
          `Digest realm=${quote(realm)}, qop="auth", algorithm=${algorithm}, nonce=${quote(nonce)}, ` +
          `opaque=${quote(opaque)}${challengeTail}${stale ? ', stale=true' : ''}`,
      );
    },
  };
}

function ha2Of(cache: BoundedMap<string, string>, algorithm: DigestAlgorithm, method: string, uri: string) {
  const a2 = `${method}:${uri}`;
  const key = `${baseHashOf(algorithm)}:${a2}`;
  let ha2 = cache.get(key);
  if (ha2 === undefined) {
    ha2 = digestHash(algorithm, a2);
    cache.set(key, ha2);
  }
  return ha2;
}

/** Compares even without a usable HA1 (unknown user, HA1 of another hash), so misses cost the same. */
function responseMatches(ha1: string | undefined, params: DigestResponse, ha2: string): boolean {
  const nc = params.nc.toString(16).padStart(8, '0');
  const key = sessionKey(ha1 ?? '', params);
  const expected = digestHash(params.algorithm, `${key}:${params.nonce}:${nc}:${params.cnonce}:auth:${ha2}`);
  return safeEqualHex(expected, params.response) && ha1 !== undefined;
}

/**
 * For `-sess` the key is H(HA1:nonce:cnonce). It is not cached: curl and Chromium send a new cnonce
 * with every request, so a cache per (nonce, cnonce) would never hit. A `-sess` request costs this
 * one extra hash.
 */
function sessionKey(ha1: string, params: DigestResponse): string {
  if (!isSessionAlgorithm(params.algorithm)) return ha1;
  return digestHash(params.algorithm, `${ha1}:${params.nonce}:${params.cnonce}`);
}

/** Plain names go to `users`; hashed names (userhash) to the precomputed index or `findUserByHash`. */
function userFinder(
  options: DigestOptions,
  realm: string,
  algorithms: readonly DigestAlgorithm[],
): (params: DigestResponse) => FoundUser | Promise<FoundUser> {
  const byName = userLookup(options.users, 'digestAuth');
  if (options.userhash !== true) return (params) => byName(params.username);
  const byHash = userhashLookup(options, realm, algorithms);
  return (params) =>
    params.userhash ? byHash(params.username, baseHashOf(params.algorithm)) : byName(params.username);
}

function userhashLookup(
  options: DigestOptions,
  realm: string,
  algorithms: readonly DigestAlgorithm[],
): UserhashLookup {
  const find = options.findUserByHash;
  if (typeof find === 'function') {
    // The record must be the user whose name hashes to what was sent, whatever the lookup returned.
    const confirmed = (userhash: string, hash: DigestHashName) => (found: FoundUser) =>
      found && digestUserhash(found.username, realm, hash) === userhash ? found : undefined;
    return (userhash, hash) => {
      const found = find(userhash, hash);
      return isPromise(found) ? found.then(confirmed(userhash, hash)) : confirmed(userhash, hash)(found);
    };
  }
  if (typeof options.users === 'function') {
    throw new Error(
      'digestAuth: `userhash` with a `users` function needs `findUserByHash` (a hashed name cannot be reversed)',
    );
  }
  // One hash per user and offered hash function, once: a hashed name is then a Map lookup.
  const index = new Map<string, UserRecord>();
  for (const hash of new Set(algorithms.map(baseHashOf))) {
    for (const user of options.users)
      index.set(`${hash}:${digestUserhash(user.username, realm, hash)}`, user);
  }
  return (userhash, hash) => index.get(`${hash}:${userhash}`);
}

function parseDigestResponse(text: string, expected: Expected): DigestResponse | string {
  const params = parseAuthParams(text);
  if (!params) return 'malformed Digest credentials';
  for (const name of ['realm', 'nonce', 'uri', 'response', 'qop', 'nc', 'cnonce']) {
    if (!params.get(name)) return `Digest credentials lack "${name}"`;
  }
  const algorithmName = params.get('algorithm') ?? 'MD5';
  const algorithm = parseDigestAlgorithm(algorithmName);
  if (!algorithm || !expected.algorithms.includes(algorithm))
    return `algorithm ${algorithmName.slice(0, 40)} not offered`;
  if (params.get('realm') !== expected.realm) return 'wrong realm';
  const qop = params.get('qop');
  if (qop === 'auth-int') return 'qop=auth-int is not supported: use qop=auth';
  if (qop !== 'auth') return 'only qop=auth is supported';
  const sentOpaque = params.get('opaque');
  if (sentOpaque !== expected.opaque) return 'wrong or missing opaque';
  const nc = params.get('nc')!;
  if (!/^[0-9a-fA-F]{8}$/.test(nc)) return 'malformed nonce count';
  const user = usernameOf(params, expected.userhash);
  if (typeof user === 'string') return user;
  // Fields spelled out: an object spread here cost more than the response hash.
  return {
    username: user.username,
    userhash: user.userhash,
    realm: expected.realm,
    nonce: params.get('nonce')!,
    uri: params.get('uri')!,
    response: params.get('response')!,
    algorithm,
    cnonce: params.get('cnonce')!,
    nc: Number.parseInt(nc, 16),
    opaque: sentOpaque,
  };
}

/** `username`, `username*` (RFC 8187) or a hashed `username` with `userhash=true`. */
function usernameOf(
  params: Map<string, string>,
  userhashOffered: boolean,
): { username: string; userhash: boolean } | string {
  const plain = params.get('username');
  const extended = params.get('username*');
  const userhash = params.get('userhash')?.toLowerCase() ?? 'false';
  if (userhash !== 'true' && userhash !== 'false') return 'malformed userhash';
  if (userhash === 'true' && !userhashOffered) return 'userhash was not offered';
  if (plain !== undefined && extended !== undefined)
    return 'Digest credentials carry both username and username*';
  if (extended !== undefined) {
    if (userhash === 'true') return 'username* cannot be combined with userhash=true';
    const decoded = decodeExtValue(extended);
    return decoded ? { username: decoded, userhash: false } : 'malformed username* (RFC 8187, UTF-8 only)';
  }
  if (!plain) return 'Digest credentials lack "username"';
  if (userhash === 'true') return { username: plain.toLowerCase(), userhash: true };
  return { username: utf8FromLatin1(plain), userhash: false };
}

/** RFC 8187 ext-value attr-chars, and the whole `charset'language'value` form. */
const EXT_VALUE =
  /^([!#$%&+\-^_`{}~0-9A-Za-z]+)'[0-9A-Za-z-]*'((?:%[0-9A-Fa-f]{2}|[!#$&+\-.^_`|~0-9A-Za-z])*)$/;
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes `UTF-8''J%C3%BCrgen`; undefined for another charset, bad percent-encoding or bad UTF-8. */
function decodeExtValue(text: string): string | undefined {
  const match = EXT_VALUE.exec(text);
  if (match?.[1].toLowerCase() !== 'utf-8') return undefined;
  try {
    // The pattern admits only attr-chars and %XX; decodeURIComponent throws on invalid UTF-8.
    return decodeURIComponent(match[2]);
  } catch {
    return undefined;
  }
}

/**
 * Browsers put a non-ASCII user name into the quoted `username` as raw UTF-8 bytes, which Node (like
 * fetch) hands over as one character per byte. Reads them back as UTF-8 when they are valid UTF-8;
 * anything else is kept as it came.
 */
function utf8FromLatin1(text: string): string {
  if (!/[\u0080-\u00ff]/.test(text) || /[\u0100-\uffff]/.test(text)) return text;
  try {
    return STRICT_UTF8.decode(Buffer.from(text, 'latin1'));
  } catch {
    return text;
  }
}

function validAlgorithms(algorithms: readonly DigestAlgorithm[]): readonly DigestAlgorithm[] {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new Error(
      'digestAuth: `algorithms` needs at least one of SHA-256, SHA-512-256, MD5 (or their -sess forms)',
    );
  }
  for (const algorithm of algorithms) {
    if (!isDigestAlgorithm(algorithm)) throw new Error(`digestAuth: unsupported algorithm "${algorithm}"`);
  }
  return [...algorithms];
}

function toBytes(secret: string | Uint8Array | undefined): Uint8Array | undefined {
  if (secret === undefined) return undefined;
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (bytes.length < 16) throw new Error('digestAuth: `secret` must be at least 16 bytes');
  return bytes;
}
