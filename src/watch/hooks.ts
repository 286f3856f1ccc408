/**
 * What runs on a transition: a command and webhooks. Polling never waits for them: each target's
 * hooks run in order on their own chain (a recovery is never delivered before the failure it ends),
 * and shutdown waits for them only so long.
 *
 * Remote data (the target's word and message) reaches a command only through its environment, never
 * through its command line, so a status page cannot inject shell syntax.
 */
import { spawn } from 'node:child_process';
import { redact } from '../access/redact.js';
import type { Logger } from '../client/log.js';
import {
  formatNotification,
  type Notification,
  notificationEnv,
  type Receiver,
  receiversOf,
} from './notification.js';
import type { HookCommand, WatchTarget, WebhookSpec } from './target.js';
import type { TransitionEvent } from './transition-event.js';
import { type DeliveryOptions, postWebhook } from './webhook.js';

/** A command is killed after `timeoutMs`; a webhook attempt is abandoned after it, then retried. */
export type HookOptions = DeliveryOptions;

export const DEFAULT_HOOK_OPTIONS: HookOptions = { timeoutMs: 10_000, retries: 3, backoffMs: 1000 };

/** More pending transitions than this for one target means its hooks are stuck: newer ones are dropped. */
const MAX_QUEUED = 100;
/** Output of a command kept for the log when it fails. */
const OUTPUT_TAIL = 2000;

export { eventEnv } from './transition-event.js';

export interface CommandOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The last part of stdout and stderr together. */
  output: string;
  error?: string;
}

/**
 * Runs a hook command in its own process group, so a timeout kills the shell and whatever it
 * started. Never rejects.
 */
export function runCommand(
  command: HookCommand,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<CommandOutcome> {
  const [file, args] =
    typeof command === 'string' ? ['/bin/sh', ['-c', command]] : [command[0], command.slice(1)];
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(file, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {}
    };
    let hardKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      hardKill = setTimeout(() => killGroup('SIGKILL'), 1000);
    }, timeoutMs);
    const finish = (outcome: Omit<CommandOutcome, 'timedOut' | 'output'>) => {
      clearTimeout(timer);
      clearTimeout(hardKill);
      resolve({ ...outcome, timedOut, output: output.trim() });
    };
    child.once('error', (error) => finish({ code: null, signal: null, error: error.message }));
    child.once('close', (code, signal) => finish({ code, signal }));
  });
}

/** Runs each target's hooks in order, off the polling path; tracks them for a bounded drain. */
export class HookDispatcher {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly log: Logger,
    private options: HookOptions = DEFAULT_HOOK_OPTIONS,
  ) {}

  /** New options (a reload) apply to the commands and webhook attempts started from now on. */
  configure(options: HookOptions): void {
    this.options = options;
  }

  /** One transition to every receiver of its target (the watcher sends grouped notifications instead). */
  dispatch(target: WatchTarget, event: TransitionEvent): void {
    const notification = {
      items: [{ notice: { kind: 'transition' as const, target, event }, dependents: [], stillDown: [] }],
    };
    for (const receiver of receiversOf(target)) this.send(receiver, notification, target.redact);
  }

  /**
   * A notification to one receiver, after what it was sent before (a recovery is never delivered
   * before the failure it ends). `redact` masks the targets' secrets in a failing command's output.
   */
  send(
    receiver: Receiver,
    notification: Notification,
    redactOutput: (text: string) => string = (t) => t,
  ): void {
    const depth = this.queued.get(receiver.key) ?? 0;
    const names = [...new Set(notification.items.map((item) => item.notice.target.name))];
    if (depth >= MAX_QUEUED) {
      this.log.warn('hooks are backed up: notification not delivered', { targets: names });
      return;
    }
    this.queued.set(receiver.key, depth + 1);
    const previous = this.chains.get(receiver.key) ?? Promise.resolve();
    const delivery = previous
      .then(() => this.deliver(receiver, notification, names, redactOutput))
      .finally(() => {
        this.queued.set(receiver.key, (this.queued.get(receiver.key) ?? 1) - 1);
        if (this.chains.get(receiver.key) === delivery) this.chains.delete(receiver.key);
        this.running.delete(delivery);
      });
    this.chains.set(receiver.key, delivery);
    this.running.add(delivery);
  }

  /**
   * Waits for every queued hook, at most `maxMs`. On shutdown, pending webhook retries are given up
   * (`abandonRetries`); a one-shot run lets them finish within the bound.
   */
  async drain(maxMs: number, abandonRetries = true): Promise<boolean> {
    if (abandonRetries) this.stopping.abort();
    if (this.running.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), maxMs);
    });
    const done = Promise.allSettled([...this.running]).then(() => true);
    const drained = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return drained;
  }

  get pending(): number {
    return this.running.size;
  }

  private deliver(
    receiver: Receiver,
    notification: Notification,
    names: string[],
    redactOutput: (text: string) => string,
  ): Promise<void> {
    const fields = { target: names.length === 1 ? names[0] : names, events: notification.items.length };
    return receiver.kind === 'webhook'
      ? this.sendWebhook(receiver.webhook, notification, fields)
      : this.runOnChange(receiver.command, notification, fields, redactOutput);
  }

  private async runOnChange(
    command: HookCommand,
    notification: Notification,
    about: Record<string, unknown>,
    redactOutput: (text: string) => string,
  ) {
    const started = performance.now();
    const { timeoutMs } = this.options;
    const outcome = await runCommand(command, notificationEnv(notification), timeoutMs);
    const fields = { ...about, ms: Math.round(performance.now() - started) };
    if (outcome.code === 0) {
      this.log.info('on-change command done', fields);
      return;
    }
    const why = outcome.timedOut
      ? `timed out after ${timeoutMs} ms`
      : (outcome.error ?? (outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.code}`));
    this.log.warn(`on-change command failed: ${why}`, {
      ...fields,
      ...(outcome.output ? { output: redactOutput(outcome.output) } : {}),
    });
  }

  private async sendWebhook(spec: WebhookSpec, notification: Notification, about: Record<string, unknown>) {
    const body = formatNotification(notification, spec.format);
    const outcome = await postWebhook(spec, body, this.options, this.stopping.signal);
    const fields = { ...about, webhook: redact(spec.url), attempts: outcome.attempts };
    if (outcome.ok) this.log.info('webhook delivered', { ...fields, status: outcome.status });
    else
      this.log.warn('webhook failed', {
        ...fields,
        ...(outcome.status === undefined ? {} : { status: outcome.status }),
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
      });
  }
}
