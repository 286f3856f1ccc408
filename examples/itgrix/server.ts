/**
 * Seed 004 — Itgrix: GET :8077/status with HTTP Digest (`curl -s --digest -u login:password`), a
 * deep tree of module states, and `?path=a.b.c` for single values. The simulated application stops
 * and restarts: app_state "" / "stopped" / "restarting", app_status Ok / Warning / Error, app_err.
 * Credentials: ITGRIX_LOGIN / ITGRIX_PASSWORD (default admin / itgrix). Drive the simulation with
 * POST /admin/simulate?state=stopped|restarting|running (Digest-authenticated too).
 */
import {
  createAccess,
  createStatus,
  digestAuth,
  type RequestContext,
  type StatusResponse,
} from '../../src/index.js';

type AppState = '' | 'stopped' | 'restarting';

function itgrixTime(date = new Date()): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)} ` +
    `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
  );
}

/** What the providers show; rebuilt on each tick and state change, the same objects in between. */
interface Figures {
  c2c: Record<string, unknown>;
  callsQueue: { calls: number; lock: string };
  crmManager: Record<string, unknown>;
  usersCache: Record<string, unknown>;
  lock: string;
  pbx: Record<string, unknown>;
}

class Simulation {
  state: AppState = '';
  err = '<nil>';
  statusUpdated = itgrixTime();
  lastId = 713065;
  calls = 0;
  figures = this.build();
  private timer = setInterval(() => this.tick(), 1000).unref();
  private restartTimer: NodeJS.Timeout | undefined;
  /** Called after every change of state, so the application's check can run at once. */
  onChange: () => void = () => {};

  tick() {
    if (this.state === '') {
      this.lastId += Math.floor(Math.random() * 5);
      this.calls = Math.max(0, this.calls + Math.round(Math.random() * 2 - 1));
    }
    this.figures = this.build();
  }

  set(state: AppState, err = '<nil>') {
    this.state = state;
    this.err = err;
    this.statusUpdated = itgrixTime();
    this.figures = this.build();
    clearTimeout(this.restartTimer);
    // A restart finishes by itself after a short wait, as the real module's reconnects do.
    if (state === 'restarting') this.restartTimer = setTimeout(() => this.set(''), 3000).unref();
    this.onChange();
  }

  lock(): string {
    return `locked in ${200 + Math.floor(Math.random() * 300)}ns`;
  }

  build(): Figures {
    const running = this.state === '';
    return {
      c2c: { connected: running, on: true, portal: '', stayon: false, url: '' },
      callsQueue: { calls: this.calls, lock: this.lock() },
      crmManager: {
        batch_queue: 0,
        connector: {
          app_type: 'LicenseType_Subscription',
          authseq: { err: '<nil>', sequences: 0 },
          on: running,
          portal: '',
        },
        on: true,
      },
      usersCache: { last_updated: this.statusUpdated, phones: 39, users: 120 },
      lock: this.lock(),
      pbx: {
        ami: { logged_in: running, on: true, pending_actions: 0 },
        cel_queue: { calls: 0, pending_events: 0 },
        db: { connected: this.state !== 'stopped', dbConnector: { on: true } },
        fmc_cache: { last_refresh: this.statusUpdated, phones: 39 },
        last_id: this.lastId,
        on: true,
        parked: 0,
        sql_parser: { originated: 0, transfer_bridges: 0 },
        trunks: 2,
      },
    };
  }

  stop() {
    clearInterval(this.timer);
    clearTimeout(this.restartTimer);
  }
}

