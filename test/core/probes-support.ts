import { expect } from 'vitest';

/** What a client polling readiness sees while a status shuts down. */
export type Poll = 'ok' | 'not-ready' | 'refused';

/** Polls `/health/ready` (a new connection each time) until connections are refused; every outcome in order. */
export async function pollReadiness(base: string): Promise<Poll[]> {
  const seen: Poll[] = [];
  for (;;) {
    try {
      const response = await fetch(`${base}/health/ready`, { headers: { connection: 'close' } });
      await response.arrayBuffer();
      seen.push(response.status === 200 ? 'ok' : 'not-ready');
    } catch {
      seen.push('refused');
      return seen;
    }
  }
}

/** Runs of equal outcomes: ['ok', 'ok', 'not-ready', 'refused'] -> ['ok', 'not-ready', 'refused']. */
export const phases = (seen: Poll[]): Poll[] => seen.filter((outcome, i) => outcome !== seen[i - 1]);

/**
 * A drain as a client sees it, with a request in flight on a check held until `release`:
 * readiness 503 while the listener still accepts, then refused connections; then the request gets
 * its real answer (not `aborted`), from a document assembled before the drain began.
 */
export async function expectDrainWithRequestInFlight(
  base: string,
  inflight: Promise<{ status: number; json: () => unknown }>,
  release: () => void,
  whileDraining: () => void = () => {},
): Promise<void> {
  expect(phases(await pollReadiness(base))).toEqual(['not-ready', 'refused']);
  whileDraining();
  release();
  const answer = await inflight;
  expect(answer.status).toBe(200);
  expect(answer.json()).toMatchObject({
    status: 'ok',
    slow: { status: 'ok' },
    lifecycle: { state: 'ready' },
  });
}
