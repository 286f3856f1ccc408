import { type ChildProcess, fork } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import type { LiveStats } from '../../src/live/index.js';
import { seededRandom } from '../support/seeded-random.js';
import { Client } from './helpers.js';
import { closeCodeOf, maskedFrame, rawUpgrade } from './raw-ws.js';

/**
 * Clients that send and never read, against a feed server in its own process: the scenario of
 * slow-readers.test.ts (a few seconds) and bench/fuzz/slow-readers.ts (as long as asked). Each
 * slow client is one seeded behaviour; a bystander subscriber and `/health/live` are served
 * throughout, and the server's RSS is sampled in the server itself.
 */

export type Behaviour = 'flood' | 'subscribe' | 'ping' | 'sse';
const BEHAVIOURS: readonly Behaviour[] = ['flood', 'subscribe', 'ping', 'sse'];

const COMMANDS = ['status', 'get notes', 'help', 'sysinfo', 'get version', 'ping', 'get database.status'];

export interface ServerSettings {
  feed: Record<string, unknown>;
  documentBytes?: number;
  pushBytes?: number;
}

const MiB = 1024 * 1024;

/**
 * The servers the slow clients meet: a heavy `cpu` topic (128 KiB every 20 ms), a generous command
 * rate (so floods are effective) and a 1 s heartbeat. Roomy: 256 KiB per connection, 16 MiB in all,
 * room for every slow client at once.
 */
export const ROOMY_BUDGET: ServerSettings = {
  feed: {
    maxBufferedBytes: 256 * 1024,
    maxTotalBufferedBytes: 16 * MiB,
    heartbeatInterval: 1000,
    commandRate: { perSecond: 5000, burst: 5000 },
    intervals: { cpu: 20 },
  },
  pushBytes: 128 * 1024,
};

/** Tight: 1 MiB per connection but 2 MiB in all, so the total budget drops the largest holders. */
export const TIGHT_BUDGET: ServerSettings = {
  ...ROOMY_BUDGET,
  feed: { ...ROOMY_BUDGET.feed, maxBufferedBytes: MiB, maxTotalBufferedBytes: 2 * MiB },
};

export interface Sample {
  stats: LiveStats;
  rss: number;
  peakRss: number;
  heapUsed: number;
  /** Buffers and other memory outside the JavaScript heap. */
  external: number;
}

/** The fixture servers (fixtures/feed-server.ts) in one child process, asked over IPC. */
export class FeedProcess {
  private readonly replies: Array<(sample: Sample) => void> = [];

  private constructor(
    readonly child: ChildProcess,
    readonly ports: readonly number[],
  ) {
    child.on('message', (message) => this.replies.shift()?.(message as Sample));
  }

