import type { AddressInfo } from 'node:net';
import { createStatus, type StatusKit, type StatusOptions } from '../../src/index.js';
import { createLiveFeed, type LiveFeedOptions } from '../../src/live/index.js';

export interface ServedStatus {
  status: StatusKit;
  /** `http://127.0.0.1:<port>` */
  base: string;
  port: number;
  wsUrl: string;
  stop(): Promise<void>;
}

/**
 * A status served the way an application serves it: `createStatus(...).listen()` with the live
 * feed's listener and WebSocket upgrade on the same server.
 */
export async function serveStatus(
  declare: (status: StatusKit) => void,
  options: StatusOptions,
  feedOptions: Omit<LiveFeedOptions, 'status'> = {},
): Promise<ServedStatus> {
  const status = createStatus(options);
  declare(status);
  const feed = createLiveFeed({ status, ...feedOptions });
  const running = await status.listen({ listener: feed.nodeListener(status.nodeListener()) });
  feed.attach(running.server);
  const { port } = running.server.address() as AddressInfo;
  return {
    status,
    base: `http://127.0.0.1:${port}`,
    port,
    wsUrl: `ws://127.0.0.1:${port}/api/health/ws`,
    stop: async () => {
      await feed.close();
      running.server.closeAllConnections();
      await status.close();
    },
  };
}
