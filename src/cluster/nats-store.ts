/**
 * The cluster's reports in a NATS JetStream key-value bucket: each instance puts its report under
 * its id once per interval, and one watch per process keeps every report at hand (the watch sends
 * the bucket's current values, then each put as it happens), so an exchange is a single put.
 *
 * Ages are judged on arrival by this process's clock (a report is as old as the time since its put
 * reached us); values present when the watch starts are dated by the server's `created` time.
 */
import { withTimeout } from '../util/timeout.js';
import { parseReport } from './report.js';
import type { ClusterStore, StoreSettings } from './store.js';
import type { StoredReport } from './view.js';

/** The parts of a `nats` (nats.js 2.x) key-value entry the store reads. */
interface KvEntryLike {
  key: string;
  value: Uint8Array;
  created: Date;
  operation: 'PUT' | 'DEL' | 'PURGE';
}

interface KvLike {
  put(key: string, value: Uint8Array): Promise<unknown>;
  watch(options: { initializedFn?: () => void }): Promise<AsyncIterable<KvEntryLike> & { stop(): void }>;
}

/** The parts of a `nats` connection the store uses. */
export interface ClusterNatsConnection {
  jetstream(): { views: { kv(bucket: string, options: { ttl: number; history: number }): Promise<unknown> } };
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface NatsClusterOptions {
  /** The app's connection (left open on close). */
  connection?: ClusterNatsConnection;
  /** Or servers to connect to (`127.0.0.1:4222`); the store closes its own connection. */
  servers?: string | string[];
  /** Bucket name. Default `statuskit_cluster_<service>` (dots become `_`). */
  bucket?: string;
}

interface Held {
  text: string;
  /** Local epoch ms when the report arrived. */
  receivedAt: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NatsClusterStore implements ClusterStore {
  readonly kind = 'nats';
  private readonly held = new Map<string, Held>();
  private watching: Promise<void> | undefined;
  private stopWatch: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly kv: KvLike,
    private readonly settings: StoreSettings,
    private readonly connection?: ClusterNatsConnection,
  ) {}

  async exchange(report: Parameters<ClusterStore['exchange']>[0]): Promise<StoredReport[]> {
    const { timeoutMs } = this.settings;
    await withTimeout(this.watch(), timeoutMs, 'nats: watch');
    if (report) {
      const text = JSON.stringify(report);
      await withTimeout(this.kv.put(report.id, encoder.encode(text)), timeoutMs, 'nats');
      this.held.set(report.id, { text, receivedAt: Date.now() });
    }
    return this.current(Date.now());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopWatch?.();
    if (this.connection) await this.connection.drain().catch(() => this.connection!.close());
  }

  private current(now: number): StoredReport[] {
    const stored: StoredReport[] = [];
    for (const [id, { text, receivedAt }] of this.held) {
      const ageMs = now - receivedAt;
      if (ageMs > this.settings.forgetMs) {
        this.held.delete(id);
        continue;
      }
      const report = parseReport(text, id);
      if (report) stored.push({ report, ageMs });
    }
    return stored;
  }

  /** Starts the watch once (again after it ended); resolves when its initial values are in. */
  private watch(): Promise<void> {
    if (this.watching) return this.watching;
    this.watching = new Promise<void>((resolve, reject) => {
      let initialized = false;
      this.kv
        .watch({
          initializedFn: () => {
            initialized = true;
            resolve();
          },
        })
        .then(async (entries) => {
          this.stopWatch = () => entries.stop();
          for await (const entry of entries) this.receive(entry, initialized);
        })
        .catch(reject)
        .finally(() => {
          // Ended (connection lost, closed): the next exchange starts a new watch.
          this.watching = undefined;
          if (!initialized) reject(new Error('nats: the watch ended before its initial values'));
        });
    });
    return this.watching;
  }

  private receive(entry: KvEntryLike, live: boolean): void {
    if (this.closed) return;
    if (entry.operation !== 'PUT') {
      this.held.delete(entry.key);
      return;
    }
    const now = Date.now();
    const receivedAt = live ? now : Math.min(now, entry.created.getTime());
    this.held.set(entry.key, { text: decoder.decode(entry.value), receivedAt });
  }
}

/** A NATS JetStream KV store from an app's connection or server addresses (nats loaded on first use). */
export async function natsClusterStore(
  options: NatsClusterOptions,
  settings: StoreSettings,
): Promise<NatsClusterStore> {
  const owned = options.connection === undefined;
  const connection = options.connection ?? (await connectNats(options.servers ?? '127.0.0.1:4222'));
  const bucket = options.bucket ?? `statuskit_cluster_${settings.service.replace(/\./g, '_')}`;
  try {
    // The bucket's TTL drops reports nobody has refreshed for `forget`; one value per instance.
    const kv = (await withTimeout(
      connection.jetstream().views.kv(bucket, { ttl: settings.forgetMs, history: 1 }),
      Math.max(settings.timeoutMs, 2000),
      'nats: key-value bucket',
    )) as KvLike;
    return new NatsClusterStore(kv, settings, owned ? connection : undefined);
  } catch (error) {
    if (owned) await connection.close();
    throw error;
  }
}

async function connectNats(servers: string | string[]): Promise<ClusterNatsConnection> {
  let connect: (options: Record<string, unknown>) => Promise<ClusterNatsConnection>;
  try {
    ({ connect } = (await import('nats')) as unknown as { connect: typeof connect });
  } catch {
    throw new Error('cluster.nats: the `nats` package is needed for NATS: npm install nats');
  }
  // Reconnect forever: the store reports failures per exchange and recovers when NATS returns.
  return connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
}
