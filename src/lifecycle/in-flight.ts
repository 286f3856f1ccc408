/**
 * Requests the status is still answering. Shutdown waits for them before it stops the checks, so
 * a request that arrived before the listener closed gets its real answer, not an `aborted` one.
 * Only asynchronous answers are counted: a synchronous one is finished when the handler returns.
 */
export class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  /** Counts `answer` until it settles (either way). */
  track(answer: Promise<unknown>): void {
    this.count++;
    const done = () => {
      this.count--;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    };
    answer.then(done, done);
  }

  /** Resolves once nothing is in flight. */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
