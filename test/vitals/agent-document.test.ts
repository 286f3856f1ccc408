/**
 * Issue 17 through the real agent: between two samples of its vitals sampler the document does not
 * change, so every door serves the same bytes; nothing on the request path reads /proc; and a flood
 * on /status leaves the liveness probe answering.
 */
import fs from 'node:fs';
import { Agent as HttpAgent, request } from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../src/cli/agent.js';
import { createLogger } from '../../src/client/log.js';
import { createVitals } from '../../src/vitals/index.js';
import { configFile, type RunningAgent, serve } from '../cli/spawn.js';

interface Answer {
  status: number;
  body: string;
}

function get(url: string, agent?: HttpAgent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What identifies the inputs of one document: the vitals sample and each check's latest run. */
function inputsOf(statusBody: string): string {
  const document = JSON.parse(statusBody);
  const checks = Object.values(document.checks as Record<string, { time: string }>).map((c) => c.time);
  return JSON.stringify([document.host.cpus.time, checks]);
}

const DOORS = [
  '/status',
  '/status?pretty=true',
  '/status?path=host.memory',
  '/status/host/cpus',
  '/status?format=health',
];

let running: RunningAgent | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('the default agent between two samples', () => {
  it('serves byte-identical answers on every door until the next sample, then new ones', async () => {
    running = await serve(['--quiet']);
    const base = running.base;
    const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    // A round asks every door twice; it counts when the first and last /status carry the same
    // sample and check runs, i.e. the whole round fell between two ticks (retry the rare one that
    // straddles a tick or a check's 5 s run).
    let round: Map<string, string[]> | undefined;
    for (let attempt = 0; attempt < 10 && !round; attempt++) {
      const answers = new Map<string, string[]>();
      for (const door of DOORS) {
        const first = await get(`${base}${door}`, keepAlive);
        const second = await get(`${base}${door}`, keepAlive);
        expect([first.status, second.status]).toEqual([200, 200]);
        answers.set(door, [first.body, second.body]);
      }
      const last = await get(`${base}/status`, keepAlive);
      if (inputsOf(answers.get('/status')![0]) === inputsOf(last.body)) round = answers;
    }
    expect(round, 'no round of requests fell between two samples').toBeDefined();
    for (const [door, [first, second]] of round!) expect(second, door).toBe(first);

    // The next tick (1 s by default) gives a new document: wait for it by polling, not by sleeping.
    const before = round!.get('/status')![0];
    let after = before;
    while (after === before) after = (await get(`${base}/status`, keepAlive)).body;
    expect(JSON.parse(after).host.cpus.time).toBeGreaterThan(JSON.parse(before).host.cpus.time);
    expect((await get(`${base}/status?pretty=true`, keepAlive)).body).not.toBe(
      round!.get('/status?pretty=true')![0],
    );
    expect((await get(`${base}/status/host/cpus`, keepAlive)).body).not.toBe(
      round!.get('/status/host/cpus')![0],
    );
    keepAlive.destroy();
  });

  it('renders /metrics once per second at most: back-to-back scrapes get the same bytes', async () => {
    running = await serve(['--quiet']);
    const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    // process_uptime_seconds moves every microsecond, so only a cached rendering repeats; a pair may
    // straddle the end of a cache interval, hence a few tries.
    let repeated = false;
    for (let attempt = 0; attempt < 10 && !repeated; attempt++) {
      const first = await get(`${running.base}/metrics`, keepAlive);
      const second = await get(`${running.base}/metrics`, keepAlive);
      expect(first.body).toMatch(/^process_uptime_seconds \d/m);
      repeated = first.body === second.body;
    }
    keepAlive.destroy();
    expect(repeated).toBe(true);
  });
});

/**
 * Counts the files opened under /proc and /sys through `node:fs` (what every vitals reader uses),
 * by wrapping the functions and re-syncing the ESM bindings of `node:fs` to them.
 */
function countProcReads() {
  const original = { readFileSync: fs.readFileSync, openSync: fs.openSync, readdirSync: fs.readdirSync };
  let count = 0;
  let insideReadFile = false; // readFileSync opens through openSync: count that file once
  const note = (path: unknown) => {
    if (typeof path === 'string' && (path.startsWith('/proc/') || path.startsWith('/sys/'))) count++;
  };
  const wrapped = {
    readFileSync(...args: Parameters<typeof fs.readFileSync>) {
      note(args[0]);
      insideReadFile = true;
      try {
        return original.readFileSync(...args);
      } finally {
        insideReadFile = false;
      }
    },
    openSync(...args: Parameters<typeof fs.openSync>) {
      if (!insideReadFile) note(args[0]);
      return original.openSync(...args);
    },
    readdirSync(...args: Parameters<typeof fs.readdirSync>) {
      note(args[0]);
      return original.readdirSync(...args);
    },
  };
  Object.assign(fs, wrapped);
  syncBuiltinESMExports();
  return {
    get count() {
      return count;
    },
    reset() {
      count = 0;
    },
    restore() {
      Object.assign(fs, original);
      syncBuiltinESMExports();
    },
  };
}

describe('/proc reads on the request path', () => {
  it('1,000 /status requests inside one sampling interval read at most one sample’s worth of /proc', async () => {
    const reads = countProcReads();
    let agent: Agent | undefined;
    try {
      // One sample's worth, as this machine's vitals read it (cgroup discovery and disks included).
      const probe = createVitals();
      await probe.refreshDisks();
      reads.reset();
      probe.sample();
      const oneSample = reads.count;
      probe.close();
      expect(oneSample).toBeGreaterThan(0); // the counter sees the readers' files

      // A long interval, so all 1,000 requests fall inside it.
      const file = configFile('vitals:\n  interval: 10m\n');
      agent = await Agent.start({ configFile: file, port: 0, log: createLogger({ quiet: true }) });
      const url = `http://127.0.0.1:${agent.address.port}/status`;
      const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: 10 });
      const first = await get(url, keepAlive);
      expect(first.status).toBe(200);
      reads.reset();
      const bodies = new Set<string>();
      for (let batch = 0; batch < 100; batch++) {
        const answers = await Promise.all(Array.from({ length: 10 }, () => get(url, keepAlive)));
        for (const answer of answers) bodies.add(answer.body);
      }
      const during = reads.count;
      keepAlive.destroy();
      expect(during).toBeLessThanOrEqual(oneSample);
      // Only a check's background run (every 5 s) can change the document inside the interval.
      expect(bodies.size).toBeLessThanOrEqual(2);
    } finally {
      reads.restore();
      await agent?.close({ immediate: true });
    }
  });
});

