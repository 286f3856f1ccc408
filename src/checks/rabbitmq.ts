import type { CheckFunction, CheckOutcome, Level } from '../model/index.js';
import { worst } from '../model/index.js';
import { deadline, elapsedMs, onAbort, untilAborted } from './abort.js';
import { quietly } from './closable.js';
import { lazyPeer, type ModuleLoader } from './peer.js';
import { checkOptionPair, levelAbove } from './thresholds.js';

export interface AmqpChannelLike {
  checkQueue(queue: string): Promise<{ messageCount: number; consumerCount: number }>;
  close(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** An amqplib promise-API connection (`ChannelModel`). */
export interface AmqpConnectionLike {
  createChannel(): Promise<AmqpChannelLike>;
  close(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  readonly connection?: { serverProperties?: Record<string, unknown>; stream?: { destroy(): void } };
}

export interface QueueDepthRule {
  name: string;
  /** Messages ready in the queue from which it is `warning` / `critical`. */
  warn?: number;
  crit?: number;
}

export interface RabbitmqCheckOptions {
  /** The app's connection: the check only opens (and closes) a channel on it. */
  connection?: AmqpConnectionLike;
  /** Otherwise a connection per run; default `amqp://guest:guest@127.0.0.1:5672`. */
  url?: string;
  /** Queues whose depth to read; a missing queue is `critical`. */
  queues?: (string | QueueDepthRule)[];
  /** Default thresholds for queues given by name only. */
  warn?: number;
  crit?: number;
  timeoutMs?: number;
  loader?: ModuleLoader;
}

interface AmqplibModule {
  connect(url: string, socketOptions?: Record<string, unknown>): Promise<AmqpConnectionLike>;
}

const DEPTH = { warn: 'warn', crit: 'crit' };

/** Queue depths: the defaults, and each queue's own pair (which replaces the defaults). */
export function checkQueueThresholds(options: Pick<RabbitmqCheckOptions, 'warn' | 'crit' | 'queues'>): void {
  checkOptionPair(options, 'higher', DEPTH);
  options.queues?.forEach((queue, i) => {
    if (typeof queue === 'object') checkOptionPair(queue, 'higher', DEPTH, {}, ['queues', i]);
  });
}

/** Connects and opens a channel; optionally reads queue depths. Reading: the deepest queue, else connect ms. */
export function rabbitmqCheck(options: RabbitmqCheckOptions): CheckFunction {
  checkQueueThresholds(options);
  const loadAmqp = lazyPeer<AmqplibModule>('amqplib', 'rabbitmq', options.loader);
  const rules = (options.queues ?? []).map((q) =>
    typeof q === 'string' ? { name: q, warn: options.warn, crit: options.crit } : q,
  );
  return async (ctx): Promise<CheckOutcome> => {
    const run = deadline(ctx.signal, options.timeoutMs);
    let own: AmqpConnectionLike | undefined;
    let channel: AmqpChannelLike | undefined;
    // On abort the socket is cut: a graceful close waits for a broker that may not answer.
    const destroyOwn = () => own?.connection?.stream?.destroy();
    const detach = onAbort(run.signal, destroyOwn);
    const start = performance.now();
    try {
      if (!options.connection) {
        const amqp = await loadAmqp();
        const pending = amqp.connect(options.url ?? 'amqp://guest:guest@127.0.0.1:5672', {
          timeout: options.timeoutMs ?? 10_000,
        });
        own = await untilAborted(pending, run.signal, (late) => quietly(() => late.close()));
        own.on('error', () => {}); // a connection 'error' without a listener would crash the process
      }
      const connection = options.connection ?? own!;
      channel = await untilAborted(connection.createChannel(), run.signal, (late) =>
        quietly(() => late.close()),
      );
      channel.on('error', () => {}); // a missing queue closes the channel with an error event
      const connectMs = elapsedMs(start);
      const queues = await readQueues(channel, rules, run.signal);
      const server = connection.connection?.serverProperties ?? {};
      const fields = { connected: true, product: server.product, version: server.version, ...queues.fields };
      if (rules.length === 0) return { level: 'ok', fields, observedValue: connectMs, observedUnit: 'ms' };
      return {
        level: queues.level,
        message: queues.message,
        fields,
        observedValue: queues.deepest,
        observedUnit: 'messages',
      };
    } finally {
      detach();
      if (channel && !own) quietly(() => channel?.close());
      if (own) quietly(() => own?.close());
      run.dispose();
    }
  };
}

async function readQueues(channel: AmqpChannelLike, rules: QueueDepthRule[], signal: AbortSignal) {
  const queues: Record<string, { messages: number; consumers: number }> = {};
  let level: Level = 'ok';
  let deepest = 0;
  const notes: string[] = [];
  for (const rule of rules) {
    let reply: { messageCount: number; consumerCount: number };
    try {
      reply = await untilAborted(channel.checkQueue(rule.name), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      return {
        level: 'critical' as Level,
        message: `queue "${rule.name}": ${(error as Error).message}`,
        deepest,
        fields: { queues },
      };
    }
    queues[rule.name] = { messages: reply.messageCount, consumers: reply.consumerCount };
    deepest = Math.max(deepest, reply.messageCount);
    const queueLevel = levelAbove(reply.messageCount, rule);
    if (queueLevel !== 'ok') notes.push(`${rule.name} has ${reply.messageCount} messages`);
    level = worst(level, queueLevel);
  }
  return { level, message: notes.length ? notes.join('; ') : undefined, deepest, fields: { queues } };
}
