import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { fromIncoming } from '../http/adapters/node.js';
import { pathnameOf } from '../http/context.js';
import type { StatusResponse } from '../http/types.js';
import { originAllowed } from './origin.js';
import type { FeedContext, Preauthorized } from './session.js';
import { WsPeer } from './ws-peer.js';

/** The feed's capacity, shared by WebSocket connections and SSE streams. */
export interface Capacity {
  tryAcquire(): boolean;
  release(): void;
}

/**
 * The WebSocket side of the feed on a `ws` server in `noServer` mode: handshakes on the app's own
 * HTTP server, the caller's rate limit on upgrades, and the heartbeat. Each connection is a
 * `WsPeer`, which owns its sends and their backpressure.
 */
export class WsFront {
  private readonly wss: WebSocketServer;
  private readonly peers = new Set<WsPeer>();
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly feed: FeedContext,
    private readonly capacity: Capacity,
  ) {
    const { config } = feed;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.maxMessageBytes,
      perMessageDeflate: false,
      clientTracking: false,
      // Pongs are sent by WsPeer, through the send budget like every other frame.
      autoPong: false,
    });
    this.beatAfter(config.heartbeatMs);
  }

  get size(): number {
    return this.peers.size;
  }

  /** Handles an `upgrade` for the feed's path; returns false (touching nothing) for other paths. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const { wsPath, allowedOrigins } = this.feed.config;
    if (!wsPath || pathnameOf(request.url) !== wsPath) return false;
    if (!originAllowed(request, allowedOrigins)) refuse(socket, 403, 'Forbidden');
    else if (!this.capacity.tryAcquire()) refuse(socket, 503, 'Service Unavailable');
    else this.upgrade(request, socket, head);
    return true;
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    let accepted = false;
    socket.on('error', () => {});
    // ws answers a malformed handshake itself and never calls back: give the slot back then.
    socket.once('close', () => {
      if (!accepted) this.capacity.release();
    });
    this.admit(request).then(
      (admitted) => {
        if (socket.destroyed) return;
        if ('refusal' in admitted) return writeRawResponse(socket, admitted.refusal);
        this.wss.handleUpgrade(request, socket, head, (ws) => {
          accepted = true;
          this.accept(ws, request, admitted.preauthorized);
        });
      },
      (error) => {
        this.feed.config.onError(error);
        refuse(socket, 500, 'Internal Server Error');
      },
    );
  }

  /** Who is upgrading, and whether the caller's rate limit lets the connection open. */
  private async admit(
    request: IncomingMessage,
  ): Promise<{ preauthorized: Preauthorized | undefined } | { refusal: StatusResponse }> {
    const preauthorized = await this.preauthorize(request);
    const limit = this.feed.callerLimit;
    if (!limit) return { preauthorized };
    const decision = await limit.spend(request.socket.remoteAddress, preauthorized?.principal);
    if (decision.allowed) return { preauthorized };
    this.feed.refused.connects += 1;
    return { refusal: limit.response(decision) };
  }

  /**
   * Credentials on the upgrade request itself (a browser resends Basic / Digest; API-key headers
   * from other clients) authenticate the connection at once, as for the HTTP doors. Anything else —
   * no credentials, refused ones — leaves the in-band `auth <credential>` command as the way in.
   */
  private async preauthorize(request: IncomingMessage): Promise<Preauthorized | undefined> {
    const access = this.feed.config.access;
    if (!access) return undefined;
    try {
      const decision = await access.authorize(fromIncoming(request));
      return decision.allowed && decision.principal
        ? { disclosure: decision.disclosure, principal: decision.principal }
        : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.heartbeat);
    for (const peer of this.peers) peer.shutdown();
    const stragglers = setTimeout(() => {
      for (const peer of this.peers) peer.drop();
    }, 1000);
    stragglers.unref();
  }

  /**
   * Heartbeat rounds, each `ms` after the previous one ended, so that every peer always has a whole
   * interval to answer its ping (an interval timer catching up after a busy spell would judge twice
   * in a row). A round runs after that turn's reads (setImmediate follows the poll phase): pongs
   * that arrived while the process was busy are read before anyone is found silent.
   */
  private beatAfter(ms: number): void {
    if (ms <= 0 || this.closed) return;
    this.heartbeat = setTimeout(
      () =>
        setImmediate(() => {
          if (this.closed) return;
          for (const peer of this.peers) peer.heartbeat();
          this.beatAfter(ms);
        }),
      ms,
    );
    this.heartbeat.unref();
  }

  private accept(ws: WebSocket, request: IncomingMessage, preauthorized: Preauthorized | undefined): void {
    const peer = new WsPeer(ws, this.feed, request.socket.remoteAddress, preauthorized, () => {
      this.peers.delete(peer);
      this.capacity.release();
    });
    this.peers.add(peer);
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.on('error', () => {});
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** A whole HTTP/1.1 response on a socket no HTTP server writes to any more (an upgrade request). */
function writeRawResponse(socket: Duplex, response: StatusResponse): void {
  const body = Buffer.from(response.body);
  let head = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\n`;
  for (const [name, value] of Object.entries(response.headers)) {
    for (const item of Array.isArray(value) ? value : [value]) head += `${name}: ${item}\r\n`;
  }
  head += `connection: close\r\ncontent-length: ${body.length}\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}
