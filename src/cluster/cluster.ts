/**
 * `createCluster(status, options)`: options in, a started member out. Resolves durations and the
 * quorum rule, picks the store (Redis, NATS JetStream KV, or one of your own) and checks names up
 * front, so a wrong setting fails at start with the option's name.
 */
import type { StatusHost } from '../host.js';
import { type Duration, optionalDuration } from '../util/duration.js';
import type { GuardOptions } from './guard.js';
import { ClusterMember, defaultInstanceName, type MemberSettings } from './member.js';
import { type NatsClusterOptions, natsClusterStore } from './nats-store.js';
import { parseQuorum, type QuorumRule } from './quorum.js';
import { type RedisClusterOptions, redisClusterStore } from './redis-store.js';
import { checkName } from './report.js';
import type { ClusterStore, StoreSettings } from './store.js';

export interface ClusterGuardOptions {
  /** A component counts as a shared failure when it fails on at least this % of instances. Default 50. */
  percent?: number;
  /** ... and on at least this many instances. Default 2. */
  minInstances?: number;
  /** Only these components (and those below them) are shared dependencies. Default: every component. */
  components?: readonly string[];
}

export interface ClusterOptions {
  /** The service the instances belong to: one cluster view per service. Default `statuskit`. */
  service?: string;
  /** This instance's name. Default `<hostname>-<pid>`. */
  instance?: string;
  /** The version this instance runs, shown per instance and counted in `versions`. */
  version?: string;
  /** Reports in Redis: a URL, or `{ url | client, prefix }`. */
  redis?: string | RedisClusterOptions;
  /** Reports in a NATS JetStream key-value bucket: server addresses, or `{ servers | connection, bucket }`. */
  nats?: string | string[] | NatsClusterOptions;
  /** Or a store of your own. */
  store?: ClusterStore;
  /** How often each instance publishes its report and reads the others'. Default 5 s. */
  interval?: Duration;
  /** A report older than this makes its instance `unknown` (missing). Default 3 intervals. */
  ttl?: Duration;
  /** A missing instance is dropped from the view after this long. Default 5 min. */
  forget?: Duration;
  /** A store call that takes longer fails (the view becomes `unknown`). Default 1 s, at most the interval. */
  timeout?: Duration;
  /** How many instances must be up for the service to be ok: `all`, `majority` (default) or a number. */
  ok?: QuorumRule | string;
  /** The correlated-failure guard on `/health/ready` (default on); `false` turns it off. */
  guard?: boolean | ClusterGuardOptions;
  /** Where this instance's document shows the cluster summary. Default `cluster`; `false` for nowhere. */
  mount?: string | false;
  /** `false`: read the cluster view without publishing (a dashboard that is not an instance). */
  publish?: boolean;
  /** Errors that do not stop the member (a snapshot that failed, a goodbye that did not reach the store). */
  onError?: (error: unknown) => void;
}

/** Joins `status` to its service's cluster and starts publishing; resolves after the first exchange. */
export async function createCluster(status: StatusHost, options: ClusterOptions): Promise<ClusterMember> {
  const settings = memberSettings(options);
  const store = await storeOf(options, {
    service: settings.service,
    forgetMs: optionalDuration(options.forget, 300_000, 'cluster.forget'),
    timeoutMs: optionalDuration(options.timeout, Math.min(1000, settings.intervalMs), 'cluster.timeout'),
  });
  return new ClusterMember(status, store, settings).start();
}

export function memberSettings(options: ClusterOptions): MemberSettings {
  const intervalMs = optionalDuration(options.interval, 5000, 'cluster.interval');
  if (!(intervalMs > 0)) throw new RangeError('cluster.interval: must be more than 0');
  const ttlMs = optionalDuration(options.ttl, 3 * intervalMs, 'cluster.ttl');
  if (ttlMs < intervalMs) throw new RangeError('cluster.ttl: must be at least one interval');
  const settings: MemberSettings = {
    service: checkName(options.service ?? 'statuskit', 'cluster.service'),
    instance: checkName(options.instance ?? defaultInstanceName(), 'cluster.instance'),
    version: options.version,
    intervalMs,
    ttlMs,
    rule: parseQuorum(options.ok, 'cluster.ok'),
    guard: guardOptions(options.guard),
    mount: options.mount === false ? undefined : (options.mount ?? 'cluster'),
    publish: options.publish !== false,
    onError: options.onError ?? (() => {}),
  };
  return settings;
}

function guardOptions(input: ClusterOptions['guard']): GuardOptions | undefined {
  if (input === false) return undefined;
  const options = input === true || input === undefined ? {} : input;
  const percent = options.percent ?? 50;
  if (!(typeof percent === 'number' && percent > 0 && percent <= 100))
    throw new RangeError(
      `cluster.guard.percent: expected more than 0 and at most 100, got ${String(percent)}`,
    );
  const minInstances = options.minInstances ?? 2;
  if (!Number.isInteger(minInstances) || minInstances < 1)
    throw new RangeError(`cluster.guard.minInstances: expected an integer >= 1, got ${String(minInstances)}`);
  const components = options.components;
  if (
    components !== undefined &&
    (!Array.isArray(components) || components.some((c) => typeof c !== 'string'))
  )
    throw new TypeError('cluster.guard.components: expected a list of component paths');
  return { threshold: percent / 100, minInstances, components };
}

async function storeOf(options: ClusterOptions, settings: StoreSettings): Promise<ClusterStore> {
  const given = [options.redis, options.nats, options.store].filter((s) => s !== undefined).length;
  if (given !== 1) throw new TypeError('createCluster: give exactly one of `redis`, `nats` or `store`');
  if (options.store) return options.store;
  if (options.redis !== undefined) {
    const redis = typeof options.redis === 'string' ? { url: options.redis } : options.redis;
    return redisClusterStore(redis, settings);
  }
  const nats = options.nats!;
  const natsOptions = typeof nats === 'string' || Array.isArray(nats) ? { servers: nats } : nats;
  return natsClusterStore(natsOptions as NatsClusterOptions, settings);
}
