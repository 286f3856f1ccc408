import type { CheckFunction, CheckOutcome } from '../model/index.js';
import { abortReason, deadline, elapsedMs } from './abort.js';
import { lazyPeer, type ModuleLoader } from './peer.js';

/** The parts of an mqtt.js client the check uses. */
export interface MqttClientLike {
  readonly connected: boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  end(force?: boolean, options?: object, callback?: () => void): unknown;
}

export interface MqttCheckOptions {
  /** The app's client: its `connected` flag is reported (no I/O), it is never closed. */
  client?: MqttClientLike;
  /** Otherwise a connection per run; default `mqtt://127.0.0.1:1883`. */
  url?: string;
  username?: string;
  password?: string;
  clientId?: string;
  timeoutMs?: number;
  loader?: ModuleLoader;
}

interface MqttModule {
  connect(url: string, options: Record<string, unknown>): MqttClientLike;
}

interface Connack {
  sessionPresent?: boolean;
  returnCode?: number;
  reasonCode?: number;
}

/** Connects and waits for CONNACK, then disconnects. Reading: connect-to-CONNACK ms. */
export function mqttCheck(options: MqttCheckOptions): CheckFunction {
  const loadMqtt = lazyPeer<MqttModule>('mqtt', 'mqtt', options.loader);
  return async (ctx): Promise<CheckOutcome> => {
    if (options.client) {
      const connected = options.client.connected;
      return { level: connected ? 'ok' : 'critical', fields: { connected } };
    }
    const run = deadline(ctx.signal, options.timeoutMs);
    try {
      const mqtt = await loadMqtt();
      const start = performance.now();
      const client = mqtt.connect(options.url ?? 'mqtt://127.0.0.1:1883', {
        username: options.username,
        password: options.password,
        clientId: options.clientId,
        connectTimeout: options.timeoutMs ?? 10_000,
        reconnectPeriod: 0, // one attempt per run
        clean: true,
      });
      // mqtt.js may emit 'error' after the check is over (e.g. while force-ending); an 'error' event with no
      // listener would crash the process.
      client.on('error', () => {});
      const connack = await waitForConnack(client, run.signal);
      const ms = elapsedMs(start);
      await new Promise<void>((resolve) => client.end(false, {}, resolve));
      return {
        level: 'ok',
        fields: { connected: true, sessionPresent: connack.sessionPresent ?? false },
        observedValue: ms,
        observedUnit: 'ms',
      };
    } finally {
      run.dispose();
    }
  };
}

/** Resolves on CONNACK; on error, close or abort the client is force-ended and the promise rejects. */
function waitForConnack(client: MqttClientLike, signal: AbortSignal): Promise<Connack> {
  return new Promise<Connack>((resolve, reject) => {
    const cleanup = () => {
      client.removeListener('connect', onConnect);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: Error) => {
      cleanup();
      client.end(true);
      reject(error);
    };
    const onConnect = (connack: Connack) => {
      cleanup();
      resolve(connack);
    };
    const onError = (error: Error) => fail(error);
    const onClose = () => fail(new Error('connection closed before CONNACK'));
    const onAbort = () => fail(abortReason(signal));
    client.on('connect', onConnect as (...args: never[]) => void);
    client.on('error', onError as (...args: never[]) => void);
    client.on('close', onClose);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
