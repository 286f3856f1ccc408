import { readdirSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { describe, expect } from 'vitest';
import type { CheckFunction, CheckOutcome } from '../../src/model/index.js';

/** Runs a check the way the runner does: with a signal, here one that never fires unless given. */
export async function run(
  check: CheckFunction,
  signal = new AbortController().signal,
): Promise<CheckOutcome> {
  return (await check({ signal })) as CheckOutcome;
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/**
 * `describe` for tests that need a real service on this machine. A missing service skips with a
 * message, except under CI=true, where the tests run anyway and fail.
 */
export async function withService(name: string, port: number): Promise<typeof describe> {
  const up = await reachable(port);
  if (up || process.env.CI === 'true') return describe;
  console.warn(`skipping ${name} tests: nothing listens on 127.0.0.1:${port}`);
  return describe.skip as unknown as typeof describe;
}

/** A TCP server that accepts and never answers; counts the connections still open. */
export async function silentServer() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    // Read and drop what the client sends; a paused socket would never see the client's FIN.
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    open: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on which nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const HANDLE_TYPES = /TCP|Pipe|TLS|UDP|Process|GetAddrInfo|Query/;

/** Open file descriptors and socket-like libuv handles of this process. */
export function resources() {
  const handles = process.getActiveResourcesInfo().filter((type) => HANDLE_TYPES.test(type)).length;
  return { fds: readdirSync('/proc/self/fd').length, handles };
}

/** Polls until `predicate` holds or `ms` pass; returns its last value. */
export async function eventually(predicate: () => boolean, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/**
 * Runs the check `times` times (a few at once, as independent probes would) and asserts that file
 * descriptors and socket handles return to where they were after one warm-up run. A leak of one socket
 * per run would show as +`times`; the small slack absorbs the test runner's own activity.
 */
export async function expectNoLeaks(check: CheckFunction, times = 1000, concurrency = 1): Promise<void> {
  await run(check); // warm-up: lazy imports, own pools
  const before = resources();
  for (let done = 0; done < times; done += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, times - done) }, () => run(check));
    for (const outcome of await Promise.all(batch)) expect(outcome.level).toBe('ok');
  }
  const settled = await eventually(() => {
    const now = resources();
    return now.fds <= before.fds + 3 && now.handles <= before.handles + 1;
  });
  const after = resources();
  expect(settled, `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`).toBe(true);
}

/** Asserts that a check stops at an abort while the server is silent, and closes its socket. */
export async function expectStopsOnSilence(
  makeCheck: (port: number) => CheckFunction,
  limitMs = 300,
): Promise<void> {
  const silent = await silentServer();
  try {
    const check = makeCheck(silent.port);
    const started = Date.now();
    await expect(run(check, AbortSignal.timeout(limitMs))).rejects.toThrow();
    // Generous bound: the point is "at the signal", not "after the library's own 10 s default".
    expect(Date.now() - started).toBeLessThan(limitMs + 2000);
    expect(await eventually(() => silent.open() === 0), 'the check left its socket open').toBe(true);
  } finally {
    await silent.close();
  }
}
