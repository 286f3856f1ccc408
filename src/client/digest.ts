/**
 * The client side of HTTP Digest (RFC 7616): SHA-256 or MD5 (and their -sess forms), `qop=auth`,
 * falling back to RFC 2069 when a server offers no qop. Pure: challenge text in, header out.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: string;
  qop?: string[];
  stale?: boolean;
}

const HASHES: Record<string, string> = { 'SHA-256': 'sha256', MD5: 'md5', 'SHA-512-256': 'sha512-256' };

/** Parses `WWW-Authenticate` values (each may hold several challenges) into the challenges by scheme. */
export function parseChallenges(
  values: readonly string[],
): Array<{ scheme: string; params: Record<string, string> }> {
  const out: Array<{ scheme: string; params: Record<string, string> }> = [];
  for (const value of values) {
    let i = 0;
    let current: { scheme: string; params: Record<string, string> } | undefined;
    while (i < value.length) {
      while (i < value.length && /[\s,]/.test(value[i])) i++;
      const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(value.slice(i))?.[0];
      if (!token) break;
      i += token.length;
      let j = i;
      while (j < value.length && value[j] === ' ') j++;
      if (value[j] !== '=') {
        current = { scheme: token.toLowerCase(), params: {} };
        out.push(current);
        continue;
      }
      // token68 (`Bearer abc==`) has no value after '=': treat `=` runs at the end as part of it.
      i = j + 1;
      while (i < value.length && value[i] === ' ') i++;
      let paramValue = '';
      if (value[i] === '"') {
        i++;
        while (i < value.length && value[i] !== '"') {
          if (value[i] === '\\') i++;
          paramValue += value[i] ?? '';
          i++;
        }
        i++;
      } else {
        const bare = /^[^,\s]*/.exec(value.slice(i))?.[0] ?? '';
        paramValue = bare;
        i += bare.length;
      }
      if (current) current.params[token.toLowerCase()] = paramValue;
    }
  }
  return out;
}

/** The strongest Digest challenge we can answer, or undefined. */
export function pickDigestChallenge(values: readonly string[]): DigestChallenge | undefined {
  const candidates = parseChallenges(values)
    .filter((c) => c.scheme === 'digest' && c.params.nonce !== undefined)
    .map((c) => ({
      realm: c.params.realm ?? '',
      nonce: c.params.nonce,
      opaque: c.params.opaque,
      algorithm: c.params.algorithm ?? 'MD5',
      qop: c.params.qop?.split(',').map((q) => q.trim().toLowerCase()),
      stale: c.params.stale?.toLowerCase() === 'true',
    }))
    .filter((c) => HASHES[c.algorithm.replace(/-sess$/i, '').toUpperCase()] !== undefined);
  const rank = (c: DigestChallenge) => (c.algorithm.toUpperCase().startsWith('MD5') ? 1 : 0);
  return candidates.sort((a, b) => rank(a) - rank(b))[0];
}

export interface DigestCredentials {
  username: string;
  password: string;
}

/** The `Authorization` header answering `challenge` for `method uri`. */
export function digestAuthorization(
  challenge: DigestChallenge,
  credentials: DigestCredentials,
  request: { method: string; uri: string },
  nc = 1,
  cnonce = randomBytes(16).toString('hex'),
): string {
  const algorithm = challenge.algorithm.toUpperCase();
  const sess = algorithm.endsWith('-SESS');
  const hashName = HASHES[algorithm.replace(/-SESS$/, '')];
  if (!hashName) throw new Error(`unsupported Digest algorithm ${challenge.algorithm}`);
  const h = (text: string) => createHash(hashName).update(text, 'utf8').digest('hex');
  let ha1 = h(`${credentials.username}:${challenge.realm}:${credentials.password}`);
  if (sess) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = h(`${request.method}:${request.uri}`);
  const useQop = challenge.qop?.includes('auth');
  const ncText = nc.toString(16).padStart(8, '0');
  const response = useQop
    ? h(`${ha1}:${challenge.nonce}:${ncText}:${cnonce}:auth:${ha2}`)
    : h(`${ha1}:${challenge.nonce}:${ha2}`);
  const params: Array<[string, string, boolean]> = [
    ['username', credentials.username, true],
    ['realm', challenge.realm, true],
    ['nonce', challenge.nonce, true],
    ['uri', request.uri, true],
    ['algorithm', challenge.algorithm, false],
    ['response', response, true],
  ];
  if (challenge.opaque !== undefined) params.push(['opaque', challenge.opaque, true]);
  if (useQop) params.push(['qop', 'auth', false], ['nc', ncText, false], ['cnonce', cnonce, true]);
  return `Digest ${params.map(([k, v, q]) => `${k}=${q ? `"${v.replace(/(["\\])/g, '\\$1')}"` : v}`).join(', ')}`;
}
