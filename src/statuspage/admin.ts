/**
 * The incidents' admin endpoint: who may write (an API key in `X-Api-Key`, or the same key as
 * `Authorization: Bearer`, through the access module's API-key authenticator) and what a body
 * must hold. Everything is checked before anything is stored: a bad request stores nothing.
 */
import { z } from 'zod';
import { type ApiKeyEntry, apiKeyAuth } from '../access/api-key.js';
import { FailureThrottle, type ThrottleOptions } from '../access/throttle.js';
import type { StatusRequest } from '../http/types.js';
import { headerValue } from '../http/types.js';
import { INCIDENT_IMPACTS, INCIDENT_STATUSES } from './source.js';

const OPEN_STATUSES = ['investigating', 'identified', 'monitoring'] as const;

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

export const newIncidentBody = z.strictObject({
  title: text(200),
  message: text(5000),
  targets: z.array(z.string()).max(100).optional(),
  impact: z.enum(INCIDENT_IMPACTS).optional(),
  status: z.enum(OPEN_STATUSES).optional(),
});

export const updateBody = z.strictObject({
  message: text(5000),
  status: z.enum(INCIDENT_STATUSES).optional(),
});

export const resolveBody = z.strictObject({
  message: text(5000).optional(),
});

export type AdminVerdict =
  | { ok: true; who: string }
  | { ok: false; status: 401 | 403 | 429; message: string; retryAfterMs?: number };

export interface AdminGate {
  enabled: boolean;
  check(request: StatusRequest): Promise<AdminVerdict>;
}

/**
 * Wrong keys are counted per client by the access module's throttle (10 a minute, then 429 for a
 * minute by default): the endpoint faces the public internet with the page.
 */
export function adminGate(keys: readonly ApiKeyEntry[], throttle: ThrottleOptions = {}): AdminGate {
  if (keys.length === 0) {
    return {
      enabled: false,
      check: async () => ({
        ok: false,
        status: 403,
        message: 'the admin endpoint is off (no statusPage.adminKeys)',
      }),
    };
  }
  const auth = apiKeyAuth({ keys });
  const failures = new FailureThrottle(throttle);
  return {
    enabled: true,
    async check(request) {
      const context = { now: Date.now() };
      const wait = failures.retryAfter(request.remoteAddress, context.now);
      if (wait > 0)
        return {
          ok: false,
          status: 429,
          message: 'too many wrong keys: try again later',
          retryAfterMs: wait,
        };
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(request.headers, 'authorization') ?? '')?.[1];
      const outcome =
        bearer !== undefined && auth.authenticateCredential
          ? await auth.authenticateCredential(bearer, context)
          : await auth.authenticate(request, context);
      if (outcome.kind !== 'absent') failures.settle(outcome, request.remoteAddress, context.now);
      if (outcome.kind === 'accepted') return { ok: true, who: outcome.principal.id };
      return {
        ok: false,
        status: 401,
        message:
          outcome.kind === 'absent'
            ? 'send an admin key (X-Api-Key or Authorization: Bearer)'
            : outcome.reason,
      };
    },
  };
}

/** zod's issues as `path: message` lines. */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys')
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
