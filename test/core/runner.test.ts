import { describe, expect, it } from 'vitest';
import { redact } from '../../src/access/redact.js';
import { CheckRunner } from '../../src/tree/check-runner.js';
import { gate, until } from '../support/wait.js';

function runner(
  fn: ConstructorParameters<typeof CheckRunner>[0],
  options: ConstructorParameters<typeof CheckRunner>[1] = {},
  now: () => number = Date.now,
) {
  return new CheckRunner(fn, options, { now, redact: (t) => redact(t) });
}

describe('CheckRunner', () => {
  it('normalizes levels, booleans and outcomes', async () => {
    expect((await runner(() => true).run()).level).toBe('ok');
    expect((await runner(() => false).run()).level).toBe('critical');
    expect((await runner(() => 'warning').run()).level).toBe('warning');
    const r = await runner(async () => ({
      level: 'ok',
      fields: { sessions: 3 },
      observedValue: 3,
      observedUnit: 'sessions',
    })).run();
    expect(r).toMatchObject({
      level: 'ok',
      fields: { sessions: 3 },
      observedValue: 3,
      observedUnit: 'sessions',
    });
    expect(typeof r.durationMs).toBe('number');
    expect(typeof r.time).toBe('number');
  });

  it('reports an async check resolving to a word that is not a level as a failed check', async () => {
    const r = await runner(async () => 'okay').run();
    expect(r).toMatchObject({ level: 'critical', reason: 'error' });
    expect(r.message).toBe('check returned "okay"; expected a level, a boolean or { level, ... }');
  });

  it('reports a check returning garbage as a failure, not a crash', async () => {
    const r = await runner(() => 42 as never).run();
    expect(r).toMatchObject({ level: 'critical', reason: 'error' });
    expect(r.message).toMatch(/check returned 42/);
  });

  it('times out a check that never resolves and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const r = await runner(
      (ctx) => {
        signal = ctx.signal;
        return new Promise(() => {});
      },
      { timeout: 100 },
    ).run();
    expect(r).toMatchObject({ level: 'critical', reason: 'timeout', message: 'timed out after 100 ms' });
    expect(signal?.aborted).toBe(true);
    expect((signal!.reason as Error).name).toBe('TimeoutError');
  });

  it('redacts error messages and never exposes stacks', async () => {
    const r = await runner(() => {
      throw new Error(
        'GET https://admin:s3cret@db.local/x failed; password=hunter2; Authorization: Bearer abc.def.ghi',
      );
    }).run();
    expect(r.reason).toBe('error');
    expect(r.message).not.toContain('s3cret');
    expect(r.message).not.toContain('hunter2');
    expect(r.message).not.toContain('abc.def.ghi');
    expect(r.message).not.toContain('at ');
  });

  it('runs once for many concurrent callers (single-flight)', async () => {
    let calls = 0;
    const release = gate();
    const r = runner(async () => {
      calls++;
      await release.promise;
      return 'ok' as const;
    });
    const pending = Array.from({ length: 1000 }, () => r.current());
    release.open();
    const results = await Promise.all(pending);
    expect(calls).toBe(1);
    expect(new Set(results).size).toBe(1);
  });

  it('serves the cached result within the cache time, then runs again', async () => {
    let calls = 0;
    let clock = 1_000_000;
    const r = runner(
      () => {
        calls++;
        return 'ok';
      },
      { cache: 150 },
      () => clock,
    );
    await r.current();
    clock += 149;
    await r.current();
    expect(calls).toBe(1);
    clock += 1;
    await r.current();
    expect(calls).toBe(2);
  });

  it('refreshes in the background and marks stale results', async () => {
    let calls = 0;
    let hang = false;
    const r = runner(
      () => {
        calls++;
        return hang ? new Promise(() => {}) : 'ok';
      },
      { interval: 50, staleAfter: 5000, timeout: 10_000 },
    );
    r.startBackground();
    await until(() => calls >= 2, 'two background runs');
    const served = r.current();
    expect(served).not.toBeInstanceOf(Promise);
    r.stop();

    const stale = runner(
      () => {
        if (hang) return new Promise(() => {});
        hang = true;
        return 'ok';
      },
      { interval: 30, staleAfter: 100, timeout: 10_000 },
    );
    stale.startBackground();
    await until(() => hang, 'the first background run');
    await until(() => !(stale.current() instanceof Promise), 'the first result');
    expect((stale.current() as { level: string }).level).toBe('ok');
    // The next run hangs: read the result as a caller would after staleAfter has passed.
    expect(stale.current(Date.now() + 1000)).toMatchObject({ level: 'critical', reason: 'stale' });
    stale.stop();
  });

  it('applies hysteresis: N failures before failing, M successes before recovering', async () => {
    const script = [
      'ok',
      'critical',
      'critical',
      'ok',
      'critical',
      'critical',
      'critical',
      'ok',
      'ok',
    ] as const;
    let i = 0;
    const r = runner(() => script[i++], { failureThreshold: 3, successThreshold: 2 });
    const seen: string[] = [];
    for (let n = 0; n < script.length; n++) seen.push((await r.run()).level);
    expect(seen).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'critical', 'critical', 'ok']);
  });

  it('aborts a run in progress on stop (shutdown), with a reason that says so', async () => {
    let signal: AbortSignal | undefined;
    const r = runner(
      (ctx) => {
        signal = ctx.signal;
        return new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        );
      },
      { timeout: 10_000 },
    );
    const result = r.run();
    await until(() => signal !== undefined, 'the check to start');
    r.stop();
    expect(signal?.aborted).toBe(true);
    expect((signal!.reason as Error).message).toBe('statuskit is shutting down');
    expect(await result).toMatchObject({
      level: 'critical',
      reason: 'aborted',
      message: 'statuskit is shutting down',
    });
  });

  it('validates options', () => {
    expect(() => runner(() => true, { failureThreshold: 0 })).toThrow(/failureThreshold/);
    expect(() => runner(() => true, { timeout: 'soon' })).toThrow(/timeout: expected a duration/);
  });
});
