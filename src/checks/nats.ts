import { type Socket, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { CheckFunction, CheckOutcome } from '../model/index.js';
import { abortReason, deadline, elapsedMs, untilAborted } from './abort.js';
import { whenReady } from './socket.js';

/** The parts of a `nats` connection the check uses. */
export interface NatsConnectionLike {
  flush(): Promise<void>;
  readonly info?: object;
}

export interface NatsCheckOptions {
  /** The app's connection: only flushed, never closed. */
  connection?: NatsConnectionLike;
  /** Otherwise a connection per run to this `host:port`; default `127.0.0.1:4222`. */
  server?: string;
  user?: string;
  pass?: string;
  token?: string;
  /** Trust for servers that require TLS (PEM). */
  ca?: string | string[];
  timeoutMs?: number;
}

/**
 * Connects, then sends PING and waits for PONG (what `flush()` does); reports the server's INFO.
 * Reading: the PING/PONG round trip in ms.
 *
 * Own connections speak the NATS text protocol directly instead of using the `nats` client: that
 * client cannot close a socket whose server accepted but never sent INFO (its transport's close is a
 * no-op before it is connected), so each such run would leak a socket. The protocol needed here is
 * four lines.
 */
export function natsCheck(options: NatsCheckOptions): CheckFunction {
  const [host, port] = splitServer(options.server ?? '127.0.0.1:4222');
  return async (ctx): Promise<CheckOutcome> => {
    const run = deadline(ctx.signal, options.timeoutMs);
    try {
      const result = options.connection
        ? await flushAppConnection(options.connection, run.signal)
        : await pingServer(host, port, options, run.signal);
      const info = result.info;
      return {
        level: 'ok',
        fields: {
          connected: true,
          version: info.version,
          serverId: info.server_id,
          serverName: info.server_name,
          jetstream: info.jetstream,
          maxPayload: info.max_payload,
        },
        observedValue: result.ms,
        observedUnit: 'ms',
      };
    } finally {
      run.dispose();
    }
  };
}

async function flushAppConnection(connection: NatsConnectionLike, signal: AbortSignal) {
  const start = performance.now();
  await untilAborted(connection.flush(), signal);
  return { ms: elapsedMs(start), info: (connection.info ?? {}) as Record<string, unknown> };
}

async function pingServer(host: string, port: number, options: NatsCheckOptions, signal: AbortSignal) {
  let socket: Socket = tcpConnect({ host, port });
  try {
    await whenReady(socket, 'connect', signal);
    let lines = lineReader(socket, signal);
    const info = parseInfo(await lines.next());
    if (info.tls_required === true) {
      lines.stop();
      socket = tlsConnect({ socket, servername: host, ca: options.ca });
      await whenReady(socket, 'secureConnect', signal);
      lines = lineReader(socket, signal);
    }
    const connect = { verbose: false, pedantic: false, lang: 'node', name: 'statuskit-check', protocol: 1 };
    const auth = { user: options.user, pass: options.pass, auth_token: options.token };
    const start = performance.now();
    socket.write(`CONNECT ${JSON.stringify({ ...connect, ...auth })}\r\nPING\r\n`);
    for (;;) {
      const line = await lines.next();
      if (line === 'PONG') break;
      if (line.startsWith('-ERR')) throw new Error(`NATS server: ${line.slice(5).replace(/^'|'$/g, '')}`);
      // Anything else (+OK, PING, a second INFO) is not the answer yet.
    }
    lines.stop();
    return { ms: elapsedMs(start), info };
  } finally {
    socket.destroy();
  }
}

/** Reads CRLF-terminated lines from a socket; `next()` rejects on close, error or abort. */
function lineReader(socket: Socket, signal: AbortSignal) {
  let buffer = '';
  const queued: string[] = [];
  let waiting: { resolve(line: string): void; reject(error: Error): void } | undefined;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    waiting?.reject(failure);
    waiting = undefined;
  };
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
      queued.push(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
    if (buffer.length > 65_536) fail(new Error('NATS server sent an overlong line'));
    if (waiting && queued.length > 0) {
      waiting.resolve(queued.shift()!);
      waiting = undefined;
    }
  };
  const onClose = () => fail(new Error('connection closed by the NATS server'));
  const onError = (error: Error) => fail(error);
  const onAbort = () => fail(abortReason(signal));
  socket.on('data', onData);
  socket.once('close', onClose);
  socket.once('error', onError);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  return {
    next(): Promise<string> {
      if (queued.length > 0) return Promise.resolve(queued.shift()!);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
      });
    },
    stop() {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

function parseInfo(line: string): Record<string, unknown> {
  if (!line.startsWith('INFO '))
    throw new Error(`not a NATS server: expected INFO, got "${line.slice(0, 40)}"`);
  return JSON.parse(line.slice(5)) as Record<string, unknown>;
}

function splitServer(server: string): [string, number] {
  const match = /^(?:nats:\/\/)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(server.trim());
  if (!match) throw new Error(`invalid NATS server "${server}", expected host:port`);
  return [match[1].replace(/^\[|\]$/g, ''), Number(match[2] ?? 4222)];
}
