/**
 * Waits for a state: checks `predicate` after every turn of the event loop (and at most every
 * 10 ms) until it holds. Throws, naming `what`, when it does not hold within `limitMs` — a bound
 * against hangs, not a delay the test relies on. A function `what` is read at the timeout, so it
 * can tell what was last seen.
 */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  what: string | (() => string),
  limitMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await predicate())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A promise with its resolver outside: a test releases it when the event it models happens. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
