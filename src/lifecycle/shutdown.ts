/**
 * The graceful shutdown, in the order load balancers and orchestrators need it:
 *
 *   draining   readiness answers 503 at once; the listeners still accept, so requests routed here
 *              before the balancer noticed are served (`drainDelay`)
 *   closing    the listeners stop accepting; in-flight requests finish, keep-alive connections
 *              close as they become idle (`shutdownGrace`)
 *   aborting   whatever still runs then is aborted (checks answer `aborted`) and gets a moment to
 *              answer; the connections left are cut
 *
 * The owner moves the lifecycle to `stopped` (closing one of several servers leaves it draining).
 */
import { type DrainableServer, drainServer } from './drain.js';
import type { InFlight } from './in-flight.js';
import type { Lifecycle } from './lifecycle.js';

export interface ShutdownPlan {
  lifecycle: Lifecycle;
  drainDelayMs: number;
  graceMs: number;
  /** Servers to stop accepting on once the drain delay is over. */
  servers: readonly DrainableServer[];
  inFlight: InFlight;
  /** Called when the listeners stop accepting: close what holds connections open for ever (live feeds). */
  onStopAccepting?: () => unknown;
  /** The grace period is over: abort what still runs (background and in-flight checks). */
  abort: () => unknown;
  onError?: (error: unknown) => void;
}

/** How long requests whose checks were just aborted get to write their answer before connections are cut. */
export const ABORTED_ANSWER_MS = 1000;

export class Shutdown {
  readonly done: Promise<void>;
  private hurryUp: () => void = () => {};
  private readonly hurried = new Promise<void>((resolve) => {
    this.hurryUp = resolve;
  });

  constructor(private readonly plan: ShutdownPlan) {
    this.done = this.run();
  }

  /** Skips what is left of the drain delay and the grace period (a second Ctrl-C). */
  hurry(): void {
    this.hurryUp();
  }

  private async run(): Promise<void> {
    const { plan } = this;
    plan.lifecycle.advance('draining');
    await this.within(plan.drainDelayMs);
    const draining = plan.servers.map(drainServer);
    await this.safely(plan.onStopAccepting);
    const closed = Promise.all(draining.map((server) => server.closed));
    await this.within(plan.graceMs, Promise.all([closed, plan.inFlight.idle()]));
    await this.safely(plan.abort);
    await this.within(ABORTED_ANSWER_MS, plan.inFlight.idle());
    for (const server of draining) server.cut();
    // Upgraded sockets the server no longer tracks could hold `closed` for ever: do not wait on them.
    await this.within(ABORTED_ANSWER_MS, closed);
  }

  /** Waits for `event` (or nothing) at most `ms`, and not at all once hurried. */
  private async within(ms: number, event?: Promise<unknown>): Promise<void> {
    if (ms <= 0 && !event) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, ms));
    });
    await Promise.race(event ? [event, timeout, this.hurried] : [timeout, this.hurried]);
    clearTimeout(timer);
  }

  private async safely(step: (() => unknown) | undefined): Promise<void> {
    try {
      await step?.();
    } catch (error) {
      this.plan.onError?.(error);
    }
  }
}
