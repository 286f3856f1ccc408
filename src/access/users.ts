import { hash } from 'node:crypto';
import type { IdentityFields } from './authenticator.js';

/** The hash functions behind Digest algorithms (RFC 7616 names). */
export type DigestHashName = 'SHA-256' | 'MD5' | 'SHA-512-256';

/**
 * Digest algorithms statuskit speaks (RFC 7616 names). A `-sess` algorithm uses its base hash with
 * a per-exchange key H(HA1:nonce:cnonce), so the stored HA1 is the same as for the base algorithm.
 */
export type DigestAlgorithm = DigestHashName | `${DigestHashName}-sess`;

const NODE_HASH: Record<DigestHashName, string> = {
  'SHA-256': 'sha256',
  MD5: 'md5',
  // SHA-512/256 (FIPS 180-4), not a truncated SHA-512: OpenSSL 3 names it sha512-256.
  'SHA-512-256': 'sha512-256',
};

const BY_LOWER_CASE = new Map<string, DigestAlgorithm>(
  (['SHA-256', 'MD5', 'SHA-512-256'] as const).flatMap(
    (base): Array<[string, DigestAlgorithm]> => [
      [base.toLowerCase(), base],
      [`${base.toLowerCase()}-sess`, `${base}-sess`],
    ],
  ),
);

/** The canonical algorithm for a name in any letter case (`md5-SESS` → `MD5-sess`), or undefined. */
export function parseDigestAlgorithm(value: string): DigestAlgorithm | undefined {
  return BY_LOWER_CASE.get(value.toLowerCase());
}

export function isDigestAlgorithm(value: string): value is DigestAlgorithm {
  return BY_LOWER_CASE.get(value.toLowerCase()) === value;
}

/** `SHA-256-sess` → `SHA-256`. */
export function baseHashOf(algorithm: DigestAlgorithm): DigestHashName {
  return (algorithm.endsWith('-sess') ? algorithm.slice(0, -5) : algorithm) as DigestHashName;
}

export function isSessionAlgorithm(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith('-sess');
}

/** Hex digest of a UTF-8 string with a Digest algorithm's hash. */
export function digestHash(algorithm: DigestAlgorithm, text: string): string {
  return hash(NODE_HASH[baseHashOf(algorithm)], text, 'hex');
}

/**
 * HA1 = H(username:realm:password), the form in which Digest (and Basic) passwords can be stored.
 * Names and passwords are hashed as UTF-8, exactly as given (no Unicode normalisation).
 */
export function digestHa1(
  username: string,
  realm: string,
  password: string,
  algorithm: DigestAlgorithm,
): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

/** The hashed user name a client sends with `userhash=true` (RFC 7616 section 3.4.4): H(username:realm). */
export function digestUserhash(username: string, realm: string, algorithm: DigestAlgorithm): string {
  return digestHash(algorithm, `${username}:${realm}`);
}

/**
 * A user for Basic and Digest: a plain password, or an HA1 hash (hex) computed for the
 * authenticator's realm with `digestHa1`. An HA1 verifies Basic too, and Digest with its own algorithm.
 */
export interface UserRecord extends IdentityFields {
  username: string;
  password?: string;
  ha1?: string;
  /**
   * Algorithm of `ha1`. Default `SHA-256`. An HA1 answers its algorithm and the `-sess` form of it
   * (`MD5` and `MD5-sess` store the same HA1), so either name may be given here.
   */
  algorithm?: DigestAlgorithm;
}

export type UserLookup = (
  username: string,
) => UserRecord | undefined | null | Promise<UserRecord | undefined | null>;

/** Users as a table or a lookup function (e.g. into a database). */
export type UserSource = readonly UserRecord[] | UserLookup;

export function userLookup(source: UserSource, owner: string): UserLookup {
  if (typeof source === 'function') return source;
  if (!Array.isArray(source)) throw new TypeError(`${owner}: \`users\` must be an array or a function`);
  const byName = new Map<string, UserRecord>();
  for (const user of source) {
    validateUser(user, owner);
    byName.set(user.username, user);
  }
  return (username) => byName.get(username);
}

function validateUser(user: UserRecord, owner: string): void {
  if (!user || typeof user.username !== 'string' || user.username === '') {
    throw new Error(`${owner}: every user needs a non-empty \`username\``);
  }
  if (user.password === undefined && user.ha1 === undefined) {
    throw new Error(`${owner}: user "${user.username}" needs a \`password\` or an \`ha1\``);
  }
  if (user.ha1 !== undefined && !/^[0-9a-fA-F]+$/.test(user.ha1)) {
    throw new Error(`${owner}: user "${user.username}" has an \`ha1\` that is not hex`);
  }
  if (user.algorithm !== undefined && !isDigestAlgorithm(user.algorithm)) {
    throw new Error(`${owner}: user "${user.username}" has unknown algorithm "${user.algorithm}"`);
  }
}

/** HA1s already computed from plain passwords, per user record (records are usually a fixed table). */
const ha1Memo = new WeakMap<UserRecord, Map<string, string>>();

/**
 * The user's HA1 for `algorithm`'s hash, or undefined when only an HA1 of another hash is stored.
 * For a `-sess` algorithm this is still H(username:realm:password); the session key is derived from it.
 */
export function ha1For(user: UserRecord, realm: string, algorithm: DigestAlgorithm): string | undefined {
  const base = baseHashOf(algorithm);
  if (user.password === undefined) {
    return baseHashOf(user.algorithm ?? 'SHA-256') === base ? user.ha1?.toLowerCase() : undefined;
  }
  let memo = ha1Memo.get(user);
  if (!memo) {
    memo = new Map();
    ha1Memo.set(user, memo);
  }
  const key = `${base}:${realm}:${user.password}`;
  let ha1 = memo.get(key);
  if (ha1 === undefined) {
    ha1 = digestHa1(user.username, realm, user.password, base);
    memo.set(key, ha1);
  }
  return ha1;
}
