/**
 * Rate-limit decision cost. In memory: statuskit's GCRA limiter (synchronous, one Map entry per
 * key) against rate-limiter-flexible's RateLimiterMemory (promise per decision), median ns per
 * decision over 1 000 callers. Redis: round trips per decision for both (counted at the ioredis
 * client), and median µs per decision, against a throwaway redis-server.
 * Run: node --import tsx bench/limits/decision.ts   (target: in-memory <= 1 µs median; Redis 1 round trip)
 */
import { spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { RateLimiter, RedisStore } from '../../src/limits/index.js';

const CALLERS = 1000;
const subjects = Array.from({ length: CALLERS }, (_, i) => ({
  key: `a:10.0.${i >> 8}.${i & 255}`,
  tier: 'anonymous',
}));
const keys = subjects.map((s) => s.key);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function memoryBench(): Promise<void> {
  // Budgets large enough that every decision is an allowed one (the common path).
  const ours = new RateLimiter({ tiers: { anonymous: { limit: 1_000_000_000, window: '1h' } } });
  const theirs = new RateLimiterMemory({ points: 1_000_000_000, duration: 3600 });
  const n = 200_000;
  const runOurs = () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) ours.consume(subjects[i % CALLERS]);
    return Number(process.hrtime.bigint() - start) / n;
  };
  const runTheirs = async () => {
    const start = process.hrtime.bigint();
    // Sequential awaits: how a request handler uses it.
    for (let i = 0; i < n; i++) await theirs.consume(keys[i % CALLERS]);
    return Number(process.hrtime.bigint() - start) / n;
  };
  runOurs();
  await runTheirs();
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < 7; round++) {
    a.push(runOurs());
    b.push(await runTheirs());
  }
  const ns = median(a);
  const flexible = median(b);
  console.log(
    `in-memory decision: statuskit GCRA ${ns.toFixed(0)} ns, rate-limiter-flexible ${flexible.toFixed(0)} ns`,
  );
  console.log(
    `  ratio flexible/statuskit ${(flexible / ns).toFixed(1)}x; target <= 1000 ns: ${ns <= 1000 ? 'PASS' : 'FAIL'}`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
  });
}

/** Counts commands the client sends: one per round trip for these single-command decisions. */
function counted(client: Redis): { client: Redis; count: () => number } {
  let sent = 0;
  const original = client.sendCommand.bind(client);
  client.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    sent++;
    return original(...args);
  }) as Redis['sendCommand'];
  return { client, count: () => sent };
}

async function redisBench(): Promise<void> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  try {
    while (!(await answers(port))) await new Promise((r) => setTimeout(r, 50));
    const oursClient = counted(new Redis(port, '127.0.0.1'));
    const theirsClient = counted(new Redis(port, '127.0.0.1'));
    await Promise.all([oursClient.client.ping(), theirsClient.client.ping()]);
    const ours = new RateLimiter({
      store: new RedisStore(oursClient.client, { prefix: 'bench:ours:' }),
      tiers: { anonymous: { limit: 1_000_000_000, window: '1h' } },
    });
    const theirs = new RateLimiterRedis({
      storeClient: theirsClient.client,
      points: 1_000_000_000,
      duration: 3600,
      keyPrefix: 'bench:theirs',
    });
    const n = 5000;
    const time = async (decide: (i: number) => Promise<unknown>) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await decide(i);
      return Number(process.hrtime.bigint() - start) / n / 1000;
    };
    const decideOurs = (i: number) => ours.consume(subjects[i % CALLERS]) as Promise<unknown>;
    const decideTheirs = (i: number) => theirs.consume(keys[i % CALLERS]);
    await time(decideOurs);
    await time(decideTheirs);
    const before = [oursClient.count(), theirsClient.count()];
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < 5; round++) {
      a.push(await time(decideOurs));
      b.push(await time(decideTheirs));
    }
    const perOurs = (oursClient.count() - before[0]) / (5 * n);
    const perTheirs = (theirsClient.count() - before[1]) / (5 * n);
    console.log(
      `redis decision: statuskit ${median(a).toFixed(1)} µs (${perOurs.toFixed(2)} round trips), ` +
        `rate-limiter-flexible ${median(b).toFixed(1)} µs (${perTheirs.toFixed(2)} round trips)`,
    );
    console.log(`  target 1 round trip per decision: ${perOurs === 1 ? 'PASS' : 'FAIL'}`);
    oursClient.client.disconnect();
    theirsClient.client.disconnect();
  } finally {
    child.kill('SIGTERM');
  }
}

await memoryBench();
await redisBench();
