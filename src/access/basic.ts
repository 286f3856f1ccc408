import type { StatusRequest } from '../http/types.js';
import { headerValue } from '../http/types.js';
import {
  ABSENT,
  type Authenticator,
  type AuthOutcome,
  isPromise,
  principalOf,
  rejected,
} from './authenticator.js';
import { safeEqual } from './secure-compare.js';
import { digestHa1, type UserRecord, type UserSource, userLookup } from './users.js';

export interface BasicOptions {
  users: UserSource;
  /** Realm in the challenge; also the realm any stored HA1 hashes were made with. Default `statuskit`. */
  realm?: string;
}

/** HTTP Basic (RFC 7617). Only sensible over TLS; it exists because every client speaks it. */
export function basicAuth(options: BasicOptions): Authenticator {
  const realm = options.realm ?? 'statuskit';
  const lookup = userLookup(options.users, 'basicAuth');

  return {
    scheme: 'basic',
    authenticate(request: StatusRequest): AuthOutcome | Promise<AuthOutcome> {
      const credentials = parseBasic(headerValue(request.headers, 'authorization'));
      if (credentials === undefined) return ABSENT;
      if (credentials === null) return rejected('malformed Basic credentials');
      const user = lookup(credentials.username);
      const decide = (found: UserRecord | undefined | null) => verify(found, credentials, realm);
      return isPromise(user) ? user.then(decide, lookupFailed) : decide(user);
    },
    challenges: () => [`Basic realm="${realm}", charset="UTF-8"`],
  };
}

function verify(
  user: UserRecord | undefined | null,
  { username, password }: { username: string; password: string },
  realm: string,
): AuthOutcome {
  // An unknown user costs the same comparison as a known one, so timing does not reveal user names.
  const matches = user ? passwordMatches(user, password, realm) : safeEqual(password, `\0${password}`);
  if (!user || !matches) return rejected('wrong user name or password', { target: username });
  return { kind: 'accepted', principal: principalOf('basic', user.username, user), target: user.username };
}

function passwordMatches(user: UserRecord, password: string, realm: string): boolean {
  if (user.password !== undefined) return safeEqual(password, user.password);
  const computed = digestHa1(user.username, realm, password, user.algorithm ?? 'SHA-256');
  return safeEqual(computed, (user.ha1 ?? '').toLowerCase());
}

function lookupFailed(): AuthOutcome {
  return rejected('user lookup failed', { countsAsFailure: false });
}

/** undefined: no Basic header; null: a Basic header that cannot be decoded. */
export function parseBasic(
  header: string | undefined,
): { username: string; password: string } | undefined | null {
  if (!header || header.length < 6 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const encoded = header.slice(6).trim();
  if (!/^[A-Za-z0-9+/]+=*$/.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
