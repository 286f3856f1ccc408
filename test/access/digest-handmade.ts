import { createHash } from 'node:crypto';

/**
 * An independent Digest client (RFC 7616) for the cases real clients never send: username*,
 * auth-int, a tampered cnonce, userhash to a server that did not offer it. It shares no code with
 * the server, so it doubles as a check of the server's arithmetic.
 */
const NODE_HASH: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };

export function hashFor(algorithm: string): (text: string) => string {
  const name = NODE_HASH[algorithm.replace(/-sess$/i, '').toUpperCase()];
  if (!name) throw new Error(`test client: no hash for ${algorithm}`);
  return (text) => createHash(name).update(text, 'utf8').digest('hex');
}

/** A parameter of the first challenge in a `WWW-Authenticate` text. */
export function challengeParam(header: string, name: string): string {
  const match = new RegExp(`\\b${name}="?([^",]+)"?`).exec(header);
  if (!match) throw new Error(`no ${name} in ${header}`);
  return match[1];
}

export interface Answer {
  /** One Digest challenge (nonce, opaque and realm are taken from it). */
  challenge: string;
  algorithm: string;
  username: string;
  password: string;
  uri: string;
  method?: string;
  nc?: number;
  cnonce?: string;
  qop?: string;
  /** Send H(username:realm) with `userhash=true`. */
  userhash?: boolean;
  /** Send the name as `username*=` this prefix + percent-encoded UTF-8 (e.g. `UTF-8''`). */
  usernameStar?: string;
  /** Replace the cnonce in the header after computing the response (tampering). */
  sentCnonce?: string;
}

export function digestAnswer(answer: Answer): string {
  const h = hashFor(answer.algorithm);
  const realm = challengeParam(answer.challenge, 'realm');
  const nonce = challengeParam(answer.challenge, 'nonce');
  const opaque = challengeParam(answer.challenge, 'opaque');
  const nc = (answer.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = answer.cnonce ?? 'c0ffee42';
  const qop = answer.qop ?? 'auth';
  let ha1 = h(`${answer.username}:${realm}:${answer.password}`);
  if (/-sess$/i.test(answer.algorithm)) ha1 = h(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = h(`${answer.method ?? 'GET'}:${answer.uri}`);
  const response = h(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
  const user =
    answer.usernameStar !== undefined
      ? `username*=${answer.usernameStar}${encodeURIComponent(answer.username)}`
      : `username="${answer.userhash ? h(`${answer.username}:${realm}`) : answer.username}"`;
  return (
    `Digest ${user}, realm="${realm}", nonce="${nonce}", uri="${answer.uri}", algorithm=${answer.algorithm}, ` +
    `response="${response}", qop=${qop}, nc=${nc}, cnonce="${answer.sentCnonce ?? cnonce}", opaque="${opaque}"` +
    (answer.userhash ? ', userhash=true' : '')
  );
}

/** The Digest challenge for `algorithm` among the `WWW-Authenticate` lines of a 401. */
export async function challengeFor(url: string, algorithm: string): Promise<string> {
  const res = await fetch(url);
  if (res.status !== 401) throw new Error(`expected a 401 challenge, got ${res.status}`);
  // fetch joins repeated headers with ", "; split before each "Digest ".
  const lines = (res.headers.get('www-authenticate') ?? '').split(/,\s*(?=Digest )/);
  const line = lines.find((candidate) => candidate.includes(`algorithm=${algorithm},`));
  if (!line) throw new Error(`no ${algorithm} challenge in ${lines.join(' | ')}`);
  return line;
}
