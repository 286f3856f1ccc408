/**
 * A small deterministic generator of numbers in [0, 1] for fuzz tests, so a failing run can be
 * replayed from its seed.
 */
export function seededRandom(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}
