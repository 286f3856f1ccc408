import { connect } from 'node:net';
import type { CheckFunction, CheckOutcome } from '../model/index.js';
import { deadline, elapsedMs } from './abort.js';
import { whenReady } from './socket.js';
import { checkLatencyThresholds, levelAbove } from './thresholds.js';

export interface TcpCheckOptions {
  host?: string;
  port: number;
  /** The check's own limit in ms, on top of the runner's signal. */
  timeoutMs?: number;
  /** Connect time (ms) from which the check is `warning` / `critical` (reaching it counts). */
  warnMs?: number;
  critMs?: number;
}

/** Opens a TCP connection and closes it at once. Reading: connect time in ms. */
export function tcpCheck(options: TcpCheckOptions): CheckFunction {
  const host = options.host ?? '127.0.0.1';
  checkLatencyThresholds(options);
  return async (ctx): Promise<CheckOutcome> => {
    const run = deadline(ctx.signal, options.timeoutMs);
    const start = performance.now();
    try {
      const socket = await whenReady(connect({ host, port: options.port }), 'connect', run.signal);
      const ms = elapsedMs(start);
      socket.destroy();
      return {
        level: levelAbove(ms, { warn: options.warnMs, crit: options.critMs }),
        fields: { connected: true, address: `${host}:${options.port}` },
        observedValue: ms,
        observedUnit: 'ms',
      };
    } finally {
      run.dispose();
    }
  };
}
