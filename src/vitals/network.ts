import { readFileSync } from 'node:fs';
import { derived } from './precision.js';
import { parseNetDev } from './proc-parse.js';
import type { NetDevCounters, NetworkInterfaceStats, NetworkReading } from './types.js';

export type NetDevSource = () => NetDevCounters[] | null;

/** `/proc/net/dev` on Linux; `null` elsewhere (Node has no portable interface counters). */
export function defaultNetDevSource(): NetDevSource {
  if (process.platform !== 'linux') return () => null;
  return () => {
    try {
      return parseNetDev(readFileSync('/proc/net/dev', 'latin1'));
    } catch {
      return null;
    }
  };
}

/** Rates between two samples of one interface. Counter resets (interface re-created) give 0, not a negative. */
export function interfaceRates(
  prev: NetDevCounters | undefined,
  next: NetDevCounters,
  windowMs: number,
): NetworkInterfaceStats {
  const rate = (key: 'rxBytes' | 'txBytes' | 'rxPackets' | 'txPackets') =>
    prev && windowMs > 0 ? derived(Math.max(0, next[key] - prev[key]) / (windowMs / 1000)) : 0;
  return {
    ...next,
    rxBytesPerSec: rate('rxBytes'),
    txBytesPerSec: rate('txBytes'),
    rxPacketsPerSec: rate('rxPackets'),
    txPacketsPerSec: rate('txPackets'),
  };
}

/** Per-interface counters with per-second rates since the previous `sample()`. */
export class NetworkSampler {
  readonly #source: NetDevSource;
  #prev: Map<string, NetDevCounters>;
  #prevTime: number;

  constructor(source: NetDevSource = defaultNetDevSource(), now = Date.now()) {
    this.#source = source;
    this.#prev = toMap(source());
    this.#prevTime = now;
  }

  sample(now = Date.now()): NetworkReading {
    const counters = this.#source();
    const windowMs = now - this.#prevTime;
    const interfaces = (counters ?? []).map((c) => interfaceRates(this.#prev.get(c.name), c, windowMs));
    this.#prev = toMap(counters);
    this.#prevTime = now;
    return { interfaces, windowMs, time: now, supported: counters !== null };
  }
}

function toMap(counters: NetDevCounters[] | null): Map<string, NetDevCounters> {
  return new Map((counters ?? []).map((c) => [c.name, c]));
}
