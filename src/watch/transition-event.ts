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
  };
}
