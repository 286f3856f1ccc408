/**
 * Closing one HTTP server without cutting an answer: stop accepting, close keep-alive connections
 * as they become idle, and cut whatever is left when told to.
 */
import type { Server } from 'node:http';

/** What draining needs of a server: `http.Server` and `https.Server` both have it. */
export type DrainableServer = Pick<Server, 'close' | 'closeIdleConnections' | 'closeAllConnections'>;

export interface DrainingServer {
  /** Resolves when the server has closed (every connection ended). */
  readonly closed: Promise<void>;
  /** Ends every connection left (the grace period is over). */
  cut(): void;
}

/** How often idle keep-alive connections are looked for while a server drains. */
const SWEEP_MS = 50;

export function drainServer(server: DrainableServer): DrainingServer {
  // A server closed already (by its owner) answers at once: there is nothing left to wait for here.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A connection whose request is in flight becomes idle once its answer is written: close it then,
  // so keep-alive clients reconnect (to another instance) instead of waiting for the grace period.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
  void closed.then(() => clearInterval(sweep));
  return { closed, cut: () => server.closeAllConnections() };
}
