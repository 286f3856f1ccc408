import type { IncomingMessage } from 'node:http';

/**
 * Browsers send `Origin` with WebSocket handshakes and cross-origin EventSource requests; other
 * clients usually do not, and are let through (origin checks protect browsers' users, not servers).
 */
export function originAllowed(request: IncomingMessage, allowed: ReadonlySet<string> | undefined): boolean {
  if (!allowed) return true;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return allowed.has('*') || allowed.has(origin);
}
