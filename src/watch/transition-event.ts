/** A transition as the hooks receive it, and the JSON a `json` webhook gets. */
import type { Level } from '../model/levels.js';

export interface TransitionEvent {
  target: string;
  /** Credentials masked. */
  url: string;
  from?: Level;
  to: Level;
  message?: string;
  word?: string;
  httpCode?: number;
  durationMs: number;
  /** Epoch ms. */
  at: number;
  /** The rules that failed (or were unknown), each with what was seen and what was expected. */
  rules?: readonly { rule: string; severity: string; verdict: string; explanation?: string }[];
}

/** The JSON a webhook receives. */
export function eventBody(event: TransitionEvent): Record<string, unknown> {
  return {
    event: 'transition',
    target: event.target,
    url: event.url,
    from: event.from ?? null,
    to: event.to,
    message: event.message ?? null,
    word: event.word ?? null,
    httpCode: event.httpCode ?? null,
    durationMs: event.durationMs,
    at: new Date(event.at).toISOString(),
    ...(event.rules ? { rules: event.rules } : {}),
  };
}

/** The environment a command gets: the watcher's own, plus the transition. */
export function eventEnv(event: TransitionEvent): Record<string, string> {
  const env: Record<string, string> = {
    STATUSKIT_TARGET: event.target,
    STATUSKIT_URL: event.url,
    STATUSKIT_FROM: event.from ?? '',
    STATUSKIT_TO: event.to,
    STATUSKIT_MESSAGE: event.message ?? '',
    STATUSKIT_AT: new Date(event.at).toISOString(),
    STATUSKIT_WORD: event.word ?? '',
    STATUSKIT_HTTP_CODE: event.httpCode === undefined ? '' : String(event.httpCode),
    STATUSKIT_DURATION_MS: String(event.durationMs),
  };
  // The environment cannot carry NUL bytes; a remote message might.
  for (const key of Object.keys(env)) env[key] = env[key].replace(/\0/g, '');
  return env;
}
