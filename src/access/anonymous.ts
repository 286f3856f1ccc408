import { paramsOf } from '../http/context.js';
import type { StatusRequest } from '../http/types.js';
import { headerValue } from '../http/types.js';
import { disclosureOf } from './tiers.js';
import { type Disclosure, SUMMARY_DISCLOSURE } from './types.js';

/**
 * What a caller without credentials gets: refused with 401, the overall status only (`summary`),
 * details without error messages (`details`), or the disclosure of a named tier.
 * Spring Boot's `show-details`: `never` = `summary` with no tier seeing details,
 * `when-authorized` = `summary` (the default), `always` = `details`.
 */
export type AnonymousPolicy = 'refuse' | 'summary' | 'details' | (string & {});

export interface Anonymous {
  tier: string;
  /** Undefined when anonymous callers are refused. */
  disclosure: Disclosure | undefined;
}

export function anonymousOf(policy: AnonymousPolicy, tiers: ReadonlyMap<string, Disclosure>): Anonymous {
  switch (policy) {
    case 'refuse':
      return { tier: 'anonymous', disclosure: undefined };
    case 'summary':
      return { tier: 'anonymous', disclosure: SUMMARY_DISCLOSURE };
    case 'details':
      return { tier: 'anonymous', disclosure: disclosureOf({ details: true, messages: false }) };
    default: {
      const disclosure = tiers.get(policy);
      if (!disclosure) throw new Error(`createAccess: \`anonymous\` names unknown tier "${policy}"`);
      return { tier: policy, disclosure };
    }
  }
}

/**
 * Why a request that no authenticator claimed still attempted authentication, or undefined. An
 * `Authorization` header of a scheme nobody speaks, or one with the scheme and no credentials
 * (`Basic ` with nothing after it), is a failed attempt to log in, not a wish to be anonymous.
 */
export function unclaimedAuthorization(request: StatusRequest): string | undefined {
  const header = headerValue(request.headers, 'authorization');
  if (header === undefined) return undefined;
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  if (scheme === '') return 'empty Authorization header';
  const shown = scheme.slice(0, 32);
  return rest.length === 0 ? `${shown} credentials are empty` : `${shown} credentials are not accepted here`;
}

/**
 * Whether the request asks for the details (`?details`, `=true`, `=1`, `=yes`, read the way the
 * status endpoint reads the flag). An anonymous caller who asks for more than the anonymous tier
 * shows is offered the challenges, so `curl --digest` logs in instead of silently getting the summary.
 */
export function asksForDetails(request: StatusRequest): boolean {
  if (!request.url.includes('details')) return false;
  const value = paramsOf(request).get('details')?.toLowerCase();
  return value === '' || value === 'true' || value === '1' || value === 'yes';
}
