/**
 * One broadcast server in its own process, so its CPU and RSS are measured alone.
 * Modes: `statuskit` (live feed, pre-framed, with real vitals and the history recording them, as
 * in the agent), `statuskit-no-history` (the same with `history: false`), `statuskit-send` (live
 * feed through ws.send), `bare` (ws, pre-serialized Buffer sent to every client), `socketio`
 * (io.emit of the object).
 * Talks to the parent over IPC: sends {port}, answers {cpuPercent, userPercent, rssMB, open} to
 * {measure: ms}.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer } from 'ws';
import { createStatus } from '../../src/index.js';
import { createLiveFeed } from '../../src/live/index.js';
import { createVitals } from '../../src/vitals/index.js';
import { payload } from './payload.js';

const mode = process.argv[2];
const INTERVAL_MS = 100;

const server = createServer();
/** Open subscriber connections, reported with each measurement (a dropped client would flatter the CPU figure). */
let openConnections = () => 0;
const data = payload();

if (mode === 'statuskit' || mode === 'statuskit-no-history' || mode === 'statuskit-send') {
  const status = createStatus();
  const feed = createLiveFeed({
    status,
    // Real vitals, as in the agent; the history samples them once a second, off the broadcast path.
    vitals: createVitals().start(),
    history: mode === 'statuskit-no-history' ? false : undefined,
    sources: { sysinfo: () => data },
    maxConnections: 20_000,
    commandRate: { perSecond: 100 },
    preframe: mode !== 'statuskit-send',
  });
  feed.attach(server);
  openConnections = () => feed.connectionCount;
} else if (mode === 'bare') {
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  openConnections = () => wss.clients.size;
  const bytes = Buffer.from(JSON.stringify({ topic: 'sysinfo', id: 1, data }));
  setInterval(() => {
    for (const client of wss.clients) client.send(bytes);
  }, INTERVAL_MS);
} else if (mode === 'socketio') {
  const io = new SocketIoServer(server, { transports: ['websocket'], perMessageDeflate: false });
  openConnections = () => io.engine.clientsCount;
  setInterval(() => io.emit('sysinfo', data), INTERVAL_MS);
} else {
  throw new Error(`unknown mode ${mode}`);
}

server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.address() as AddressInfo).port });
});

// Exit cleanly when the runner stops this server, so --cpu-prof can write its profile.
process.on('SIGTERM', () => process.exit(0));

process.on('message', (message: { measure?: number }) => {
  if (!message.measure) return;
  const start = process.cpuUsage();
  const t0 = performance.now();
  let rss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage.rss());
  }, 250);
  setTimeout(() => {
    clearInterval(sampler);
    const used = process.cpuUsage(start);
    const elapsedMs = performance.now() - t0;
    process.send!({
      cpuPercent: ((used.user + used.system) / 1000 / elapsedMs) * 100,
      // Kernel time is mostly the socket writes, and on loopback the clients' TCP receive path too.
      userPercent: (used.user / 1000 / elapsedMs) * 100,
      rssMB: rss / 2 ** 20,
      open: openConnections(),
    });
  }, message.measure);
});
