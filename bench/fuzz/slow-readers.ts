/**
 * The suite's slow-reader test (test/live/slow-readers.test.ts), for longer: rounds of seeded
 * clients that send and never read — command floods, heavy subscribers, ping floods, SSE streams —
 * against feed servers in a process of their own, alternating a roomy total buffer budget with a
 * tight one. Prints the inputs tried, the crashes (a server process that died) and the RSS bound.
 *
 *   node --import tsx bench/fuzz/slow-readers.ts [rounds=20] [clients=32] [seed=1]
 */
import {
  cutsOf,
  FeedProcess,
  ROOMY_BUDGET,
  runSlowReaders,
  type SlowReadersReport,
  TIGHT_BUDGET,
} from '../../test/live/slow-readers.js';

const MiB = 1024 * 1024;
const [rounds = 20, clients = 32, firstSeed = 1] = process.argv.slice(2).map(Number);

let servers = await FeedProcess.start([ROOMY_BUDGET, TIGHT_BUDGET]);
const start = await servers.server(0).collected();
const totals = { inputs: 0, connections: 0, crashes: 0, failures: 0, outcomes: {} as Record<string, number> };
let worstGrowth = 0;
let highestPeak = 0;
const startedAt = Date.now();

console.log('round  seed  budget  clients  inputs   1013  ended  none  budget-drops  growth MB  peak MB');
for (let round = 0; round < rounds; round++) {
  const seed = firstSeed + round;
  const tight = round % 2 === 1;
  let report: SlowReadersReport;
  try {
    report = await runSlowReaders(servers.server(tight ? 1 : 0), {
      seed,
      slowClients: clients,
      timeoutMs: 30_000,
    });
  } catch (error) {
    if (servers.alive) {
      totals.failures += 1;
      console.log(`${String(round).padStart(5)}  ${seed}  failed: ${(error as Error).message}`);
      continue;
    }
    totals.crashes += 1;
    console.log(`${String(round).padStart(5)}  ${seed}  CRASH: ${(error as Error).message}`);
    servers = await FeedProcess.start([ROOMY_BUDGET, TIGHT_BUDGET]);
    continue;
  }
  if (!report.serverAlive || cutsOf(report.stats) < clients) totals.failures += 1;
  totals.inputs += report.inputs;
  totals.connections += clients;
  for (const [outcome, count] of Object.entries(report.outcomes))
    totals.outcomes[outcome] = (totals.outcomes[outcome] ?? 0) + count;
  const growth = report.peakRss - report.baselineRss;
  worstGrowth = Math.max(worstGrowth, growth);
  highestPeak = Math.max(highestPeak, report.peakRss);
  console.log(
    [
      String(round).padStart(5),
      String(seed).padStart(4),
      (tight ? 'tight' : 'roomy').padStart(6),
      String(clients).padStart(7),
      String(report.inputs).padStart(7),
      String(report.outcomes['1013'] ?? 0).padStart(5),
      String(report.outcomes.ended ?? 0).padStart(5),
      String(report.outcomes['no close frame'] ?? 0).padStart(5),
      String(report.stats.budgetDropped).padStart(12),
      (growth / MiB).toFixed(1).padStart(9),
      (report.peakRss / MiB).toFixed(1).padStart(8),
    ].join('  '),
  );
}
const end = await servers.server(0).collected();
await servers.stop();

console.log(`\n${rounds} rounds in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
console.log(`inputs tried: ${totals.inputs} (${totals.connections} slow connections and what they sent)`);
console.log(`outcomes: ${JSON.stringify(totals.outcomes)}`);
console.log(`crashes: ${totals.crashes}, rounds that failed their checks: ${totals.failures}`);
const mb = (bytes: number) => `${(bytes / MiB).toFixed(0)} MB`;
console.log(
  `RSS: ${mb(start.rss)} at start, highest peak ${mb(highestPeak)}, worst growth within a round ` +
    `${mb(worstGrowth)}, ${mb(end.rss)} at the end`,
);
// What survives a full collection: a leak grows it round after round, garbage does not.
console.log(
  `after a full GC: heap ${mb(start.heapUsed)} -> ${mb(end.heapUsed)}, buffers ${mb(start.external)} -> ${mb(end.external)}`,
);
process.exitCode = totals.crashes > 0 || totals.failures > 0 ? 1 : 0;
