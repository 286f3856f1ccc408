/**
 * Full vitals snapshot (cpus + memory + pressure + disks + network + process) vs the equivalent
 * systeminformation calls (`currentLoad`, `mem`, `fsSize`, `networkStats`), in the same run. The PSI
 * read alone (`pressure()`, part of the snapshot) is timed too, to show its share of the cost.
 * Targets: statuskit snapshot <= 1 ms median, and >= 20x faster than systeminformation.
 *
 *   node --import tsx bench/vitals/snapshot.ts [rounds]
 */
import cp from 'node:child_process';
import { performance } from 'node:perf_hooks';
import si from 'systeminformation';
import { createVitals } from '../../src/vitals/index.js';
import { verdict } from '../lib.js';

const ROUNDS = Number(process.argv[2] ?? 5);
const VITALS_PER_ROUND = 300;
const SI_PER_ROUND = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timeEach(n: number, fn: () => unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

// Count the processes systeminformation starts (asynchronous ones all go through ChildProcess#spawn).
let spawns = 0;
const proto = cp.ChildProcess.prototype as unknown as { spawn: (...args: unknown[]) => unknown };
const originalSpawn = proto.spawn;
proto.spawn = function (this: unknown, ...args: unknown[]) {
  spawns++;
  return originalSpawn.apply(this, args);
};

// No sampler and minWindowMs 0, snapshots asked fresh: every snapshot really re-reads /proc/stat, /proc/meminfo, /proc/pressure/*, /proc/net/dev,
// process figures and fds, instead of serving the last window.
const vitals = createVitals({ minWindowMs: 0 });
await vitals.refreshDisks();
const siSnapshot = async () => {
  await si.currentLoad();
  await si.mem();
  await si.fsSize();
  await si.networkStats();
};
await siSnapshot(); // warm-up: its first currentLoad/networkStats set baselines
for (let i = 0; i < 200; i++) vitals.snapshot({ fresh: true });

const rows: { round: number; snapshot: number; pressure: number; fresh: number; si: number }[] = [];
let siSpawnsMeasured = 0;
let siCalls = 0;
for (let round = 1; round <= ROUNDS; round++) {
  const snapshot = median(await timeEach(VITALS_PER_ROUND, () => vitals.snapshot({ fresh: true })));
  const pressure = median(await timeEach(VITALS_PER_ROUND, () => vitals.pressure({ fresh: true })));
  const fresh = median(await timeEach(VITALS_PER_ROUND / 3, () => vitals.freshSnapshot()));
  const before = spawns;
  const siTimes = await timeEach(SI_PER_ROUND, siSnapshot);
  siSpawnsMeasured += spawns - before;
  siCalls += SI_PER_ROUND;
  rows.push({ round, snapshot, pressure, fresh, si: median(siTimes) });
}
vitals.close();

const fmt = (ms: number) => `${(ms * 1000).toFixed(0).padStart(6)} µs`;
console.log('round   statuskit snapshot   of which pressure()   + fresh statfs   systeminformation   ratio');
for (const r of rows) {
  console.log(
    `${String(r.round).padStart(5)}   ${fmt(r.snapshot)}            ${fmt(r.pressure)}             ${fmt(r.fresh)}        ${fmt(r.si)}       ${(r.si / r.snapshot).toFixed(0)}x`,
  );
}
const snap = median(rows.map((r) => r.snapshot));
const fresh = median(rows.map((r) => r.fresh));
const pressure = median(rows.map((r) => r.pressure));
const siMed = median(rows.map((r) => r.si));
console.log(
  `\nmedian of rounds: snapshot ${fmt(snap)}, of which pressure() ${fmt(pressure)}, ` +
    `with fresh statfs ${fmt(fresh)}, systeminformation ${fmt(siMed)}; with fresh statfs ${(siMed / fresh).toFixed(1)}x`,
);
verdict('vitals snapshot, every reading re-read', fmt(snap).trim(), '<= 1000 µs', snap <= 1);
verdict(
  'vitals snapshot vs systeminformation',
  `${(siMed / snap).toFixed(1)}x faster`,
  '>= 20x',
  siMed / snap >= 20,
);
console.log(
  `child processes: statuskit 0 by construction (see test/vitals/no-child-process.test.ts); ` +
    `systeminformation ${(siSpawnsMeasured / siCalls).toFixed(1)} async spawns per snapshot (+ execSync calls not counted here)`,
);
