/**
 * Alerts that do not storm. Transitions and value changes wait `groupWait` (from the first one of
 * a batch) to gather what fails together; then each receiver gets one message. Inside it, a
 * target whose parent (`dependsOn`, transitively) is down, or changes in the same batch, is folded
 * into the parent's item: "db: ok → critical; 12 dependents affected: …". A dependent that changes
 * while its parent has been down for a while (already announced) is recorded and logged, not sent.
 *
 * The folding is a pure function; the batching takes a clock, so tests drive it without sleeping.
 */
import type { Logger } from '../client/log.js';
import { type Level, SEVERITY } from '../model/levels.js';
import {
  type Notice,
  type Notification,
  type NotificationItem,
  type Receiver,
  receiversOf,
} from './notification.js';

export interface Dependencies {
  /** The targets a target depends on directly. */
  parentsOf(name: string): readonly string[];
  /** Every target, for finding the dependents of one. */
  names(): readonly string[];
  /** The reported level now (after the batch's transitions). */
  levelOf(name: string): Level | undefined;
}

export interface Folded {
  items: NotificationItem[];
  /** Dependents' notices not sent: their parent was already announced down. */
  suppressed: { notice: Notice; parent: string }[];
}

/** Down, for folding: warning or worse, maintenance included (a parent in maintenance mutes its dependents). */
function isDown(level: Level | undefined): boolean {
  return level !== undefined && SEVERITY[level] >= SEVERITY.warning;
}

/** Ancestors of a target, nearest first (each once). */
function ancestorsOf(name: string, dependencies: Dependencies): string[] {
  const seen = new Set<string>([name]);
  const order: string[] = [];
  let frontier = [name];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const current of frontier) {
      for (const parent of dependencies.parentsOf(current)) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        order.push(parent);
        next.push(parent);
      }
    }
    frontier = next;
  }
  return order;
}

/** Folds each dependent's transition into its farthest ancestor that is down or changed in the batch. */
export function fold(notices: readonly Notice[], dependencies: Dependencies): Folded {
  const inBatch = new Map<string, NotificationItem>();
  const items: NotificationItem[] = [];
  const leads = new Map<Notice, string | undefined>();
  const changing = new Set(notices.filter((n) => n.kind === 'transition').map((n) => n.target.name));
  for (const notice of notices) {
    if (notice.kind !== 'transition') {
      leads.set(notice, undefined);
      continue;
    }
    const ancestors = ancestorsOf(notice.target.name, dependencies);
    const lead = ancestors.filter((a) => changing.has(a) || isDown(dependencies.levelOf(a))).pop();
    leads.set(notice, lead);
  }
  for (const notice of notices) {
    if (leads.get(notice) !== undefined) continue;
    const item: NotificationItem = { notice, dependents: [], stillDown: [] };
    items.push(item);
    if (notice.kind === 'transition' && !inBatch.has(notice.target.name))
      inBatch.set(notice.target.name, item);
  }
  const suppressed: Folded['suppressed'] = [];
  for (const notice of notices) {
    const lead = leads.get(notice);
    if (lead === undefined || notice.kind !== 'transition') continue;
    const item = inBatch.get(lead);
    if (item) item.dependents.push(notice.event);
    else suppressed.push({ notice, parent: lead });
  }
  for (const item of items) {
    if (item.notice.kind !== 'transition' || item.notice.event.to !== 'ok') continue;
    const lead = item.notice.target.name;
    item.stillDown = dependencies
      .names()
      .filter(
        (name) =>
          name !== lead &&
          ancestorsOf(name, dependencies).includes(lead) &&
          isDown(dependencies.levelOf(name)),
      );
  }
  return { items, suppressed };
}

/** The items each receiver gets, in order: one message per receiver. */
export function byReceiver(
  items: readonly NotificationItem[],
): { receiver: Receiver; notification: Notification }[] {
  const out = new Map<string, { receiver: Receiver; notification: Notification }>();
  for (const item of items) {
    for (const receiver of receiversOf(item.notice.target)) {
      let entry = out.get(receiver.key);
      if (!entry) {
        entry = { receiver, notification: { items: [] } };
        out.set(receiver.key, entry);
      }
      entry.notification.items.push(item);
    }
  }
  return [...out.values()];
}

/** The timers the grouping uses; tests pass a manual clock. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface GrouperOptions {
  waitMs: number;
  dependencies: Dependencies;
  /** One notification to one receiver (the hook dispatcher's `send`). */
  send(receiver: Receiver, notification: Notification): void;
  log: Logger;
  timers?: Timers;
}

export class NotificationGrouper {
  private batch: Notice[] = [];
  private timer: unknown;
  private waitMs: number;
  private readonly timers: Timers;

  constructor(private readonly options: GrouperOptions) {
    this.waitMs = options.waitMs;
    this.timers = options.timers ?? REAL_TIMERS;
  }

  /** A reload's new wait applies from the next batch on. */
  configure(waitMs: number): void {
    this.waitMs = waitMs;
  }

  get pending(): number {
    return this.batch.length;
  }

  add(notice: Notice): void {
    this.batch.push(notice);
    if (this.waitMs <= 0) {
      this.flush();
      return;
    }
    this.timer ??= this.timers.setTimeout(() => this.flush(), this.waitMs);
  }

  /** Sends what waits now (the timer's end, a shutdown, the end of `--once`). */
  flush(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    const notices = this.batch;
    this.batch = [];
    if (notices.length === 0) return;
    const { items, suppressed } = fold(notices, this.options.dependencies);
    for (const { notice, parent } of suppressed) {
      if (notice.kind !== 'transition') continue;
      this.options.log.info(
        `${notice.target.name}: folded into ${parent} (down or in maintenance, already announced)`,
        {
          target: notice.target.name,
          parent,
          to: notice.event.to,
        },
      );
    }
    for (const { receiver, notification } of byReceiver(items)) this.options.send(receiver, notification);
  }
}
