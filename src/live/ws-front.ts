import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Disclosure } from '../access/types.js';
import { fromIncoming } from '../http/adapters/node.js';
import type { LiveEvent } from './event.js';
import { originAllowed, pathnameOf } from './origin.js';
import { type FeedContext, Session, type SessionTransport } from './session.js';

/** The feed's capacity, shared by WebSocket connections and SSE streams. */
export interface Capacity {
  tryAcquire(): boolean;
  release(): void;
}

interface Peer {
  ws: WebSocket;
  session: Session;
  alive: boolean;
}

/** ws keeps these private; with permessage-deflate off its sender writes synchronously to `_socket`. */
interface WsInternals {
  _socket?: Duplex;
  _sender?: { _state?: number };
}

/**
 * The WebSocket side of the feed on a `ws` server in `noServer` mode: handshakes on the app's own
 * HTTP server, heartbeat, and backpressure (a peer that stops reading is dropped).
 */
export class WsFront {
  private readonly wss: WebSocketServer;
  private readonly peers = new Set<Peer>();
  private readonly heartbeat: NodeJS.Timeout | undefined;

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
    });
    if (config.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.beat(), config.heartbeatMs);
      this.heartbeat.unref();
    }
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
    this.preauthorize(request).then((preauthorized) => {
      if (socket.destroyed) return;
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        accepted = true;
        this.accept(ws, request, preauthorized);
      });
    });
  }

  /**
   * Credentials on the upgrade request itself (a browser resends Basic / Digest; API-key headers
   * from other clients) authenticate the connection at once, as for the HTTP doors. Anything else —
   * no credentials, refused ones — leaves the in-band `auth <credential>` command as the way in.
   */
  private async preauthorize(request: IncomingMessage): Promise<Disclosure | undefined> {
    const access = this.feed.config.access;
    if (!access) return undefined;
    try {
      const decision = await access.authorize(fromIncoming(request));
      return decision.allowed && decision.principal ? decision.disclosure : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const peer of this.peers) peer.ws.close(1001, 'server shutting down');
    const stragglers = setTimeout(() => {
      for (const peer of this.peers) peer.ws.terminate();
    }, 1000);
    stragglers.unref();
  }

  private accept(ws: WebSocket, request: IncomingMessage, preauthorized?: Disclosure): void {
    const transport = this.transportFor(ws, request.socket.remoteAddress);
    const peer: Peer = { ws, session: new Session(this.feed, transport, preauthorized), alive: true };
    this.peers.add(peer);
    ws.on('pong', () => {
      peer.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      peer.alive = true;
      peer.session.receive(isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data));
    });
    ws.on('error', () => {});
    ws.once('close', () => {
      this.peers.delete(peer);
      peer.session.end();
      this.capacity.release();
    });
  }

  private transportFor(ws: WebSocket, remoteAddress: string | undefined): SessionTransport {
    const { maxBufferedBytes, preframe } = this.feed.config;
    return {
      remoteAddress,
      sendText: (text) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(text);
      },
      sendEvent: (event: LiveEvent, disclosure: Disclosure) => {
        if (ws.readyState !== WebSocket.OPEN) return;
        // Memory stays bounded: a peer that does not read is cut instead of buffered for.
        if (ws.bufferedAmount > maxBufferedBytes) {
          ws.terminate();
          return;
        }
        const raw = preframe ? idleSocketOf(ws) : undefined;
        if (raw) raw.write(event.frame(disclosure));
        else ws.send(event.message(disclosure));
      },
      close: (code, reason) => ws.close(code, reason),
    };
  }

  /** A peer that has not answered the previous ping (nor sent anything) since is gone: terminate it. */
  private beat(): void {
    for (const peer of this.peers) {
      if (!peer.alive) {
        peer.ws.terminate();
        continue;
      }
      peer.alive = false;
      peer.ws.ping();
    }
  }
}

/**
 * The raw socket, when writing a pre-built frame to it is equivalent to `ws.send`: ws's sender is
 * idle (state 0, nothing queued), which is always so without compression.
 */
function idleSocketOf(ws: WebSocket): Duplex | undefined {
  const internals = ws as unknown as WsInternals;
  return internals._sender?._state === 0 ? internals._socket : undefined;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.on('error', () => {});
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
