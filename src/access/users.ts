import { hash } from 'node:crypto';
import type { IdentityFields } from './authenticator.js';

/** Digest hash algorithms statuskit speaks (RFC 7616 names). */
export type DigestAlgorithm = 'SHA-256' | 'MD5';

const NODE_HASH: Record<DigestAlgorithm, string> = { 'SHA-256': 'sha256', MD5: 'md5' };

export function isDigestAlgorithm(value: string): value is DigestAlgorithm {
  return value === 'SHA-256' || value === 'MD5';
}

/** Hex digest of a UTF-8 string with a Digest algorithm. */
export function digestHash(algorithm: DigestAlgorithm, text: string): string {
  return hash(NODE_HASH[algorithm], text, 'hex');
}

/** HA1 = H(username:realm:password), the form in which Digest (and Basic) passwords can be stored. */
export function digestHa1(
  username: string,
  realm: string,
  password: string,
  algorithm: DigestAlgorithm,
): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

/**
 * A user for Basic and Digest: a plain password, or an HA1 hash (hex) computed for the
 * authenticator's realm with `digestHa1`. An HA1 verifies Basic too, and Digest with its own algorithm.
 */
export interface UserRecord extends IdentityFields {
  username: string;
  password?: string;
  ha1?: string;
  /** Algorithm of `ha1`. Default `SHA-256`. */
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

/** The user's HA1 for `algorithm`, or undefined when only an HA1 of another algorithm is stored. */
export function ha1For(user: UserRecord, realm: string, algorithm: DigestAlgorithm): string | undefined {
  if (user.password === undefined) {
    return (user.algorithm ?? 'SHA-256') === algorithm ? user.ha1?.toLowerCase() : undefined;
  }
  let memo = ha1Memo.get(user);
  if (!memo) {
    memo = new Map();
    ha1Memo.set(user, memo);
  }
  const key = `${algorithm}:${realm}:${user.password}`;
  let ha1 = memo.get(key);
  if (ha1 === undefined) {
    ha1 = digestHa1(user.username, realm, user.password, algorithm);
    memo.set(key, ha1);
  }
  return ha1;
}
