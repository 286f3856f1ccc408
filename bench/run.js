#!/usr/bin/env node
// Runs every benchmark, one after another (they measure CPU: never in parallel), each running its
// competitor in the same run and printing ratios. `npm run bench` or `npm run bench -- http vitals`.
// Needs `npm run build` (servers load dist/) and `wrk` for the HTTP ones.
import { spawnSync } from 'node:child_process';

const BENCHES = {
  http: ['bench/http/http.ts'],
  metrics: ['bench/metrics/hot-path.ts', 'bench/metrics/render.ts'],
  vitals: ['bench/vitals/snapshot.ts'],
  access: ['bench/access/authorize.ts'],
  limits: ['bench/limits/decision.ts', 'bench/limits/full-store.ts'],
  live: ['bench/live/broadcast.ts'],
  agent: ['bench/agent/startup.ts', 'bench/agent/throughput.ts', 'bench/vitals/snapshot.ts'],
  cluster: ['bench/cluster/scope.ts'],
  watch: ['bench/watch/rules.ts', 'bench/watch/fuzz.ts', 'bench/watch/fleet.ts'],
  watchdog: ['bench/watchdog/watchdog.ts'],
  statuspage: ['bench/statuspage/page.ts'],
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
let failed = false;
for (const name of names) {
  const files = BENCHES[name];
  if (!files) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  for (const file of files) {
    console.log(`\n#### ${file}`);
    const result = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
    if (result.status !== 0) failed = true;
  }
}
process.exit(failed ? 1 : 0);
