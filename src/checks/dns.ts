import { Resolver } from 'node:dns/promises';
import type { CheckFunction, CheckOutcome } from '../model/index.js';
import { deadline, elapsedMs, untilAborted } from './abort.js';

export const DNS_RECORD_TYPES = [
  'A',
  'AAAA',
  'CNAME',
  'MX',
  'NS',
  'SRV',
  'TXT',
  'PTR',
  'SOA',
  'CAA',
] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export interface DnsCheckOptions {
  hostname: string;
  /** Record type to resolve; default `A`. */
  rrtype?: DnsRecordType;
  /** Name servers to ask (`'1.1.1.1'`, `'[::1]:53'`); default: the system's. */
  servers?: string[];
  timeoutMs?: number;
  /** Fail unless at least this many records come back; default 1. */
  minRecords?: number;
}

/**
 * Resolves a name with c-ares (`dns.Resolver`), which — unlike `dns.lookup` on the libuv thread pool —
 * can be cancelled, so an abort really stops the query.
 */
export function dnsCheck(options: DnsCheckOptions): CheckFunction {
  const rrtype = options.rrtype ?? 'A';
  const minRecords = options.minRecords ?? 1;
  return async (ctx): Promise<CheckOutcome> => {
    const run = deadline(ctx.signal, options.timeoutMs);
    const resolver = new Resolver({ timeout: options.timeoutMs ?? -1, tries: 1 });
    if (options.servers) resolver.setServers(options.servers);
    const cancel = () => resolver.cancel();
    run.signal.addEventListener('abort', cancel, { once: true });
    const start = performance.now();
    try {
      const records = (await untilAborted(resolver.resolve(options.hostname, rrtype), run.signal)) as unknown;
      const list = Array.isArray(records) ? records : [records];
      const ms = elapsedMs(start);
      const enough = list.length >= minRecords;
      return {
        level: enough ? 'ok' : 'critical',
        message: enough ? undefined : `${list.length} ${rrtype} record(s), expected at least ${minRecords}`,
        fields: { hostname: options.hostname, rrtype, records: list.slice(0, 10) },
        observedValue: ms,
        observedUnit: 'ms',
      };
    } finally {
      run.signal.removeEventListener('abort', cancel);
      run.dispose();
    }
  };
}
