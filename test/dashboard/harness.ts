import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { createDashboard, type DashboardOptions } from '../../src/dashboard/index.js';
import { createLiveFeed, type LiveFeed } from '../../src/live/index.js';
import type { LiveFeedOptions } from '../../src/live/options.js';
import { RequestMetrics } from '../../src/metrics/index.js';
import type { Level } from '../../src/model/index.js';
import { createStatus, type StatusKit, type StatusOptions } from '../../src/status.js';
import { createVitals, type Vitals } from '../../src/vitals/index.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Service {
  status: StatusKit;
  /** The feed now serving (a new one after `restartFeed`). */
  feed: LiveFeed;
  vitals: Vitals;
  requests: RequestMetrics;
  url: string;
  /** The database check answers this level. */
  setDatabase(level: Level): void;
  /** Closes the live feed (every connection drops, upgrades find no one): the page's feed is gone. */
  stopFeed(): Promise<void>;
  /** A new feed on the same server, as after a restart. */
  restartFeed(): void;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  status?: StatusOptions;
  feed?: Partial<LiveFeedOptions>;
  dashboard?: DashboardOptions;
}

/**
 * A real service as an app would wire it: a status tree with checks, real vitals, request meters,
 * the live feed on the same HTTP server, and the dashboard as an extra route.
 */
export async function startService(options: ServiceOptions = {}): Promise<Service> {
  const status = createStatus({ vocabulary: 'operational', ...options.status });
  // A running sampler, as in the agent: the document and the history read the same tick.
  const vitals = createVitals().start();
  const requests = new RequestMetrics();
  let database: Level = 'ok';
  status.value('version', '1.4.2', { summary: true });
  status.check('api', () => true);
  status.check('database', () =>
    database === 'ok'
      ? { level: 'ok', fields: { pool: 10 } }
      : { level: database, message: 'connect ECONNREFUSED 10.0.0.7:5432' },
  );
  status.check('cache.redis', () => ({ level: 'ok', fields: { hitRatio: 0.93 } }));
  status.value('cache.shards', [
    { name: 'shard-a', keys: 1200 },
    { name: 'shard-b', keys: 1350 },
  ]);
  status.check('cache.memcached', () => 'warning');
  // Host and process facts where the agent mounts them.
  status.mount('host.system', vitals.view('host'));
  status.mount('host.memory', vitals.view('memory'));
  status.mount('host.disks', vitals.view('disks'));
  status.mount('process', vitals.view('process'));
  const makeFeed = () =>
    createLiveFeed({
      status,
      vitals,
      requests,
      statusPollInterval: '250ms',
      history: { interval: '200ms', statusInterval: '250ms' },
      ...options.feed,
    });
  let feed = makeFeed();
  let feedStopped = false;
  status.addRoute(createDashboard({ status, title: 'Shop API', ...options.dashboard }));
  // Some traffic for the request meters.
  const traffic = setInterval(() => {
    for (let i = 0; i < 20; i++) requests.record(i % 10 === 0 ? 503 : 200, 3);
  }, 100);
  traffic.unref();
  const listener = status.nodeListener();
  const server: Server = createServer((req, res) =>
    feedStopped ? listener(req, res) : feed.nodeListener(listener)(req, res),
  );
  feed.attach(server);
  // Sockets of upgrades nobody took (a wrong feed path) are not closed by closeAllConnections().
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    status,
    get feed() {
      return feed;
    },
    vitals,
    requests,
    url: `http://127.0.0.1:${port}`,
    setDatabase(level) {
      database = level;
    },
    async stopFeed() {
      feedStopped = true;
      await feed.close();
    },
    restartFeed() {
      feed = makeFeed();
      feed.attach(server);
      feedStopped = false;
    },
    async stop() {
      clearInterval(traffic);
      await feed.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      await status.close();
      vitals.close();
    },
  };
}
