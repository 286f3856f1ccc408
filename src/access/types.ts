import type { StatusRequest, StatusResponse } from '../http/types.js';

/** Who is calling, once an authenticator has accepted their credentials. */
export interface Principal {
  /** Stable id (key name, user name, JWT subject). */
  id: string;
  name?: string;
  /** Disclosure tier name, e.g. `anonymous`, `reader`, `admin`. */
  tier: string;
  roles: readonly string[];
  /** Which authenticator accepted the caller: `apiKey`, `tokenPair`, `jwt`, `basic`, `digest`. */
  scheme: string;
}

/**
 * What a caller may see of a document. Rendering applies it; the render cache is keyed by `key`
 * so documents are cached per tier, never shared across tiers.
 */
export interface Disclosure {
  /** Cache key; equal keys must mean equal visibility. */
  key: string;
  /** Components, values and fields beyond the overall status and identity fields. */
  details: boolean;
  /** Error messages of failed checks (admins). */
  messages: boolean;
}

export const FULL_DISCLOSURE: Disclosure = Object.freeze({ key: 'full', details: true, messages: true });
export const SUMMARY_DISCLOSURE: Disclosure = Object.freeze({
  key: 'summary',
  details: false,
  messages: false,
});

export type AccessDecision =
  | { allowed: true; principal?: Principal; disclosure: Disclosure }
  | { allowed: false; response: StatusResponse };

/**
 * Decides once per request who is calling and what they may see. The HTTP core handler, the
 * WebSocket feed and admin endpoints all ask the same object.
 */
export interface AccessControl {
  authorize(request: StatusRequest): AccessDecision | Promise<AccessDecision>;
}
