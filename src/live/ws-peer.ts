import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Disclosure } from '../access/types.js';
import type { LiveEvent } from './event.js';
import { SLOW_CLOSE_CODE } from './protocol.js';
import { Outlet } from './send-budget.js';
import { type FeedContext, type Preauthorized, Session, type SessionTransport } from './session.js';

/** How long a peer closed for being slow has to read up to the close frame. */
export const SLOW_CLOSE_GRACE_MS = 5000;

/** ws keeps these private; with permessage-deflate off its sender writes synchronously to `_socket`. */
interface WsInternals {
  _socket: Duplex;
  _sender?: { _state?: number };
}

/**
 * One WebSocket connection: its session and every byte sent to it. Every send — reply, error,
 * push, ping, pong — goes through the send budget. A peer whose unsent bytes pass the read-pause
 * mark is no longer read, and no command of it runs, until its socket drains; one that stays so
 * for a whole heartbeat interval, or passes the per-connection cap, is closed with 1013.
 */
export class WsPeer extends Outlet implements SessionTransport {
  /** Answered the last ping, or sent something, since the previous heartbeat. */
  alive = true;
  readonly session: Session;
  private readonly socket: Duplex;
  private readonly pauseAt: number;
  private readonly preframe: boolean;
  /** Set while reading is paused: settles once the socket drains. */
  private backlog: { drained: Promise<void>; settle: () => void } | undefined;
  private beatsPaused = 0;

  constructor(
    private readonly ws: WebSocket,
    feed: FeedContext,
    readonly remoteAddress: string | undefined,
    preauthorized: Preauthorized | undefined,
    onGone: () => void,
  ) {
    super(feed.budget);
    this.socket = (ws as unknown as WsInternals)._socket;
    // Resuming needs a 'drain' event, which only a buffer past the socket's high-water mark emits.
    this.pauseAt = Math.max(this.socket.writableHighWaterMark, feed.config.readPauseBytes);
    this.preframe = feed.config.preframe;
    this.session = new Session(feed, this, preauthorized);
    this.socket.on('drain', () => this.drained());
    ws.on('message', (data, isBinary) => {
      this.alive = true;
      this.pauseIfBacklogged();
      this.session.receive(isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data));
    });
    ws.on('ping', (data) => {
      this.alive = true;
      if (!this.pauseIfBacklogged()) this.control(data, 'pong');
    });
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('error', () => {});
    ws.once('close', () => {
      this.released();
      this.session.end();
      this.backlog?.settle();
      onGone();
    });
  }

  unsent(): number {
    return this.ws.bufferedAmount;
  }

  sendText(text: string): void {
    const ws = this.ws;
    if (this.closing || ws.readyState !== WebSocket.OPEN) return;
    if (!this.mayWrite(ws.bufferedAmount, Buffer.byteLength(text))) return;
    ws.send(text);
    this.recount();
  }

  /** The broadcast hot path: one check of the socket's buffer, then the shared bytes. */
  sendEvent(event: LiveEvent, disclosure: Disclosure): void {
    const ws = this.ws;
    if (this.closing || ws.readyState !== WebSocket.OPEN) return;
    const unsent = ws.bufferedAmount;
    const raw = this.preframe ? idleSocketOf(ws) : undefined;
    if (raw) {
      const frame = event.frame(disclosure);
      if (!this.mayWrite(unsent, frame.length)) return;
      if (!raw.write(frame)) this.recount();
    } else {
      const message = event.message(disclosure);
      if (!this.mayWrite(unsent, message.length)) return;
      ws.send(message);
      this.recount();
    }
  }

  close(code: number, reason: string): void {
    this.closing = true;
    this.ws.close(code, reason);
  }

  whenWritable(): Promise<void> | undefined {
    return this.pauseIfBacklogged() ? this.backlog?.drained : undefined;
  }

  /**
   * Every heartbeat: ping the peer; one that did not answer the previous ping is gone — or, when
   * what it was sent is still unsent, not reading (closed as slow, 1013). A paused peer cannot
   * answer (it is not read): still paused at its second heartbeat, it is not reading either.
   */
  heartbeat(): void {
    if (this.closing) return;
    if (this.backlog) {
      this.beatsPaused += 1;
      if (this.beatsPaused >= 2) this.closeSlow('not reading');
      return;
    }
    if (!this.alive) {
      if (this.unsent() > 0) this.closeSlow('not reading');
      else {
        this.budget.pingTimeouts += 1;
        this.drop();
      }
      return;
    }
    this.alive = false;
    this.control(undefined, 'ping');
  }

  /** The server shuts down. */
  shutdown(): void {
    this.closing = true;
    this.ws.close(1001, 'server shutting down');
  }

  protected destroy(): void {
    this.ws.terminate();
  }

  protected endSlow(reason: string): void {
    // The session stops at once: no more work for this peer. The close frame queues behind the
    // backlog: a peer that is slow but reading gets a few seconds to reach it, then the socket
    // (and what it holds) goes, rather than after ws's 30 s closing timeout.
    this.session.end();
    this.ws.close(SLOW_CLOSE_CODE, reason);
    const cut = setTimeout(() => this.ws.terminate(), SLOW_CLOSE_GRACE_MS);
    cut.unref();
    this.ws.once('close', () => clearTimeout(cut));
  }

  /** Pings and pongs obey the budget too: a ping flood that never reads its pongs is a slow peer. */
  private control(data: Buffer | undefined, kind: 'ping' | 'pong'): void {
    const ws = this.ws;
    if (this.closing || ws.readyState !== WebSocket.OPEN) return;
    if (!this.mayWrite(ws.bufferedAmount, (data?.length ?? 0) + 2)) return;
    if (kind === 'ping') ws.ping(data);
    else ws.pong(data);
    this.recount();
  }

  /** Stops reading a peer whose replies pile up; true while it is paused. */
  private pauseIfBacklogged(): boolean {
    if (this.backlog) return true;
    if (this.closing || this.ws.bufferedAmount <= this.pauseAt) return false;
    let settle = () => {};
    const drained = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.backlog = { drained, settle };
    this.beatsPaused = 0;
    this.ws.pause();
    return true;
  }

  private drained(): void {
    this.recount();
    const backlog = this.backlog;
    if (!backlog) return;
    this.backlog = undefined;
    this.alive = true;
    this.ws.resume();
    backlog.settle();
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
