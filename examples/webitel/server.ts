/**
 * Seed 000 — Webitel: GET /api/v2/status with X-Access-Token + X-Key; a flat document of process
 * and host figures, session counters, a downstream console connection and FreeSWITCH's text status.
 * Credentials: WEBITEL_TOKEN / WEBITEL_KEY (defaults printed at start). The console connection can
 * be switched down with WEBITEL_CONSOLE=down, or at runtime with SIGUSR2 (toggles).
 */
import { createAccess, createStatus, createVitals, tokenPairAuth } from '../../src/index.js';

export const DEFAULT_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.demo.webitel';
export const DEFAULT_KEY = '8fd26a17-eb28-4c74-aa6f-a3794f4f466c';

/** A pretend telephony node whose counters move. */
class Simulation {
  socketSessions = 9;
  userSessions = 6;
  maxUserSessions = 6;
  domainSessions = 4;
  crashCount = 0;
  consoleUp = process.env.WEBITEL_CONSOLE !== 'down';
  sessionsSinceStartup = 7629;
  private timer = setInterval(() => this.tick(), 1000).unref();

  tick() {
    this.socketSessions = Math.max(0, this.socketSessions + Math.round(Math.random() * 4 - 2));
    this.userSessions = Math.min(
      this.socketSessions,
      Math.max(0, this.userSessions + Math.round(Math.random() * 2 - 1)),
    );
    this.maxUserSessions = Math.max(this.maxUserSessions, this.userSessions);
    this.sessionsSinceStartup += Math.round(Math.random() * 3);
  }

  /** FreeSWITCH's `status` text for a process up `up` seconds. */
  freeSwitchText(up: number): string {
    const h = Math.floor(up / 3600);
    const m = Math.floor((up % 3600) / 60);
    const s = Math.floor(up % 60);
    return (
      `UP 0 years, 0 days, ${h} hours, ${m} minutes, ${s} seconds, 0 milliseconds, 0 microseconds\n` +
      'FreeSWITCH (Version 1.6.19 git e61ee1a 2017-07-25 21:08:52Z 64bit) is ready\n' +
      `${this.sessionsSinceStartup} session(s) since startup\n` +
      `${this.userSessions} session(s) - peak 124, last 5min 5 \n` +
      '3 session(s) per Sec out of max 30, peak 54, last 5min 3 \n' +
      '1000 session(s) max\nmin idle cpu 0.00/92.40\nCurrent Stack Size/Max 240K/240K\n'
    );
  }

  stop() {
    clearInterval(this.timer);
  }
}

export async function start({ port = 0, host = '127.0.0.1' }: { port?: number; host?: string } = {}) {
  const token = process.env.WEBITEL_TOKEN ?? DEFAULT_TOKEN;
  const key = process.env.WEBITEL_KEY ?? DEFAULT_KEY;
  const sim = new Simulation();
  // The sampler's tick feeds every vitals figure below: the document changes once a second at most.
  const vitals = createVitals({ disks: false }).start();

  const status = createStatus({
    access: createAccess({
      anonymous: 'refuse',
      authenticators: [tokenPairAuth({ pairs: [{ token, key, name: 'admin', tier: 'admin' }] })],
    }),
    paths: { status: '/api/v2/status' },
    // Webitel's document has no overall status word and no duration.
    layout: { overallStatusKey: false, durationKey: false, componentTime: false, componentDuration: false },
  });
  status.value('version', 'master#261-sha1:4a6ad8b564724c60afb52fef48b6621330d4339f', { summary: true });
  status.mount('nodeMemory', vitals.view('nodeMemory'));
  status.provider('processId', () => process.pid);
  status.provider('socketSessions', () => sim.socketSessions);
  status.provider('userSessions', () => sim.userSessions);
  status.provider('maxUserSessions', () => sim.maxUserSessions);
  status.provider('domainSessions', () => sim.domainSessions);
  status.provider('processUpTimeSec', () => vitals.process().uptime);
  const wConsole = status.check(
    'wConsole',
    () => ({
      level: sim.consoleUp ? 'ok' : 'critical',
      fields: { apiQueue: 0, cmdQueue: 0, version: '3.2.0', sid: '29e1b260-d7da-11dd-829b-54a05079cad2\n' },
    }),
    // The console's own words; its outage must not turn Webitel's status endpoint into a 503. Run
    // in the background (not per request) and again whenever the connection changes.
    { critical: false, interval: '1s', render: { words: { ok: 'Connected', critical: 'Disconnected' } } },
  );
  process.on('SIGUSR2', () => {
    sim.consoleUp = !sim.consoleUp;
    void wConsole.run();
  });
  status.mount('system', vitals.view('webitelSystem'));
  status.provider('crashCount', () => String(sim.crashCount));
  status.provider('freeSWITCH', () => sim.freeSwitchText(vitals.process().uptime));
  status.value('nodeVersion', process.version);

  const server = await status.listen({ port, host });
  return {
    url: `${server.url}/api/v2/status`,
    lines: [
      `${server.url}/api/v2/status`,
      `curl -s -H 'X-Access-Token: ${token}' -H 'X-Key: ${key}' '${server.url}/api/v2/status'`,
    ],
    status,
    sim,
    async close() {
      sim.stop();
      vitals.close();
      await status.close();
    },
  };
}
