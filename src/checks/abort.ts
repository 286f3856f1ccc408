/**
 * Cancellation helpers shared by the checks. The runner aborts `ctx.signal` at the check's deadline; a
 * check may also carry its own `timeoutMs` (useful when it is called outside the runner). Both end in one
 * signal, and every helper here releases its timers and listeners so 1000 runs leave nothing behind.
 */

/** Raised when a check's own `timeoutMs` passes (the runner reports its own timeouts itself). */
export class CheckTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/** The error to throw for an aborted signal: its reason when that is an Error, else a plain one. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new Error(reason === undefined ? 'aborted' : `aborted: ${String(reason)}`);
}

export interface Deadline {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * One signal that aborts when `parent` aborts or `timeoutMs` passes. Written by hand rather than with
 * `AbortSignal.any` + `AbortSignal.timeout` so that the timer and the parent listener are removed as soon
 * as the run ends (Node 20's `AbortSignal.any` keeps its sources alive longer than one run).
 */
export function deadline(parent: AbortSignal, timeoutMs: number | undefined): Deadline {
  if (timeoutMs === undefined) return { signal: parent, dispose: () => {} };
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent.reason);
  const timer = setTimeout(() => controller.abort(new CheckTimeoutError(timeoutMs)), timeoutMs);
  timer.unref();
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}

/**
 * Waits for `work` unless `signal` aborts first. Many client libraries cannot cancel a connect in flight;
 * when the signal wins, `onLateValue` receives the value the library hands over later so the caller can
 * close it (a late rejection is swallowed: nobody is listening any more).
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal,
  onLateValue?: (value: T) => void,
): Promise<T> {
  if (signal.aborted) {
    work.then(onLateValue, () => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      settled = true;
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) onLateValue?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!settled) reject(error);
      },
    );
  });
}

/** Runs `cleanup` once when the signal aborts; returns a function that detaches it. */
export function onAbort(signal: AbortSignal, cleanup: () => void): () => void {
  if (signal.aborted) {
    cleanup();
    return () => {};
  }
  signal.addEventListener('abort', cleanup, { once: true });
  return () => signal.removeEventListener('abort', cleanup);
}

/** Milliseconds since `start` (from `performance.now()`), rounded to 0.1 ms. */
export function elapsedMs(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}