export async function start({ port = 8077, host = '127.0.0.1' }: { port?: number; host?: string } = {}) {
  const login = process.env.ITGRIX_LOGIN ?? 'admin';
  const password = process.env.ITGRIX_PASSWORD ?? 'itgrix';
  const sim = new Simulation();
  const access = createAccess({
    anonymous: 'refuse',
    authenticators: [digestAuth({ realm: 'itgrix', users: [{ username: login, password, tier: 'admin' }] })],
  });
  const status = createStatus({
    vocabulary: 'okError',
    access,
    // Itgrix answers 200 whatever the application's state: monitors read app_status / app_state.
    httpCodes: { critical: 200, maintenance: 200 },
    layout: {
      overallStatusKey: false,
      durationKey: false,
      componentTime: false,
      componentReason: false,
      componentDuration: false,
    },
  });
  const on = (path: string, value: unknown) => status.value(path, value);
  // Providers serve the simulation's figures of the latest tick: the document (and its cached
  // bytes) changes once a second at most, as with the agent's vitals.
  status.provider('app.c2c', () => sim.figures.c2c);
  status.provider('app.calls_queue', () => sim.figures.callsQueue);
  status.provider('app.calls_storage.calls', () => sim.calls);
  on('app.crm.host', '');
  status.provider('app.crm.manager', () => sim.figures.crmManager);
  on('app.crm.on', true);
  status.provider('app.crm.users_cache', () => sim.figures.usersCache);
  on('app.crm_type', 'bitrix');
  on('app.customizer', {
    enabled: true,
    methods: Object.fromEntries(
      [
        'customize_activity',
        'customize_attach_record_url',
        'customize_autodistribution',
        'customize_entity',
        'customize_show_call_card',
        'need_registration',
        'post_registration',
        'process_client_phone',
        'process_final_params',
        'process_originate_params',
        'process_record_file_path',
        'process_registration_params',
        'process_task_creation_params',
        'process_user_phone',
      ].map((m) => [m, true]),
    ),
    path: '/opt/itgrix_bx/customizer/customize.php',
    timeout: 2000,
  });
  status.provider('app.err', () => sim.err);
  on('app.license_manager', {
    currentLicense: { offline: false, type: 'Professional', valid_till: '2025-04-15' },
    on: true,
    soft_mode: 'ready',
  });
  status.provider('app.lock', () => sim.figures.lock);
  // The application's own state is a check: its level is app_status, its fields the rest. It runs
  // in the background and again on every change of state, never per request.
  const general = status.check(
    'app.master.general',
    () => ({
      level: sim.state === '' ? 'ok' : sim.state === 'restarting' ? 'warning' : 'critical',
      fields: { app_err: sim.err, app_state: sim.state, app_status_updated: sim.statusUpdated },
    }),
    { interval: '1s', render: { statusKey: 'app_status' } },
  );
  sim.onChange = () => void general.run();
  status.provider('app.originated', () => 0);
  status.provider('app.pbx', () => sim.figures.pbx);
  status.provider('app.restarting', () => sim.state === 'restarting');
  on('app.version', 'Itgrix_bx v3.10.12');
  on('instance', {
    config: '/etc/itgrix_bx/config.json',
    index: 0,
    log: '/var/log/itgrix_bx.log',
    service: 'itgrix_bx',
  });

  status.addRoute(async (request: RequestContext): Promise<StatusResponse | undefined> => {
    if (request.pathname !== '/admin/simulate') return undefined;
    const decision = await request.authorize();
    if (!decision.allowed) return decision.response;
    const state = request.params.get('state');
    if (request.method !== 'POST' || !['stopped', 'restarting', 'running'].includes(state ?? '')) {
      return {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: '{"error":"bad_request","message":"POST ?state=stopped|restarting|running"}',
      };
    }
    if (state === 'stopped')
      sim.set('stopped', 'pbx: AMI connection lost: dial tcp 127.0.0.1:5038: connect: connection refused');
    else sim.set(state === 'running' ? '' : 'restarting');
    await general.run(); // the next read shows the new state
    return { status: 204, headers: {}, body: '' };
  });

  const server = await status.listen({ port, host });
  return {
    url: `${server.url}/status`,
    lines: [
      `${server.url}/status`,
      `curl -s --digest -u ${login}:${password} '${server.url}/status?path=app.master.general.app_state'`,
    ],
    status,
    sim,
    async close() {
      sim.stop();
      await status.close();
    },
  };
}
