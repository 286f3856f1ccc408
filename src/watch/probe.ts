/**
 * One poll of a target as a check function, so the check runner gives it its timeout, its
 * never-throw guarantee and its error messages. Three sources:
 *
 * - a URL: the request goes through statuskit's client (src/client): the same auth as `get` and
 *   `check` (API key, headers, bearer, Basic, Digest) and ws:// targets too. A target that cannot be
 *   reached is critical (the runner's verdict for a thrown error); an answer the client refuses to
 *   use is unknown, as `statuskit check` says.
 * - a check kind of src/checks (tcp, dns, tls, postgres, …): its own level, fields and time.
 * - a push target: its last ping, against its period and grace.
 *
 * Then the answer is judged whole (assess.ts): base judgement, rules, the target's maintenance.
 */
import { certificateOutcome } from '../checks/tls.js';
import { fetchDocument } from '../client/fetch-document.js';
import type { HttpResponse, ServerCertificate } from '../client/http.js';
import { failureLevel, RequestError } from '../client/request-error.js';
import type { CheckFunction, CheckOutcome } from '../model/result.js';
import { CheckRunner, normalize } from '../tree/check-runner.js';
import { type Assessment, assess, judgeHttpAnswer } from './assess.js';
import { type PushBoard, pushVerdict } from './push.js';
import { lazyAnswer } from './rules/answer.js';
import type { Value } from './rules/values.js';
import type { WatchTarget } from './target.js';

export interface ProbeFields {
  word?: string;
  httpStatus?: number;
  assessment?: Assessment;
}

/** What a probe needs from the watcher: the target's last known values (for `changed()`), pings. */
export interface ProbeContext {
  previous(): ReadonlyMap<string, Value>;
  board?: PushBoard;
  now?: () => number;
}

export function probe(
  target: WatchTarget,
  context: ProbeContext,
): CheckFunction & { close?(): Promise<void> } {
  if (target.source.kind === 'check') return checkProbe(target, context);
  if (target.source.kind === 'push') return pushProbe(target, context);
  return urlProbe(target, context);
}

function urlProbe(target: WatchTarget, context: ProbeContext): CheckFunction {
  return async ({ signal }): Promise<CheckOutcome> => {
    let response: HttpResponse;
    try {
      // The runner's signal aborts the request itself, so a shutdown closes its connection at once.
      response = await fetchDocument({
        url: target.url,
        ...target.auth,
        timeoutMs: target.timeoutMs,
        insecure: target.insecure,
        command: 'status',
        signal,
      });
    } catch (error) {
      if (!(error instanceof RequestError) || failureLevel(error.failure) !== 'unknown') throw error;
      return { level: 'unknown', message: target.redact(error.message) };
    }
    const base = judgeHttpAnswer(target, response.status, response.body);
    const answer = lazyAnswer(response.body, {
      status: response.status,
      time: Math.round(response.elapsedMs),
      size: Buffer.byteLength(response.body),
      headers: response.headers as Record<string, unknown>,
      ...(response.certificate ? { cert: certificateFields(response.certificate) } : {}),
      ...(base.word === undefined ? {} : { word: base.word }),
      level: base.level,
      ...(base.message === undefined ? {} : { message: base.message }),
    });
    const assessment = assess(target, answer, base, context.previous());
    return outcomeOf(target, assessment, { httpStatus: response.status });
  };
}

/** `cert.daysLeft`, `cert.validTo`, … as the tls check computes them. */
function certificateFields(certificate: ServerCertificate): Record<string, unknown> {
  const trusted = certificate.authorized;
  const outcome = certificateOutcome(
    certificate,
    trusted,
    certificate.authorizationError,
    { warn: 0, crit: 0 },
    Date.now(),
  );
  return { ...outcome.fields };
}

function checkProbe(target: WatchTarget, context: ProbeContext): CheckFunction & { close?(): Promise<void> } {
  if (target.source.kind !== 'check') throw new Error('not a check target');
  const { check: kind, options } = target.source;
  type Closable = CheckFunction & { close?(): Promise<void> };
  // The registry (every check kind) loads with the first check target's first poll, not with `watch`.
  let loading: Promise<Closable> | undefined;
  const load = () =>
    (loading ??= import('../checks/registry.js').then(
      ({ createCheck }) => createCheck(kind, options) as Closable,
    ));
  const run: Closable = async (ctx): Promise<CheckOutcome> => {
    const check = await load();
    const started = performance.now();
    const result = normalize(await check(ctx));
    const time = Math.round(performance.now() - started);
    const fields = (result.fields ?? {}) as Record<string, unknown>;
    const base = {
      level: result.level,
      ...(result.message === undefined ? {} : { message: result.message }),
    };
    const answer = lazyAnswer(undefined, {
      time,
      fields: { ...fields, ...(result.observedValue === undefined ? {} : { value: result.observedValue }) },
      ...(kind === 'tls' ? { cert: fields } : {}),
      level: result.level,
      ...(result.message === undefined ? {} : { message: result.message }),
    });
    return outcomeOf(target, assess(target, answer, base, context.previous()), {});
  };
  run.close = async () => {
    if (loading) await (await loading).close?.();
  };
  return run;
}

function pushProbe(target: WatchTarget, context: ProbeContext): CheckFunction {
  const board = context.board;
  if (!board) throw new Error('a push target needs the push board');
  const now = context.now ?? Date.now;
  return (): CheckOutcome => {
    const verdict = pushVerdict(target, board, now());
    const base = {
      level: verdict.level,
      ...(verdict.message === undefined ? {} : { message: verdict.message }),
    };
    const answer = lazyAnswer(verdict.ping?.body, {
      ...(verdict.ageMs === undefined ? {} : { fields: { ageMs: verdict.ageMs } }),
      level: verdict.level,
      ...(verdict.message === undefined ? {} : { message: verdict.message }),
    });
    return outcomeOf(target, assess(target, answer, base, context.previous()), {});
  };
}

function outcomeOf(target: WatchTarget, assessment: Assessment, extra: ProbeFields): CheckOutcome {
  const fields: ProbeFields = { ...extra, assessment };
  if (assessment.word !== undefined) fields.word = assessment.word;
  return {
    level: assessment.level,
    fields: fields as Record<string, unknown>,
    ...(assessment.message === undefined ? {} : { message: target.redact(assessment.message) }),
  };
}

/** A runner per target: hysteresis is left to the watcher (see transitions.ts), so thresholds stay 1. */
export function probeRunner(
  target: WatchTarget,
  context: ProbeContext,
): CheckRunner & { closeProbe(): void } {
  const fn = probe(target, context);
  const runner = new CheckRunner(fn, { timeout: target.timeoutMs }, { now: Date.now, redact: target.redact });
  return Object.assign(runner, {
    closeProbe: () => {
      fn.close?.().catch(() => {});
    },
  });
}
