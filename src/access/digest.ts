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
  type DigestAlgorithm,
  digestHash,
  ha1For,
  isDigestAlgorithm,
  type UserRecord,
  type UserSource,
  userLookup,
} from './users.js';

export interface DigestOptions {
  users: UserSource;
  /** Realm; stored HA1 hashes must have been made with it. Default `statuskit`. */
  realm?: string;
  /**
   * Key that signs nonces. Processes that share it accept each other's nonces (several replicas
   * behind one name). Default: random per process.
   */
  secret?: string | Uint8Array;
  /** Challenges offered, in order of preference. Default `['SHA-256', 'MD5']`. */
  algorithms?: readonly DigestAlgorithm[];
  /** How long a nonce is accepted before the client is told `stale=true`. Default 5 minutes. */
  nonceLifetimeMs?: number;
  /** Most nonces whose counts are remembered at once. Default 10 000. */
  maxTrackedNonces?: number;
}

/** The request fields a Digest response must carry (RFC 7616 section 3.4). */
interface DigestResponse {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: DigestAlgorithm;
  cnonce: string;
  nc: number;
  opaque: string | undefined;
}

/**
 * HTTP Digest (RFC 7616) with SHA-256 and MD5, `qop=auth` only. Nonces are stateless and signed;
 * the only shared state is the bounded nonce-count window that stops replays.
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
  const lookup = userLookup(options.users, 'digestAuth');
  // HA2 = H(method:uri) is public and repeats for every poll of the same URL: hash it once.
  const ha2Cache = new BoundedMap<string, string>(256);

  const verify = (
    request: StatusRequest,
    params: DigestResponse,
    user: UserRecord | undefined | null,
    now: number,
  ) => {
    // A nonce seen before is known genuine: the per-request cost is then the response hash (and HA2).
    const known = counter.issuedAtOf(params.nonce);
    const nonce = known === undefined ? mint.check(params.nonce) : { valid: true as const, issuedAt: known };
    if (!nonce.valid) return rejected('invalid nonce');
    if (!user || !responseMatches(user, params, request.method, realm, ha2Cache))
      return rejected('wrong user name or password');
    if (now - nonce.issuedAt > lifetime)
      return rejected('nonce expired', { stale: true, countsAsFailure: false });
    const verdict = counter.use(params.nonce, params.nc, nonce.issuedAt, nonce.issuedAt + lifetime, now);
    if (verdict === 'stale') return rejected('nonce forgotten', { stale: true, countsAsFailure: false });
    if (verdict === 'replayed') return rejected('replayed nonce count');
    return { kind: 'accepted', principal: principalOf('digest', user.username, user) } satisfies AuthOutcome;
  };

  return {
    scheme: 'digest',
    authenticate(request: StatusRequest, { now }: AuthContext): AuthOutcome | Promise<AuthOutcome> {
      const header = headerValue(request.headers, 'authorization');
      if (header?.slice(0, 7).toLowerCase() !== 'digest ') return ABSENT;
      const parsed = parseDigestResponse(header.slice(7), realm, opaque, algorithms);
      if (typeof parsed === 'string') return rejected(parsed);
      if (parsed.uri !== request.url) return rejected('digest uri does not match the request');
      const user = lookup(parsed.username);
      const decide = (found: UserRecord | undefined | null) => verify(request, parsed, found, now);
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
          `opaque=${quote(opaque)}${stale ? ', stale=true' : ''}`,
      );
    },
  };
}

function responseMatches(
  user: UserRecord,
  params: DigestResponse,
  method: string,
  realm: string,
  ha2Cache: BoundedMap<string, string>,
): boolean {
  const ha1 = ha1For(user, realm, params.algorithm);
  const a2 = `${params.algorithm}:${method}:${params.uri}`;
  let ha2 = ha2Cache.get(a2);
  if (ha2 === undefined) {
    ha2 = digestHash(params.algorithm, `${method}:${params.uri}`);
    ha2Cache.set(a2, ha2);
  }
  const nc = params.nc.toString(16).padStart(8, '0');
  const expected = digestHash(
    params.algorithm,
    `${ha1 ?? ''}:${params.nonce}:${nc}:${params.cnonce}:auth:${ha2}`,
  );
  // Without a usable HA1 we still compare, so the answer takes as long as a real miss.
  return safeEqualHex(expected, params.response) && ha1 !== undefined;
}

function parseDigestResponse(
  text: string,
  realm: string,
  opaque: string,
  algorithms: readonly DigestAlgorithm[],
): DigestResponse | string {
  const params = parseAuthParams(text);
  if (!params) return 'malformed Digest credentials';
  for (const name of ['username', 'realm', 'nonce', 'uri', 'response', 'qop', 'nc', 'cnonce']) {
    if (!params.get(name)) return `Digest credentials lack "${name}"`;
  }
  const algorithm = params.get('algorithm') ?? 'MD5';
  if (!isDigestAlgorithm(algorithm) || !algorithms.includes(algorithm))
    return `algorithm ${algorithm} not offered`;
  if (params.get('realm') !== realm) return 'wrong realm';
  if (params.get('qop') !== 'auth') return 'only qop=auth is supported';
  const sentOpaque = params.get('opaque');
  if (sentOpaque !== opaque) return 'wrong or missing opaque';
  const nc = params.get('nc')!;
  if (!/^[0-9a-fA-F]{8}$/.test(nc)) return 'malformed nonce count';
  if (params.has('userhash') && params.get('userhash') !== 'false') return 'userhash is not supported';
  return {
    username: params.get('username')!,
    realm,
    nonce: params.get('nonce')!,
    uri: params.get('uri')!,
    response: params.get('response')!,
    algorithm,
    cnonce: params.get('cnonce')!,
    nc: Number.parseInt(nc, 16),
    opaque: sentOpaque,
  };
}

function validAlgorithms(algorithms: readonly DigestAlgorithm[]): readonly DigestAlgorithm[] {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new Error('digestAuth: `algorithms` needs at least one of SHA-256, MD5');
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
