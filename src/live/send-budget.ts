/**
 * Bytes written to a connection stay in the process until the peer reads them. A peer that stops
 * reading would make every send grow memory, so each connection (an `Outlet`) may hold at most
 * `perConnection` unsent bytes, and all of them together at most `total`. The budget keeps a running
 * total from what outlets report when they write; it is exact for every reader that keeps up (their
 * buffers are empty) and is recounted from the sockets before anyone is dropped.
 */
export class SendBudget {
  /** Unsent bytes as last reported by the outlets. */
  total = 0;
  /** Connections closed for holding more than `perConnection`, or for not reading at all. */
  slowClosed = 0;
  /** Connections dropped because all of them together held more than `limit`. */
  budgetDropped = 0;
  /** WebSocket peers terminated for not answering a ping (with nothing unsent: gone, or stuck). */
  pingTimeouts = 0;
  private readonly outlets = new Set<Outlet>();

  constructor(
    readonly perConnection: number,
    readonly limit: number,
  ) {}

  add(outlet: Outlet): void {
    this.outlets.add(outlet);
  }

  remove(outlet: Outlet): void {
    if (!this.outlets.delete(outlet)) return;
    this.total -= outlet.accounted;
    outlet.accounted = 0;
  }

  /** Records an outlet's unsent bytes; a total over the limit drops the largest holders. */
  record(outlet: Outlet, unsent: number): void {
    const delta = unsent - outlet.accounted;
    if (delta === 0 || !this.outlets.has(outlet)) return;
    outlet.accounted = unsent;
    this.total += delta;
    if (delta > 0 && this.total > this.limit) this.shed();
  }

  private shed(): void {
    // Buffers drain without telling anyone: count what is really unsent before dropping anybody.
    let total = 0;
    for (const outlet of this.outlets) {
      outlet.accounted = outlet.unsent();
      total += outlet.accounted;
    }
    this.total = total;
    if (total <= this.limit) return;
    const largestFirst = [...this.outlets].sort((a, b) => b.accounted - a.accounted);
    for (const outlet of largestFirst) {
      if (this.total <= this.limit) break;
      this.remove(outlet);
      this.budgetDropped += 1;
      outlet.drop();
    }
  }
}

/**
 * One connection's side of the budget: before a message is written, `admit` says whether it may be.
 * A connection with nothing unsent always may (so one message larger than the cap still reaches a
 * reader that keeps up); one whose unsent bytes would pass the cap is closed as slow.
 */
export abstract class Outlet {
  /** Unsent bytes last reported to the budget. */
  accounted = 0;
  /** Set once the connection is being closed: nothing more is written or done for it. */
  protected closing = false;

  constructor(protected readonly budget: SendBudget) {
    budget.add(this);
  }

  /** Bytes written but not yet taken by the peer's socket. */
  abstract unsent(): number;

  /** Frees the connection's memory at once (destroys the socket). */
  drop(): void {
    this.closing = true;
    this.destroy();
  }

  /** Whether `size` bytes may be written now, `unsent` being the connection's unsent bytes. */
  protected mayWrite(unsent: number, size: number): boolean {
    // The hot path: a reader that keeps up has nothing unsent and nothing accounted.
    return (unsent === 0 && this.accounted === 0) || this.admit(unsent, size);
  }

  private admit(unsent: number, size: number): boolean {
    this.budget.record(this, unsent);
    if (this.closing) return false; // the budget dropped this very connection
    if (unsent === 0 || unsent + size <= this.budget.perConnection) return true;
    this.closeSlow('send buffer full: the client is not reading');
    return false;
  }

  /** Closes a connection that does not keep up, and counts it. */
  protected closeSlow(reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.budget.slowClosed += 1;
    this.endSlow(reason);
  }

  /**
   * Reports the unsent bytes again: after a write the socket could not take at once, and when it
   * drains (then they are 0).
   */
  protected recount(): void {
    this.budget.record(this, this.unsent());
  }

  /** The connection is gone: its bytes leave the budget. */
  protected released(): void {
    this.closing = true;
    this.budget.remove(this);
  }

  protected abstract destroy(): void;
  /** Closes the connection in the transport's way of saying "you are too slow". */
  protected abstract endSlow(reason: string): void;
}
