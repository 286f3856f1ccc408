import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/access/bounded-map.js';
import { clientKeyOf } from '../../src/access/client-address.js';
import { NonceCounter, NonceMint } from '../../src/access/digest-nonce.js';
import { FailureThrottle } from '../../src/access/throttle.js';
import type { Principal } from '../../src/access/types.js';

const PRINCIPAL: Principal = { id: 'p', tier: 'reader', roles: [], scheme: 'basic' };

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

  it('the failure throttle blocks one client and one user name, and only a user forgives itself', () => {
    const throttle = new FailureThrottle({
      maxFailures: 3,
      maxTargetFailures: 4,
      windowMs: 1_000,
      blockMs: 5_000,
    });
    const wrong = (target?: string) => ({ kind: 'rejected' as const, reason: 'wrong', target });
    const right = (target?: string) => ({ kind: 'accepted' as const, principal: PRINCIPAL, target });
    for (let i = 0; i < 3; i++) throttle.settle(wrong(), '10.0.0.1', 100);
    expect(throttle.retryAfter('10.0.0.1', 100)).toBe(5_000);
    expect(throttle.retryAfter('::ffff:10.0.0.1', 100)).toBe(5_000); // IPv4-mapped is the same client
    expect(throttle.retryAfter('10.0.0.1', 5_100)).toBe(0);
    expect(throttle.retryAfter('10.0.0.2', 100)).toBe(0);
    // Another credential's success does not clear a client's failures.
    throttle.settle(wrong(), '10.0.0.3', 0);
    throttle.settle(wrong(), '10.0.0.3', 0);
    throttle.settle(right(), '10.0.0.3', 0);
    throttle.settle(wrong(), '10.0.0.3', 0);
    expect(throttle.retryAfter('10.0.0.3', 0)).toBe(5_000);
    // Guesses at one user from four clients block the user, even for the right password...
    for (let i = 0; i < 4; i++) throttle.settle(wrong('admin'), `10.1.0.${i}`, 0);
    expect(throttle.settle(right('admin'), '10.2.0.1', 10)).toBe(4_990);
    // ...while a user who mistypes and then succeeds starts again from zero.
    for (let i = 0; i < 3; i++) throttle.settle(wrong('bob'), `10.3.0.${i}`, 0);
    expect(throttle.settle(right('bob'), '10.3.0.9', 0)).toBe(0);
    for (let i = 0; i < 3; i++) throttle.settle(wrong('bob'), `10.4.0.${i}`, 0);
    expect(throttle.settle(right('bob'), '10.4.0.9', 0)).toBe(0);
    // Failures spread over more than the window never add up to a block; no address, no client count.
    for (let t = 0; t < 10; t++) throttle.settle(wrong(), '10.5.0.1', t * 600);
    expect(throttle.retryAfter('10.5.0.1', 6_000)).toBe(0);
    for (let i = 0; i < 5; i++) throttle.settle(wrong(), undefined, 0);
    expect(throttle.retryAfter(undefined, 0)).toBe(0);
  });

  it('counts IPv6 clients by /64, so one subscriber cannot rotate addresses', () => {
    const throttle = new FailureThrottle({ maxFailures: 3 });
    const wrong = { kind: 'rejected' as const, reason: 'wrong' };
    throttle.settle(wrong, '2001:db8:7:8::1', 0);
    throttle.settle(wrong, '2001:db8:7:8:ffff:1:2:3', 0);
    throttle.settle(wrong, '2001:DB8:7:8:0:0:0:9%eth0', 0);
    expect(throttle.retryAfter('2001:db8:7:8:aaaa::1', 0)).toBe(60_000);
    expect(throttle.retryAfter('2001:db8:7:9::1', 0)).toBe(0);
  });

  it('keeps blocks while a flood of new clients churns the counts', () => {
    const throttle = new FailureThrottle({ maxFailures: 2, maxAddresses: 50, blockMs: 60_000 });
    const wrong = { kind: 'rejected' as const, reason: 'wrong' };
    throttle.settle(wrong, '192.0.2.1', 0);
    throttle.settle(wrong, '192.0.2.1', 0);
    for (let i = 0; i < 10_259; i++) throttle.settle(wrong, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, 1);
    expect(throttle.retryAfter('192.0.2.1', 2)).toBeGreaterThan(0);
    // When the blocks themselves are full, the one that expires first goes.
    for (let i = 0; i < 50; i++) {
      throttle.settle(wrong, `172.16.0.${i}`, 10 + i);
      throttle.settle(wrong, `172.16.0.${i}`, 10 + i);
    }
    expect(throttle.retryAfter('192.0.2.1', 100)).toBe(0);
    expect(throttle.retryAfter('172.16.0.0', 100)).toBeGreaterThan(0);
  });
});

describe('client keys', () => {
  it('keeps IPv4, maps IPv4-mapped IPv6 to IPv4 and cuts IPv6 to /64', () => {
    expect(clientKeyOf('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKeyOf('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKeyOf('::FFFF:cb00:7109')).toBe('203.0.113.9');
    expect(clientKeyOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientKeyOf('2001:0DB8:0001:0002::')).toBe('2001:db8:1:2::/64');
    expect(clientKeyOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKeyOf('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(clientKeyOf('/run/app.sock')).toBe('/run/app.sock');
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
