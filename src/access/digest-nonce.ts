import { createHmac, randomBytes } from 'node:crypto';
import { BoundedMap } from './bounded-map.js';
import { safeEqualBytes } from './secure-compare.js';

const TIME_BYTES = 6; // milliseconds since the epoch fit in 48 bits until the year 10889
const RANDOM_BYTES = 12;
const MAC_BYTES = 16;
const NONCE_BYTES = TIME_BYTES + RANDOM_BYTES + MAC_BYTES;

export type NonceCheck = { valid: false } | { valid: true; issuedAt: number };

/**
 * Stateless, HMAC-signed, time-stamped nonces: `base64url(time | random | HMAC(secret, time | random | realm))`.
 * The server remembers nothing about nonces it hands out; any process holding the secret can verify them.
 */
export class NonceMint {
  constructor(
    private readonly secret: Uint8Array,
    private readonly realm: string,
  ) {}

  issue(now: number): string {
    const body = Buffer.alloc(TIME_BYTES + RANDOM_BYTES);
    body.writeUIntBE(Math.max(0, Math.floor(now)), 0, TIME_BYTES);
    randomBytes(RANDOM_BYTES).copy(body, TIME_BYTES);
    return Buffer.concat([body, this.mac(body)]).toString('base64url');
  }

  check(nonce: string): NonceCheck {
    if (nonce.length > 64) return { valid: false };
    const bytes = Buffer.from(nonce, 'base64url');
    if (bytes.length !== NONCE_BYTES) return { valid: false };
    const body = bytes.subarray(0, TIME_BYTES + RANDOM_BYTES);
    if (!safeEqualBytes(this.mac(body), bytes.subarray(TIME_BYTES + RANDOM_BYTES))) return { valid: false };
    return { valid: true, issuedAt: body.readUIntBE(0, TIME_BYTES) };
  }

  private mac(body: Uint8Array): Buffer {
    return createHmac('sha256', this.secret)
      .update(body)
      .update(this.realm, 'utf8')
      .digest()
      .subarray(0, MAC_BYTES);
  }
}

/** Width of the out-of-order window per nonce: browsers send parallel requests whose nc arrive unordered. */
const WINDOW = 32;

interface CountWindow {
  highest: number;
  /** Bit i set: nc `highest - i` has been used. */
  seen: number;
  expiresAt: number;
}

export type CountVerdict = 'fresh' | 'replayed' | 'stale';

/**
 * Replay protection for nonce counts: per nonce the highest `nc` seen and a 32-wide bitmap below it
 * (IPsec's anti-replay window). Bounded: at most `capacity` nonces, each forgotten when the nonce
 * expires. When the cap forces out a live nonce, every nonce issued up to that one's issue time is
 * answered `stale` from then on, so an evicted nonce can never be replayed — clients just fetch a
 * new nonce silently.
 */
export class NonceCounter {
  private readonly windows: BoundedMap<string, CountWindow & { issuedAt: number }>;
  private forgottenUpTo = Number.NEGATIVE_INFINITY;

  constructor(capacity: number) {
    this.windows = new BoundedMap(capacity, (_nonce, evicted) => {
      this.forgottenUpTo = Math.max(this.forgottenUpTo, evicted.issuedAt);
    });
  }

  use(nonce: string, nc: number, issuedAt: number, expiresAt: number, now: number): CountVerdict {
    this.windows.pruneOldest((entry) => entry.expiresAt <= now);
    const window = this.windows.get(nonce);
    if (!window) {
      if (issuedAt <= this.forgottenUpTo) return 'stale';
      this.windows.set(nonce, { highest: nc, seen: 1, expiresAt, issuedAt });
      return 'fresh';
    }
    return advance(window, nc) ? 'fresh' : 'replayed';
  }

  /**
   * When a nonce is already in the window, it passed the HMAC check on its first use (entries are
   * only added after that): its issue time can be trusted without verifying the HMAC again.
   */
  issuedAtOf(nonce: string): number | undefined {
    return this.windows.get(nonce)?.issuedAt;
  }

  get size(): number {
    return this.windows.size;
  }
}

function advance(window: CountWindow, nc: number): boolean {
  if (nc > window.highest) {
    const shift = nc - window.highest;
    window.seen = shift >= WINDOW ? 1 : ((window.seen << shift) | 1) >>> 0;
    window.highest = nc;
    return true;
  }
  const offset = window.highest - nc;
  if (offset >= WINDOW) return false;
  const bit = (1 << offset) >>> 0;
  if (window.seen & bit) return false;
  window.seen = (window.seen | bit) >>> 0;
  return true;
}
