/**
 * 5000 subscribers receiving a ~1 KB update 10 times a second: server CPU and RSS of the statuskit
 * live feed vs a bare `ws` broadcast of the pre-serialized payload vs socket.io (what
 * express-status-monitor uses). Servers run in child processes; the clients run here, as raw
 * sockets that do the WebSocket handshake and then only count bytes, so they stay cheaper than
 * the servers they load (on 2 cores, full `ws` clients would set the pace).
 *
 *   node --import tsx bench/live/broadcast.ts [clients=5000] [rounds=3] [seconds=5]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { payload } from './payload.js';
import { RawClient } from './raw-client.js';

const CLIENTS = Number(process.argv[2] ?? 5000);
const ROUNDS = Number(process.argv[3] ?? 3);
const SECONDS = Number(process.argv[4] ?? 5);
const MODES = ['statuskit', 'statuskit-send', 'bare', 'socketio'] as const;
type Mode = (typeof MODES)[number];
/** Approximate bytes of one push on the wire (frame + envelope), to report the delivered share. */
const MESSAGE_BYTES = JSON.stringify(payload()).length + 40;
const serverScript = fileURLToPath(new URL('./server.ts', import.meta.url));

/** Opens one subscriber; socket.io clients join the default namespace (`40`) after engine.io's open. */
function connect(mode: Mode, port: number): Promise<RawClient> {
  if (mode === 'socketio') {
    return RawClient.open(port, '/socket.io/?EIO=4&transport=websocket', (client) => client.send('40'));
  }
  return RawClient.open(port, '/api/health/ws', (client) => {
    if (mode !== 'bare') client.send('subscribe sysinfo 100ms');
  });
}

async function startServer(mode: Mode): Promise<{ child: ChildProcess; port: number }> {
  // PROFILE=1 writes a .cpuprofile per server (in bench/results/) to see where its time goes.
  const profile = process.env.PROFILE ? ['--cpu-prof', '--cpu-prof-dir=bench/results'] : [];
  const child = fork(serverScript, [mode], { execArgv: ['--import', 'tsx', ...profile], stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', (m: any) => resolve(m.port)));
  return { child, port };
}

async function round(mode: Mode): Promise<{ cpu: number; rss: number; delivery: number }> {
  const { child, port } = await startServer(mode);
  const sockets: RawClient[] = [];
  for (let i = 0; i < CLIENTS; i += 250) {
    const batch = Math.min(250, CLIENTS - i);
    sockets.push(...(await Promise.all(Array.from({ length: batch }, () => connect(mode, port)))));
  }
  await new Promise((r) => setTimeout(r, 2000));
  const before = sockets.reduce((sum, s) => sum + s.bytes, 0);
  child.send({ measure: SECONDS * 1000 });
  const result = await new Promise<any>((resolve) => child.once('message', resolve));
  const received = sockets.reduce((sum, s) => sum + s.bytes, 0) - before;
  const delivery = received / (CLIENTS * 10 * SECONDS * MESSAGE_BYTES);
  for (const socket of sockets) socket.destroy();
  child.kill();
  await new Promise((r) => child.once('exit', r));
  if (result.open !== CLIENTS)
    console.log(`  ${mode}: only ${result.open} of ${CLIENTS} clients still connected`);
  return { cpu: result.cpuPercent, rss: result.rssMB, delivery };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const results = new Map<Mode, { cpu: number[]; rss: number[]; delivery: number[] }>();
  for (const mode of MODES) results.set(mode, { cpu: [], rss: [], delivery: [] });
  for (let r = 0; r < ROUNDS; r++) {
    // Interleaved, so the machine's drift hits every variant alike.
    for (const mode of MODES) {
      const { cpu, rss, delivery } = await round(mode);
      const entry = results.get(mode)!;
      entry.cpu.push(cpu);
      entry.rss.push(rss);
      entry.delivery.push(delivery);
      console.log(
        `round ${r + 1} ${mode.padEnd(15)} cpu ${cpu.toFixed(1)}%  rss ${rss.toFixed(0)} MB  delivered ${(delivery * 100).toFixed(0)}%`,
      );
    }
  }
  const cpu = (mode: Mode) => median(results.get(mode)!.cpu);
  console.log(`\n${CLIENTS} subscribers, ~1 KB x 10/s, medians of ${ROUNDS} rounds of ${SECONDS} s`);
  for (const mode of MODES) {
    const e = results.get(mode)!;
    console.log(
      `${mode.padEnd(15)} cpu ${cpu(mode).toFixed(1)}%  rss ${median(e.rss).toFixed(0)} MB  delivered ${(median(e.delivery) * 100).toFixed(0)}%`,
    );
  }
  console.log(
    `\nstatuskit / bare ws       ${(cpu('statuskit') / cpu('bare')).toFixed(2)}x  (target <= 1.1x)`,
  );
  console.log(`statuskit-send / bare ws  ${(cpu('statuskit-send') / cpu('bare')).toFixed(2)}x`);
  console.log(
    `socket.io / statuskit     ${(cpu('socketio') / cpu('statuskit')).toFixed(2)}x  (target >= 1.5x)`,
  );
  console.log(
    `statuskit cpu ${cpu('statuskit').toFixed(1)}% (target <= 40%), rss ${median(results.get('statuskit')!.rss).toFixed(0)} MB (target <= 300 MB)`,
  );
}

await main();
