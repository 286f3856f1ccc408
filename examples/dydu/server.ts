/**
 * Seed 001 — DYDU: GET /servlet/api/serverstatus?details=true&pretty=true. Applications with
 * status / durationMs / customs, Dropwizard request meters driven by real requests to the chat
 * endpoint (POST or GET /servlet/api/chat?bot=<id>; `fail=1` answers 500, `bad=1` answers 400),
 * per-bot error counts, the derived five-minute error ratio, and the overall Ok / Warning / Ko / Unknown.
 * Switch an application down with DYDU_DOWN=dialog,sso or at runtime: POST /servlet/api/simulate?down=dialog
 * (and ?up=dialog).
 */
import type { RequestListener } from 'node:http';
import { hostname } from 'node:os';
import {
  createStatus,
  detailsShown,
  documentDuration,
  instrumentListener,
  MetricsRegistry,
  metricsEndpoint,
  overallStatus,
  timestamp,
} from '../../src/index.js';

const APPLICATIONS = [
  'runtime',
  'dialog',
  'slogger',
  'website',
  'servlet',
  'sso',
  'router',
  'livechat',
  'analytic',
];
const WITH_SESSIONS = new Set(['website', 'servlet', 'router', 'livechat', 'analytic']);

class Simulation {
  readonly down = new Set((process.env.DYDU_DOWN ?? '').split(',').filter(Boolean));
  readonly sessions = new Map(APPLICATIONS.map((name) => [name, Math.floor(Math.random() * 20)]));
  volumes = { connectedPeople: 9, connectedOperators: 3, currentDialogs: 273, currentLivechatDialogs: 1 };
  private timer = setInterval(() => this.tick(), 1000).unref();

  tick() {
    const drift = (n: number, span: number) => Math.max(0, n + Math.round(Math.random() * span * 2 - span));
    for (const [name, n] of this.sessions) this.sessions.set(name, drift(n, 3));
    this.volumes = {
      connectedPeople: drift(this.volumes.connectedPeople, 2),
      connectedOperators: drift(this.volumes.connectedOperators, 1),
      currentDialogs: drift(this.volumes.currentDialogs, 10),
      currentLivechatDialogs: drift(this.volumes.currentLivechatDialogs, 1),
    };
  }

  stop() {
    clearInterval(this.timer);
  }
}

/** A pretend application probe that takes a few milliseconds, like the real ones. */
function applicationCheck(sim: Simulation, name: string) {
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 8));
    if (sim.down.has(name)) throw new Error(`${name} did not answer its health probe`);
    return WITH_SESSIONS.has(name) && name !== 'servlet'
      ? { level: 'ok' as const, fields: { customs: { sessions: sim.sessions.get(name) } } }
      : {
          level: 'ok' as const,
          fields: name === 'servlet' ? { customs: { sessions: sim.sessions.get(name) } } : undefined,
        };
  };
}

export async function start({ port = 0, host = '127.0.0.1' }: { port?: number; host?: string } = {}) {
  const sim = new Simulation();
  const registry = new MetricsRegistry();
  const chatHttp = registry.requests('chatHttp', { errorsByKeyField: 'errorsByBot', keyLabel: 'bot' });
  const status = createStatus({
    vocabulary: 'okKo',
    // The public document shows which application failed, never why (that goes to the logs).
    disclosure: { key: 'details', details: true, messages: false },
    metrics: metricsEndpoint(registry),
    paths: { status: '/servlet/api/serverstatus' },
    // The tree places status, durationMs and friends itself, in the seed's order.
    layout: { componentTime: false, componentReason: false },
  });
  status.mount('withDetails', detailsShown());
  status.provider('volumes', () => sim.volumes);
  for (const name of APPLICATIONS)
    status.check(`applications.${name}`, applicationCheck(sim, name), { timeout: '2s' });
  status.mount('applications.servlet.requests.chatHttp', chatHttp);
  status.mount('status', overallStatus());
  status.value('hostName', hostname(), { summary: true });
  status.mount('date', timestamp('yyyy-MM-dd HH:mm:ss', { utc: false }));
  status.value('version', '49.2470 a543dff5', { summary: true });
  status.mount('durationMs', documentDuration());

  // The chat API, instrumented: each chat request marks the chatHttp meters (and nothing else does).
  const chat = instrumentListener(
    chatHttp,
    (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const code = url.searchParams.has('fail') ? 500 : url.searchParams.has('bad') ? 400 : 200;
      res
        .writeHead(code, { 'content-type': 'application/json' })
        .end(JSON.stringify({ answer: code === 200 ? 'Hello!' : 'error' }));
    },
    { key: (req) => new URL(req.url ?? '/', 'http://x').searchParams.get('bot') ?? undefined },
  );
  const service: RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/servlet/api/chat') return chat(req, res);
    if (url.pathname === '/servlet/api/simulate' && req.method === 'POST') {
      for (const name of url.searchParams.getAll('down')) sim.down.add(name);
      for (const name of url.searchParams.getAll('up')) sim.down.delete(name);
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
  };
  const server = await status.listen({ port, host, fallback: service });
  return {
    url: `${server.url}/servlet/api/serverstatus`,
    lines: [
      `${server.url}/servlet/api/serverstatus`,
      `curl -s '${server.url}/servlet/api/serverstatus?details=true&pretty=true'`,
      `curl -s '${server.url}/servlet/api/chat?bot=bot-1'   # a chat request, counted by the meters`,
      `curl -s '${server.url}/metrics'`,
    ],
    status,
    sim,
    async close() {
      sim.stop();
      await status.close();
    },
  };
}