  static start(settings: readonly ServerSettings[]): Promise<FeedProcess> {
    const script = new URL('./fixtures/feed-server.ts', import.meta.url).pathname;
    const child = fork(script, [JSON.stringify(settings)], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('message', (message) =>
        resolve(new FeedProcess(child, (message as { ports: number[] }).ports)),
      );
      child.once('exit', (code) => reject(new Error(`feed server exited with ${code} before listening`)));
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** One server of the process: its feed's stats, and the process's memory. */
  server(index: number): FeedServer {
    return {
      port: this.ports[index],
      alive: () => this.alive,
      stats: () => this.ask({ stats: index }),
      collected: () => this.ask({ stats: index, gc: true }),
      reset: () => this.ask({ reset: index }),
    };
  }

  stop(): Promise<void> {
    if (!this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }

  private ask(message: { stats?: number; reset?: number; gc?: boolean }): Promise<Sample> {
    if (!this.alive) return Promise.reject(new Error('the feed server is not running'));
    return new Promise((resolve) => {
      this.replies.push(resolve);
      this.child.send(message);
    });
  }
}

export interface FeedServer {
  port: number;
  alive(): boolean;
  stats(): Promise<Sample>;
  /** The same after a full garbage collection: what the server really keeps. */
  collected(): Promise<Sample>;
  /** The same, after starting a new RSS peak from now. */
  reset(): Promise<Sample>;
}

/** One misbehaving connection: it has sent what it meant to and reads nothing. */
interface SlowClient {
  behaviour: Behaviour;
  /** Frames or requests it sent. */
  sent: number;
  /** Reads what reached it and resolves with how it ended: a close code, `ended`, or `no close frame`. */
  outcome(): Promise<string>;
}

export interface SlowReadersRun {
  seed: number;
  slowClients: number;
  /** Give up waiting for the server to close them after this. */
  timeoutMs?: number;
}

export interface SlowReadersReport {
  behaviours: Record<Behaviour, number>;
  /** Connections opened plus frames and requests sent by them. */
  inputs: number;
  /** How each slow client ended: `1013`, `ended` (SSE), `no close frame` (dropped outright). */
  outcomes: Record<string, number>;
  stats: LiveStats;
  baselineRss: number;
  peakRss: number;
  bystanderPushes: number;
  healthAnswers: number;
  serverAlive: boolean;
}

/** Opens the slow clients, waits until the server has cut them all, then reads how each ended. */
export async function runSlowReaders(server: FeedServer, run: SlowReadersRun): Promise<SlowReadersReport> {
  const next = seededRandom(run.seed);
  const bystander = await Client.open(`ws://127.0.0.1:${server.port}/api/health/ws`);
  let bystanderClose = '';
  bystander.closed.then(({ code, reason }) => {
    bystanderClose = `${code} ${reason}`;
  });
  bystander.send('subscribe sysinfo 100ms');
  await bystander.nextPush('sysinfo');
  const before = (await server.stats()).stats;
  const baselineRss = (await server.reset()).rss;

  const clients = await Promise.all(
    Array.from({ length: run.slowClients }, () => openSlowClient(server.port, next)),
  );
  const expectedCuts = cutsOf(before) + clients.length;
  let bystanderPushes = 0;
  let healthAnswers = 0;
  let sample = await server.stats();
  const deadline = Date.now() + (run.timeoutMs ?? 15_000);
  // Paced by the bystander's own pushes: each turn proves it still receives, and that
  // /health/live still answers, while the slow clients are being dealt with.
  while (cutsOf(sample.stats) < expectedCuts) {
    if (Date.now() > deadline) throw new Error(`slow clients still open: ${JSON.stringify(sample.stats)}`);
    await bystander.nextPush('sysinfo').catch(async (error: Error) => {
      const { stats } = await server.stats();
      throw new Error(
        `${error.message}; bystander closed: ${bystanderClose || 'no'}; ${JSON.stringify(stats)}`,
      );
    });
    bystanderPushes += 1;
    const health = await fetch(`http://127.0.0.1:${server.port}/health/live`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (health.status === 200) healthAnswers += 1;
    await health.body?.cancel();
    sample = await server.stats();
  }
  await bystander.nextPush('sysinfo');
  bystanderPushes += 1;
  bystander.close();

  const outcomes: Record<string, number> = {};
  for (const outcome of await Promise.all(clients.map((client) => client.outcome())))
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  const behaviours = { flood: 0, subscribe: 0, ping: 0, sse: 0 };
  for (const client of clients) behaviours[client.behaviour] += 1;
  // A peer closed as slow may stay up to its grace (5 s) when it never read its close frame.
  const final = await settled(server, Date.now() + 10_000);
  return {
    behaviours,
    inputs: clients.reduce((sum, client) => sum + 1 + client.sent, 0),
    outcomes,
    stats: final.stats,
    baselineRss,
    peakRss: final.peakRss,
    bystanderPushes,
    healthAnswers,
    serverAlive: server.alive(),
  };
}

/** The server's sample once it has let every connection go (a close is seen a moment later). */
async function settled(server: FeedServer, deadline: number): Promise<Sample> {
  for (;;) {
    const sample = await server.stats();
    if (sample.stats.connections === 0 || Date.now() > deadline) return sample;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Connections the server cut: too slow, over the budget, or silent to pings. */
export function cutsOf(stats: LiveStats): number {
  return stats.slowClosed + stats.budgetDropped + stats.pingTimeouts;
}

async function openSlowClient(port: number, next: () => number): Promise<SlowClient> {
  const behaviour = BEHAVIOURS[Math.floor(next() * BEHAVIOURS.length)];
  if (behaviour === 'sse') return openSseReader(port, next);
  const { socket, rest } = await rawUpgrade(port);
  socket.pause();
  const frames = framesFor(behaviour, next);
  socket.write(Buffer.concat(frames));
  return {
    behaviour,
    sent: frames.length,
    outcome: async () => String((await closeCodeOf(socket, rest)) ?? 'no close frame'),
  };
}

/**
 * What a slow WebSocket client sends, all at once. Frames are built once per text and reused:
 * the test process stays light, so the bystander it also hosts answers its pings in time.
 */
function framesFor(behaviour: Exclude<Behaviour, 'sse'>, next: () => number): Buffer[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  if (behaviour === 'flood') {
    const count = 300 + Math.floor(next() * 1200);
    return Array.from({ length: count }, () => textFrame(pick(COMMANDS)));
  }
  if (behaviour === 'subscribe') {
    const topics = next() < 0.5 ? ['cpu'] : ['cpu', 'sysinfo'];
    return topics.map((topic) => textFrame(`subscribe ${topic} ${pick(['10ms', '20ms', '50ms'])}`));
  }
  // Pongs are small: it takes tens of thousands of pings to fill the socket buffers.
  const size = 100 + Math.floor(next() * 26);
  const ping = maskedFrame(0x9, Buffer.alloc(size, 0x70));
  return Array.from({ length: 30_000 + Math.floor(next() * 15_000) }, () => ping);
}

const textFrames = new Map<string, Buffer>();
function textFrame(text: string): Buffer {
  let frame = textFrames.get(text);
  if (!frame) {
    frame = maskedFrame(0x1, Buffer.from(text));
    textFrames.set(text, frame);
  }
  return frame;
}

/** An SSE request on a raw socket that never reads the stream. */
function openSseReader(port: number, next: () => number): Promise<SlowClient> {
  const topics = next() < 0.5 ? 'cpu' : 'cpu,sysinfo';
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      socket.pause();
      resolve({ behaviour: 'sse', sent: 1, outcome: () => endOf(socket) });
    });
    socket.once('error', reject);
    socket.write(
      `GET /status/stream?topics=${topics} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`,
    );
  });
}

/** Reads a stream to its end: `ended` once the server has closed it. */
function endOf(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.once('close', () => resolve('ended'));
    socket.resume();
  });
}
