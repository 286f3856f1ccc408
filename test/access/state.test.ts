import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/access/bounded-map.js';
import { NonceCounter, NonceMint } from '../../src/access/digest-nonce.js';
import { FailureThrottle } from '../../src/access/throttle.js';

describe('bounded state', () => {
  it('BoundedMap never exceeds its capacity and evicts the oldest', () => {
    const evicted: number[] = [];
    const map = new BoundedMap<number, number>(3, (key) => evicted.push(key));
    for (let key = 0; key < 10; key++) map.set(key, key);
    expect(map.size).toBe(3);
    expect(evicted).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(map.get(9)).toBe(9);
    expect(() => new BoundedMap(0)).toThrow(RangeError);
  });

  it('nonces verify only unaltered and for the realm they were minted for', () => {
    const secret = Buffer.alloc(32, 7);
    const mint = new NonceMint(secret, 'a');
    const nonce = mint.issue(1_000_000);
    expect(mint.check(nonce)).toEqual({ valid: true, issuedAt: 1_000_000 });
    expect(new NonceMint(secret, 'b').check(nonce).valid).toBe(false);
    expect(new NonceMint(Buffer.alloc(32, 8), 'a').check(nonce).valid).toBe(false);
    expect(mint.check(`${nonce}AA`).valid).toBe(false);
    expect(mint.check('').valid).toBe(false);
    expect(mint.issue(1_000_000)).not.toBe(nonce);
  });

  it('the nonce-count window accepts each count once, in any order within 32', () => {
    const counter = new NonceCounter(100);
    const use = (nc: number) => counter.use('n', nc, 0, 1_000, 10);
    expect([use(5), use(3), use(5), use(40), use(9), use(8), use(9), use(2)]).toEqual([
      'fresh',
      'fresh',
      'replayed',
      'fresh',
      'fresh', // 40 - 9 = 31: still inside the window
      'replayed', // 40 - 8 = 32: fell out of it
      'replayed',
      'replayed',
    ]);
  });

  it('a nonce pushed out by the cap can never be replayed: it turns stale', () => {
    const counter = new NonceCounter(2);
    expect(counter.use('a', 1, 100, 10_000, 500)).toBe('fresh');
    expect(counter.use('b', 1, 200, 10_000, 500)).toBe('fresh');
    expect(counter.use('c', 1, 300, 10_000, 500)).toBe('fresh'); // evicts a
    expect(counter.size).toBe(2);
    expect(counter.use('a', 1, 100, 10_000, 500)).toBe('stale');
    // Expired entries are dropped, freeing room without eviction.
    expect(counter.use('d', 1, 20_000, 30_000, 20_001)).toBe('fresh');
    expect(counter.size).toBe(1);
  });

  it('the failure throttle blocks one address, forgives on success and caps memory', () => {
    const throttle = new FailureThrottle({
      maxFailures: 3,
      windowMs: 1_000,
      blockMs: 5_000,
      maxAddresses: 2,
    });
    for (let i = 0; i < 3; i++) throttle.recordFailure('a', 100);
    expect(throttle.retryAfter('a', 100)).toBe(5_000);
    expect(throttle.retryAfter('a', 5_100)).toBe(0);
    expect(throttle.retryAfter('b', 100)).toBe(0);
    throttle.recordFailure('b', 0);
    throttle.recordFailure('b', 0);
    throttle.recordSuccess('b');
    throttle.recordFailure('b', 0);
    expect(throttle.retryAfter('b', 0)).toBe(0);
    // Failures spread over more than the window never add up to a block.
    for (let t = 0; t < 10; t++) throttle.recordFailure('c', t * 600);
    expect(throttle.retryAfter('c', 6_000)).toBe(0);
    expect(throttle.retryAfter(undefined, 0)).toBe(0);
  });
});

describe('auth-param parsing', () => {
  it('reads tokens and quoted strings with escapes, and refuses malformed or repeated params', async () => {
    const { parseAuthParams } = await import('../../src/access/auth-params.js');
    expect(
      Object.fromEntries(parseAuthParams('username="a \\"b\\"", nc=00000001 ,qop=auth,uri="/s?x=1,2"')!),
    ).toEqual({
      username: 'a "b"',
      nc: '00000001',
      qop: 'auth',
      uri: '/s?x=1,2',
    });
    expect(parseAuthParams('a=1, a=2')).toBeUndefined();
    expect(parseAuthParams('a="unterminated')).toBeUndefined();
    expect(parseAuthParams('just-a-token')).toBeUndefined();
    expect(parseAuthParams('a=1 b=2')).toBeUndefined();
    expect(parseAuthParams('x'.repeat(9000))).toBeUndefined();
  });
});
