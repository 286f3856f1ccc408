/** Reads one topic's current data; called once per tick, whatever the number of subscribers. */
export type TopicSource = () => unknown;

/** The periodic topics' sources. Any may be left out: that topic is then unavailable. */
export interface TopicSources {
  sysinfo?: TopicSource;
  cpu?: TopicSource;
  network?: TopicSource;
  requests?: TopicSource;
  metrics?: TopicSource;
}

/** What the feed needs of `src/vitals`' `Vitals` (structural, so any sampler fits). */
export interface VitalsSource {
  sysinfo(): unknown;
  cpus(): unknown;
  network(): unknown;
}

/** An object read at push time: `RequestMetrics`, `MetricsRegistry`, or anything with `readStatus()`. */
export interface StatusReadableSource {
  readStatus(): unknown;
}

export interface SourceInputs {
  vitals?: VitalsSource;
  requests?: StatusReadableSource | TopicSource;
  metrics?: StatusReadableSource | TopicSource;
  sources?: TopicSources;
}

/** Sources from the vitals and metrics modules, with explicitly given `sources` taking precedence. */
export function resolveSources(inputs: SourceInputs): TopicSources {
  const { vitals } = inputs;
  const resolved: TopicSources = {};
  if (vitals) {
    resolved.sysinfo = () => vitals.sysinfo();
    resolved.cpu = () => vitals.cpus();
    resolved.network = () => vitals.network();
  }
  if (inputs.requests) resolved.requests = readerOf(inputs.requests, 'requests');
  if (inputs.metrics) resolved.metrics = readerOf(inputs.metrics, 'metrics');
  for (const [topic, source] of Object.entries(inputs.sources ?? {})) {
    if (source === undefined) continue;
    if (typeof source !== 'function')
      throw new TypeError(`live feed: sources.${topic} must be a function, got ${typeof source}`);
    resolved[topic as keyof TopicSources] = source;
  }
  return resolved;
}

function readerOf(input: StatusReadableSource | TopicSource, name: string): TopicSource {
  if (typeof input === 'function') return input;
  if (input && typeof input.readStatus === 'function') return () => input.readStatus();
  throw new TypeError(`live feed: \`${name}\` must be a function or have readStatus()`);
}
