import type { AuthOutcome } from './authenticator.js';
import { BoundedMap } from './bounded-map.js';
import { clientKeyOf } from './client-address.js';

export interface ThrottleOptions {
  /** Failed attempts from one client (IPv4 address, IPv6 /64) within `windowMs` before it is blocked. Default 10. */
  maxFailures?: number;
  /** Failed attempts on one account (user name, token-pair key), from all clients together, within `windowMs` before it is blocked. Default 30. */
  maxTargetFailures?: number;
  /** Window over which failures are counted. Default 60 s. */
  windowMs?: number;
  /** How long a blocked client or account is answered 429. Default 60 s. */
  blockMs?: number;
  /** Most clients counted at once (the least recently failing are forgotten first); as many again may be blocked. Default 10 000. */
  maxAddresses?: number;
  /** The same bound for accounts. Default 10 000. */
  maxTargets?: number;
}

interface Count {
  failures: number;
  windowStart: number;
}

/**
 * Failures per key (a client or a user name) and the keys blocked for failing too often. Blocks
 * live apart from counts, so a flood of new keys evicts other counts, never a block; when the
 * blocks themselves are full, the one that expires first goes.
 */
class FailureLedger {
  private readonly counts: BoundedMap<string, Count>;
  private readonly blocks: BoundedMap<string, number>;

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly blockMs: number,
    capacity: number,
  ) {
    this.counts = new BoundedMap(capacity);
    this.blocks = new BoundedMap(capacity);
  }

  /** Milliseconds until `key` may try again; 0 when it is not blocked. */
  retryAfter(key: string, now: number): number {
    const until = this.blocks.get(key);
    if (until === undefined) return 0;
    if (until > now) return until - now;
    this.blocks.delete(key);
    return 0;
  }

  recordFailure(key: string, now: number): void {
    if (this.retryAfter(key, now) > 0) return;
    const previous = this.counts.get(key);
    const count =
      previous && now - previous.windowStart < this.windowMs ? previous : { failures: 0, windowStart: now };
    count.failures++;
    if (count.failures < this.maxFailures) {
      this.counts.set(key, count);
      return;
    }
    this.counts.delete(key);
    // Every block lasts blockMs, so the oldest blocks are the first to expire.
    this.blocks.pruneOldest((until) => until <= now);
    this.blocks.set(key, now + this.blockMs);
  }

  /** Forgets the count of `key` (never its block). */
  forgive(key: string): void {
    this.counts.delete(key);
  }
}

/**
 * Blocks clients and user names that fail to authenticate too often. A client is counted by its
 * address (IPv6 by /64, IPv4-mapped IPv6 as IPv4); a user name ("target") is counted across all
 * clients, so guessing one account from many addresses is stopped too. Only the offender is
 * blocked; memory is capped. A success forgives the failures of its own user name only: a valid
 * key of one account never clears the failures of another, nor of the client.
 * Requests without an address (an adapter that cannot tell) are not counted per client, rather
 * than all sharing one bucket.
 */
export class FailureThrottle {
  private readonly clients: FailureLedger;
  private readonly targets: FailureLedger;

  constructor(options: ThrottleOptions = {}) {
    const windowMs = positive(options.windowMs ?? 60_000, 'windowMs');
    const blockMs = positive(options.blockMs ?? 60_000, 'blockMs');
    this.clients = new FailureLedger(
      positive(options.maxFailures ?? 10, 'maxFailures'),
      windowMs,
      blockMs,
      positive(options.maxAddresses ?? 10_000, 'maxAddresses'),
    );
    this.targets = new FailureLedger(
      positive(options.maxTargetFailures ?? 30, 'maxTargetFailures'),
      windowMs,
      blockMs,
      positive(options.maxTargets ?? 10_000, 'maxTargets'),
    );
  }

  /** Milliseconds until a client may try again; 0 when it is not blocked. Asked before any credential is read. */
  retryAfter(address: string | undefined, now: number): number {
    return address === undefined ? 0 : this.clients.retryAfter(clientKeyOf(address), now);
  }

  /**
   * Books what an authenticator concluded. Returns the milliseconds to wait when the user name the
   * credentials named is blocked: then even right credentials are refused (else the answer would
   * tell a guesser when they are right), and nothing is counted.
   */
  settle(
    outcome: Exclude<AuthOutcome, { kind: 'absent' }>,
    address: string | undefined,
    now: number,
  ): number {
    const { target } = outcome;
    const wait = target === undefined ? 0 : this.targets.retryAfter(target, now);
    if (wait > 0) return wait;
    if (outcome.kind === 'accepted') {
      if (target !== undefined) this.targets.forgive(target);
    } else if (outcome.countsAsFailure !== false) {
      if (address !== undefined) this.clients.recordFailure(clientKeyOf(address), now);
      if (target !== undefined) this.targets.recordFailure(target, now);
    }
    return 0;
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`access throttle: \`${name}\` must be positive`);
  return value;
}
