import type { ServerResponse } from 'node:http';
import type { Disclosure } from '../access/types.js';
import type { LiveEvent } from './event.js';
import type { Subscriber } from './hub.js';
import { Outlet, type SendBudget } from './send-budget.js';

const KEEP_ALIVE = Buffer.from(': keep-alive\n\n');

/**
 * One SSE response: every chunk written to it — events and keep-alive comments — goes through the
 * send budget. A reader that stops reading is ended (an SSE stream has no way to say why: the
 * browser's EventSource reconnects after its `retry` delay, with `Last-Event-ID`).
 */
export class SseStream extends Outlet implements Subscriber {
  constructor(
    private readonly res: ServerResponse,
    readonly disclosure: Disclosure,
    budget: SendBudget,
  ) {
    super(budget);
    res.on('drain', () => this.recount());
    res.once('close', () => this.released());
  }

  unsent(): number {
    return this.res.writableLength;
  }

  deliver(event: LiveEvent): void {
    this.write(event.sse(this.disclosure));
  }

  keepAlive(): void {
    this.write(KEEP_ALIVE);
  }

  /** The feed shuts down. */
  end(): void {
    this.closing = true;
    this.res.end();
  }

  private write(chunk: Buffer): void {
    if (this.closing) return;
    if (!this.mayWrite(this.res.writableLength, chunk.length)) return;
    if (!this.res.write(chunk)) this.recount();
  }

  protected destroy(): void {
    this.res.destroy();
  }

  protected endSlow(): void {
    this.res.destroy();
  }
}
