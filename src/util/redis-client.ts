/**
 * An ioredis client for a URL. ioredis is an optional peer, loaded on first use; the client fails
 * fast while Redis is away (no offline queue, no per-request retries) and reconnects in the
 * background, so callers see errors at once and recover by themselves when Redis returns.
 */
export async function connectRedis<Client>(url: string, who: string): Promise<Client> {
  let Redis: new (url: string, options: Record<string, unknown>) => Client;
  try {
    ({ default: Redis } = (await import('ioredis')) as unknown as { default: typeof Redis });
  } catch {
    throw new Error(`${who}: the \`ioredis\` package is needed for Redis: npm install ioredis`);
  }
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
  });
  // Connection errors are expected while Redis is away; callers report them. Without a listener
  // ioredis would print every reconnect failure.
  (client as unknown as { on(event: string, listener: () => void): void }).on('error', () => {});
  return client;
}

/** Closes a client politely (QUIT), or at once when Redis cannot be told. */
export async function quitRedis(client: { quit(): Promise<unknown>; disconnect(): void }): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
