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
const MODES = ['statuskit', 'statuskit-no-history', 'statuskit-send', 'bare', 'socketio'] as const;
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

interface Sample {
  cpu: number;
  user: number;
  rss: number;
  delivery: number;
}

async function round(mode: Mode): Promise<Sample> {
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
  return { cpu: result.cpuPercent, user: result.userPercent, rss: result.rssMB, delivery };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function describe(mode: Mode, s: Sample): string {
  return (
    `${mode.padEnd(20)} cpu ${s.cpu.toFixed(1)}% (user ${s.user.toFixed(1)}%, kernel ${(s.cpu - s.user).toFixed(1)}%)` +
    `  rss ${s.rss.toFixed(0)} MB  delivered ${(s.delivery * 100).toFixed(0)}%`
  );
}

async function main(): Promise<void> {
  const samples = new Map<Mode, Sample[]>(MODES.map((mode) => [mode, []]));
  for (let r = 0; r < ROUNDS; r++) {
    // Interleaved, so the machine's drift hits every variant alike.
    for (const mode of MODES) {
      const sample = await round(mode);
      samples.get(mode)!.push(sample);
      console.log(`round ${r + 1} ${describe(mode, sample)}`);
    }
  }
  const med = (mode: Mode, key: keyof Sample) => median(samples.get(mode)!.map((s) => s[key]));
  const summary = (mode: Mode): Sample => ({
    cpu: med(mode, 'cpu'),
    user: med(mode, 'user'),
    rss: med(mode, 'rss'),
    delivery: med(mode, 'delivery'),
  });
  console.log(`\n${CLIENTS} subscribers, ~1 KB x 10/s, medians of ${ROUNDS} rounds of ${SECONDS} s`);
  for (const mode of MODES) console.log(describe(mode, summary(mode)));
  const ratio = (a: Mode, b: Mode, key: 'cpu' | 'user') => (med(a, key) / med(b, key)).toFixed(2);
  console.log(`\nstatuskit / bare ws       ${ratio('statuskit', 'bare', 'cpu')}x  (target <= 1.1x)`);
  console.log(`statuskit-send / bare ws  ${ratio('statuskit-send', 'bare', 'cpu')}x`);
  // The history records once a second, off the broadcast path: the same cost with or without it.
  console.log(
    `statuskit / no history    ${ratio('statuskit', 'statuskit-no-history', 'cpu')}x  (target 1.0x)`,
  );
  console.log(`socket.io / statuskit     ${ratio('socketio', 'statuskit', 'cpu')}x  (target >= 1.5x)`);
  // Every variant pays the same kernel time per recipient (one socket write, and on loopback the
  // client's TCP receive path as well); the user-space ratio is what the libraries themselves cost.
  console.log(`  user space only         ${ratio('socketio', 'statuskit', 'user')}x`);
  console.log(
    `statuskit cpu ${med('statuskit', 'cpu').toFixed(1)}% (target <= 40%), rss ${med('statuskit', 'rss').toFixed(0)} MB (target <= 300 MB)`,
  );
}

await main();
