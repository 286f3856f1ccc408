/**
 * The outbox's sender. A transition and its outbox rows (one per receiver) commit together
 * (postgres/store.ts); any member's sender claims due rows with `FOR UPDATE SKIP LOCKED` (so two
 * senders never take the same row), delivers each once with an `Idempotency-Key` header, and marks
 * it sent. A failure is retried with a doubling pause; a sender that dies between claiming and
 * marking leaves a claim that expires, and another sender delivers again with the same key:
 * at-least-once after a crash, exactly once otherwise. Per target and receiver, a row is claimed
 * only when every older one is sent, so a recovery never overtakes the failure it ends.
 */

import { redact } from '../../access/redact.js';
import type { Logger } from '../../client/log.js';
import { runCommand } from '../hooks.js';
import {
  formatNotification,
  type Notification,
  notificationEnv,
  type Receiver,
  receiversOf,
} from '../notification.js';
import type { PgHistoryStore } from '../postgres/store.js';
import type { WatchTarget } from '../target.js';
import type { TransitionEvent } from '../transition-event.js';
import { postWebhook } from '../webhook.js';

export interface OutboxOptions {
  member: string;
  /** The targets as configured (the rows name a target and a receiver key). */
  targets: () => readonly WatchTarget[];
  log: Logger;
  /** One delivery attempt is abandoned after this long. */
  timeoutMs: number;
  /** First retry pause; doubles per attempt up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs?: number;
  /** Attempts before a row is given up (logged as an error). */
  maxAttempts?: number;
  /** How often due rows are looked for. */
  pollMs?: number;
  batch?: number;
}

interface OutboxRow {
  id: string;
  target: string;
  receiver: string;
  event: TransitionEvent;
  idempotency_key: string;
  attempts: number;
}

const DEFAULT_MAX_ATTEMPTS = 20;

export class OutboxSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  readonly counts = { sent: 0, failed: 0, givenUp: 0 };

  constructor(
    private readonly store: PgHistoryStore,
    private readonly options: OutboxOptions,
  ) {}

  start(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sendDue()
        .then(() => {})
        .catch((error) => this.options.log.warn('outbox: cannot claim', { error: (error as Error).message }))
        .finally(() => this.schedule(this.options.pollMs ?? 200));
    }, delayMs);
  }

  /** Claims what is due and delivers it; resolves when this batch is done. */
  async sendDue(): Promise<number> {
    const rows = await this.claim();
    await Promise.all(rows.map((row) => this.deliver(row)));
    return rows.length;
  }

  private async claim(): Promise<OutboxRow[]> {
    // The claim outlives one attempt with room to spare: a live sender always marks before it ends.
    const claimMs = this.options.timeoutMs * 2 + 1000;
    const { rows } = await this.store.pool.query(
      `UPDATE outbox SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2::float8 / 1000),
              attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM outbox o
           WHERE sent_at IS NULL AND next_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
             AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.target = o.target AND p.receiver = o.receiver
                               AND p.sent_at IS NULL AND p.id < o.id)
           ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING id, target, receiver, event, idempotency_key, attempts`,
      [this.options.member, claimMs, this.options.batch ?? 50],
    );
    return rows as OutboxRow[];
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const target = this.options.targets().find((t) => t.name === row.target);
    const receiver = target && receiversOf(target).find((r) => r.key === row.receiver);
    if (!target || !receiver) {
      await this.fail(row, 'the receiver is no longer configured', true);
      return;
    }
    const notification: Notification = {
      items: [{ notice: { kind: 'transition', target, event: row.event }, dependents: [], stillDown: [] }],
    };
    const error = await this.send(receiver, notification, row.idempotency_key, target);
    if (error === undefined) await this.markSent(row);
    else await this.fail(row, error);
  }

  /** One attempt; undefined when delivered, else why not. */
  private async send(
    receiver: Receiver,
    notification: Notification,
    key: string,
    target: WatchTarget,
  ): Promise<string | undefined> {
    const { timeoutMs } = this.options;
    if (receiver.kind === 'command') {
      const env = { ...notificationEnv(notification), STATUSKIT_IDEMPOTENCY_KEY: key };
      const outcome = await runCommand(receiver.command, env, timeoutMs);
      if (outcome.code === 0) return undefined;
      return outcome.timedOut
        ? `timed out after ${timeoutMs} ms`
        : `exit code ${outcome.code}: ${target.redact(outcome.output)}`;
    }
    const spec = { ...receiver.webhook, headers: { ...receiver.webhook.headers, 'Idempotency-Key': key } };
    const body = formatNotification(notification, spec.format);
    const outcome = await postWebhook(spec, body, { timeoutMs, retries: 0, backoffMs: 0 });
    if (outcome.ok) return undefined;
    return `${redact(spec.url)}: ${outcome.status ?? outcome.error ?? 'failed'}`;
  }

  private async markSent(row: OutboxRow): Promise<void> {
    await this.store.pool.query('UPDATE outbox SET sent_at = now(), claimed_until = NULL WHERE id = $1', [
      row.id,
    ]);
    this.counts.sent++;
    this.options.log.info('webhook delivered', {
      target: row.target,
      key: row.idempotency_key,
      attempts: row.attempts,
    });
  }

  private async fail(row: OutboxRow, error: string, final = false): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const givenUp = final || row.attempts >= maxAttempts;
    const pause = Math.min(
      this.options.maxBackoffMs ?? 300_000,
      this.options.backoffMs * 2 ** (row.attempts - 1),
    );
    await this.store.pool.query(
      `UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, last_error = $2,
              next_at = CASE WHEN $3 THEN 'infinity'::timestamptz ELSE now() + make_interval(secs => $4::float8 / 1000) END
        WHERE id = $1`,
      [row.id, error, givenUp, pause],
    );
    if (givenUp) {
      this.counts.givenUp++;
      this.options.log.error('notification given up', { target: row.target, error, attempts: row.attempts });
    } else {
      this.counts.failed++;
      this.options.log.warn('notification failed, will retry', {
        target: row.target,
        error,
        attempts: row.attempts,
        retryInMs: pause,
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
