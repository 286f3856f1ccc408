import { afterEach } from 'vitest';
import { createStatus, type RunningServer, type StatusKit, type StatusOptions } from '../../src/index.js';

/** Starts a status on an ephemeral port; `stop()` closes it. */
export async function serve(
  declare: (status: StatusKit) => void,
  options: StatusOptions = {},
): Promise<{ status: StatusKit; server: RunningServer; url: string; stop: () => Promise<void> }> {
  const status = createStatus(options);
  declare(status);
  const server = await status.listen({ port: 0 });
  return { status, server, url: server.url, stop: () => status.close() };
}

export async function get(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `serve`, each status closed after the test that started it: `const start = servesForEachTest();`
 * at the top of a test file.
 */
export function servesForEachTest(): typeof serve {
  let stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(stops.map((stop) => stop()));
    stops = [];
  });
  return async (declare, options) => {
    const started = await serve(declare, options);
    stops.push(started.stop);
    return started;
  };
}