describe('a flood on /status', () => {
  it('leaves /health/live answering every probe on its own connection', async () => {
    running = await serve(['--quiet']);
    const base = running.base;
    const flood = new HttpAgent({ keepAlive: true, maxSockets: 50 });
    const prober = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    let stop = false;
    let served = 0;
    const failures: number[] = [];
    // Bounded: the flood stops when the probes are done, or after 5 s whatever happens.
    const cap = setTimeout(() => (stop = true), 5000);
    const connections = Array.from({ length: 50 }, async () => {
      while (!stop) {
        const answer = await get(`${base}/status`, flood);
        if (answer.status === 200) served++;
        else failures.push(answer.status);
      }
    });
    while (served < 200 && !stop) await get(`${base}/health/live`, prober); // the flood is under way
    const probes: number[] = [];
    const floodBefore = served;
    for (let i = 0; i < 30; i++) probes.push((await get(`${base}/health/live`, prober)).status);
    const floodDuring = served - floodBefore;
    stop = true;
    clearTimeout(cap);
    await Promise.all(connections);
    flood.destroy();
    prober.destroy();
    expect(probes).toEqual(Array(30).fill(200));
    expect(failures).toEqual([]);
    expect(floodDuring).toBeGreaterThan(0); // the probes really ran during the flood
  });
});
