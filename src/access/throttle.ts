import { BoundedMap } from './bounded-map.js';

export interface ThrottleOptions {
  /** Failed attempts from one address within `windowMs` before it is blocked. Default 10. */
  maxFailures?: number;
  /** Window over which failures are counted. Default 60 s. */
  windowMs?: number;
  /** How long a blocked address is answered 429. Default 60 s. */
  blockMs?: number;
  /** Most addresses tracked at once; the oldest are forgotten first. Default 10 000. */
  maxAddresses?: number;
}

interface AddressRecord {
  failures: number;
  windowStart: number;
  blockedUntil: number;
}

/**
 * Counts failed authentications per client address and blocks an address that fails too often.
 * Only the offending address is blocked; memory is capped. Requests without an address (an
 * adapter that cannot tell) are never throttled, rather than all sharing one bucket.
 */
export class FailureThrottle {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly blockMs: number;
  private readonly records: BoundedMap<string, AddressRecord>;

  constructor(options: ThrottleOptions = {}) {
    this.maxFailures = positive(options.maxFailures ?? 10, 'maxFailures');
    this.windowMs = positive(options.windowMs ?? 60_000, 'windowMs');
    this.blockMs = positive(options.blockMs ?? 60_000, 'blockMs');
    this.records = new BoundedMap(positive(options.maxAddresses ?? 10_000, 'maxAddresses'));
  }

  /** Milliseconds until `address` may try again; 0 when it is not blocked. */
  retryAfter(address: string | undefined, now: number): number {
    if (address === undefined) return 0;
    const record = this.records.get(address);
    return record && record.blockedUntil > now ? record.blockedUntil - now : 0;
  }

  recordFailure(address: string | undefined, now: number): void {
    if (address === undefined) return;
    let record = this.records.get(address);
    if (!record || now - record.windowStart >= this.windowMs) {
      record = { failures: 0, windowStart: now, blockedUntil: 0 };
    }
    record.failures++;
    if (record.failures >= this.maxFailures) {
      record.blockedUntil = now + this.blockMs;
      record.failures = 0;
      record.windowStart = now;
    }
    this.records.set(address, record);
  }

  recordSuccess(address: string | undefined): void {
    if (address !== undefined) this.records.delete(address);
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`access throttle: \`${name}\` must be positive`);
  return value;
}
