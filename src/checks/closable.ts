import type { CheckFunction } from '../model/index.js';

/** A check that owns resources (its own pool or client) and can release them at shutdown. */
export type ClosableCheck = CheckFunction & {
  /** Ends what the check created itself; the app's own pool or client is never closed. */
  close(): Promise<void>;
};

export function closable(check: CheckFunction, close: () => Promise<void>): ClosableCheck {
  return Object.assign(check, { close });
}

/** Swallows errors of best-effort cleanup (the connection may already be gone). */
export function quietly(work: () => unknown): void {
  try {
    Promise.resolve(work()).catch(() => {});
  } catch {
    // already closed
  }
}
