import { hash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a UTF-8 string, as raw bytes. `crypto.hash` is the one-shot form, 2–3× faster than createHash. */
export function sha256(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

/** SHA-256 of a UTF-8 string, as lower-case hex. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * Compares two secrets in time that depends on neither their contents nor their lengths: both
 * sides are hashed to 32 bytes first, because `timingSafeEqual` throws on unequal lengths and an
 * early length check would leak the secret's length.
 */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** Constant-time comparison of two byte strings whose length is public (MACs, digests). */
export function safeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time comparison of two hex digests; their length is the algorithm's, so public. */
export function safeEqualHex(expected: string, presented: string): boolean {
  if (expected.length !== presented.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(presented.toLowerCase(), 'latin1'));
}
