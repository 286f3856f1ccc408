/**
 * When a service has started. Until then it is `starting`: neither up nor down (the startup probe
 * answers 503, readiness 503, liveness 200). It has started when the app says so (`markStarted()`),
 * or when the startup components pass (each `ok` or `warning`), judged on every snapshot taken
 * while starting — by any door, the startup probe included. Once started, it stays started.
 */
import type { GroupJudge, HealthGroup } from '../http/probes.js';
import { formatPath } from '../tree/paths.js';
import type { Snapshot } from '../tree/snapshot.js';
import type { Lifecycle } from './lifecycle.js';

/** `true`: starting until `markStarted()`; `{ include }`: until those components pass (or `markStarted()`). */
export type StartupOptions = true | { include: readonly string[] };

const WAITING_FOR_APP = 'waiting for the app to say it started';

export class StartupGate {
  private waiting: string;

  constructor(
    private readonly lifecycle: Lifecycle,
    private readonly group: HealthGroup | undefined,
    private readonly judge: GroupJudge,
  ) {
    this.waiting = group
      ? `waiting for ${(group.include ?? []).map(formatPath).join(', ')}`
      : WAITING_FOR_APP;
  }

  /** Whether snapshots decide the start (components), not only `markStarted()`. */
  get judgesComponents(): boolean {
    return this.group !== undefined && this.lifecycle.state === 'starting';
  }

  /** What the start still waits for (the probes' reason while starting). */
  waitsFor(): string {
    return this.waiting;
  }

  /** Judges a snapshot taken while starting; true when it completed the start. */
  observe(snapshot: Snapshot): boolean {
    if (!this.judgesComponents) return false;
    const verdict = this.judge.judge(this.group!, snapshot);
    if (verdict.reason) {
      this.waiting = `waiting for ${verdict.reason.replace(/ is not mounted$/, ' (not mounted)')}`;
      return false;
    }
    const failing = verdict.selected.members.filter((member) => !passes(member.level));
    if (failing.length > 0 || !passes(verdict.level)) {
      const names = failing.map((member) => `${formatPath(member.path)} (${member.level})`);
      this.waiting = `waiting for ${names.join(', ') || 'the startup components'}`;
      return false;
    }
    return this.lifecycle.advance('ready');
  }
}

function passes(level: string | undefined): boolean {
  return level === undefined || level === 'ok' || level === 'warning';
}
