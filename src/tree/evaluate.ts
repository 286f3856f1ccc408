import type { AggregateInput, Aggregator } from '../model/aggregate.js';
import type { Level } from '../model/levels.js';
import type { CheckResult } from '../model/result.js';
import { parseDuration } from '../util/duration.js';
import type { ChangeSignal } from './change-signal.js';
import type { CheckRunner } from './check-runner.js';
import type { TreeNode } from './nodes.js';
import type { Snapshot, SnapshotNode } from './snapshot.js';
import type { StatusTree } from './tree.js';

/**
 * Replaces a node's level while snapshots are built (a maintenance window, a manual override).
 * Overrides run in the order they were added, each seeing the level the previous one left;
 * undefined keeps it.
 */
export type LevelOverride = (path: readonly string[], level: Level | undefined) => Level | undefined;

export interface EvaluatorOptions {
  aggregate: Aggregator;
  /** The whole snapshot is ready by then: checks still running are reported as timed out. */
  deadlineMs: number;
  now: () => number;
}

/** A provider's last read, kept for its `every` interval. */
interface Fresh {
  at: number;
  value: unknown;
}

type Slot =
  | { kind: 'check'; node: TreeNode; runner: CheckRunner }
  | {
      kind: 'provider';
      node: TreeNode;
      read: () => unknown;
      required: boolean;
      everyMs: number;
      changes?: ChangeSignal;
      last?: Fresh;
    }
  | { kind: 'timestamp' };

/**
 * Turns the tree into snapshots. Leaves are gathered into a flat list of values; when every value
 * is identical to the previous evaluation (cached checks, unchanged providers) the previous
 * snapshot is returned as is, so its rendered bytes stay cached.
 *
 * Reading the leaves is skipped altogether while the previous snapshot holds: every leaf either
 * announces its changes (checks' new results, vitals ticks, the lifecycle) or says until when its
 * value stays (caches, `every`, staleness, the timestamp's second), none announced anything and
 * that time has not come. A tree with one leaf that does neither (a plain provider) is read for
 * every document, as before.
 */
export class Evaluator {
  private planVersion = -1;
  private slots: Slot[] = [];
  private previousValues: unknown[] = [];
  private previous: Snapshot | undefined;
  private version = 0;
  /** Bumped by callers whose override inputs changed (e.g. a maintenance window started). */
  private externalEpoch = 0;
  private previousEpoch = -1;
  private overrides: readonly LevelOverride[] = [];
  /** Bumped by every announced change of a leaf. */
  private announced = 0;
  /** The previous snapshot is answered without reading the leaves while `now < holdsUntil`... */
  private holdsUntil = Number.NEGATIVE_INFINITY;
  /** ...and nothing was announced since it was taken. */
  private announcedAtHold = -1;
  private unsubscribe: Array<() => void> = [];

  constructor(
    private readonly tree: StatusTree,
    private readonly options: EvaluatorOptions,
  ) {}

  invalidate(): void {
    this.externalEpoch++;
  }

  /** Adds a level override (run after those added before); returns its removal. */
  addOverride(override: LevelOverride): () => void {
    if (typeof override !== 'function') throw new TypeError('addOverride: expected a function');
    this.overrides = [...this.overrides, override];
    this.invalidate();
    return () => {
      this.overrides = this.overrides.filter((o) => o !== override);
      this.invalidate();
    };
  }

  evaluate(): Snapshot | Promise<Snapshot> {
    if (this.planVersion !== this.tree.version) this.compile();
    const started = this.options.now();
    if (this.holds(started)) return this.previous!;
    const announced = this.announced;
    const values = new Array<unknown>(this.slots.length);
    let pending: Promise<void>[] | undefined;
    for (let i = 0; i < this.slots.length; i++) {
      const value = this.read(this.slots[i], started);
      values[i] = value;
      if (value instanceof Promise) {
        pending ??= [];
        values[i] = undefined;
        pending.push(
          value.then((settled) => {
            values[i] = settled;
          }),
        );
      }
    }
    if (!pending) {
      const snapshot = this.finish(values, started);
      this.holdsUntil = this.horizon(started);
      this.announcedAtHold = announced;
      return snapshot;
    }
    this.holdsUntil = Number.NEGATIVE_INFINITY;
    return this.awaitWithDeadline(pending, values, started);
  }

  private holds(now: number): boolean {
    return (
      this.previous !== undefined &&
      now < this.holdsUntil &&
      this.announcedAtHold === this.announced &&
      this.previousEpoch === this.externalEpoch
    );
  }

  /** Until when every leaf's value stays what was just read (see the class comment). */
  private horizon(now: number): number {
    let until = Number.POSITIVE_INFINITY;
    for (const slot of this.slots) {
      until = Math.min(until, slotHorizon(slot, now));
      if (until === Number.NEGATIVE_INFINITY) break;
    }
    return until;
  }

  private async awaitWithDeadline(
    pending: Promise<void>[],
    values: unknown[],
    started: number,
  ): Promise<Snapshot> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.deadlineMs);
    });
    await Promise.race([Promise.all(pending), deadline]);
    clearTimeout(timer);
    // A copy: checks that finish after the deadline still write into `values`, and must not change
    // the list this snapshot is compared by (their results reach the next evaluation through the runner).
    const settled = values.slice();
    const now = this.options.now();
    for (let i = 0; i < this.slots.length; i++) {
      if (settled[i] !== undefined) continue;
      const slot = this.slots[i];
      if (slot.kind === 'check') settled[i] = deadlineResult(this.options.deadlineMs, started, now);
      else if (slot.kind === 'provider') settled[i] = null;
    }
    return this.finish(settled, started);
  }

  private read(slot: Slot, now: number): unknown {
    switch (slot.kind) {
      case 'check':
        // One clock read per evaluation, not one per check.
        return slot.runner.current(now);
      case 'provider':
        return slot.everyMs > 0 ? readFresh(slot, now) : readSlot(slot);
      case 'timestamp':
        // Documents with a timestamp change once a second at most (formats have second resolution).
        return Math.floor(now / 1000);
    }
  }

  private finish(values: unknown[], started: number): Snapshot {
    if (
      this.previous &&
      this.previousEpoch === this.externalEpoch &&
      sameValues(values, this.previousValues)
    ) {
      return this.previous;
    }
    const byNode = new Map<TreeNode, unknown>();
    this.slots.forEach((slot, i) => {
      if (slot.kind !== 'timestamp') byNode.set(slot.node, values[i]);
    });
    const root = this.build(this.tree.root, byNode);
    const finished = this.options.now();
    const snapshot: Snapshot = {
      root,
      level: root.level ?? 'ok',
      durationMs: Math.round(finished - started),
      time: Date.now(),
      version: ++this.version,
    };
    this.previous = snapshot;
    this.previousValues = values;
    this.previousEpoch = this.externalEpoch;
    return snapshot;
  }

  private build(node: TreeNode, byNode: Map<TreeNode, unknown>): SnapshotNode {
    const children: SnapshotNode[] = [];
    for (const child of node.children.values()) children.push(this.build(child, byNode));
    const out: SnapshotNode = {
      key: node.key,
      path: node.path,
      critical: node.options.critical ?? true,
      options: node.options,
      children,
    };
    if (node.leaf) {
      out.leaf = node.leaf.kind;
      if (node.leaf.kind === 'value') out.value = node.leaf.value;
      else if (node.leaf.kind === 'provider') out.value = byNode.get(node);
      else out.meta = node.leaf.meta;
    }
    const inputs: AggregateInput[] = [];
    if (node.check) {
      out.check = byNode.get(node) as CheckResult;
      inputs.push({ level: out.check.level, critical: true });
    }
    for (const child of children) {
      if (child.level !== undefined) inputs.push({ level: child.level, critical: child.critical });
    }
    let level = inputs.length > 0 ? this.options.aggregate(inputs) : undefined;
    for (const override of this.overrides) level = override(node.path, level) ?? level;
    if (level !== undefined) out.level = level;
    return out;
  }

  private compile(): void {
    const slots: Slot[] = [];
    const visit = (node: TreeNode) => {
      if (node.check) slots.push({ kind: 'check', node, runner: node.check });
      if (node.leaf?.kind === 'provider') {
        slots.push({
          kind: 'provider',
          node,
          read: node.leaf.read,
          required: node.options.required === true,
          everyMs:
            node.options.every === undefined
              ? 0
              : parseDuration(node.options.every, `${node.path.join('.')}: every`),
          changes: node.leaf.changes,
        });
      }
      if (node.leaf?.kind === 'meta' && node.leaf.meta.type === 'timestamp')
        slots.push({ kind: 'timestamp' });
      for (const child of node.children.values()) visit(child);
    };
    visit(this.tree.root);
    this.slots = slots;
    this.planVersion = this.tree.version;
    this.previous = undefined;
    this.holdsUntil = Number.NEGATIVE_INFINITY;
    this.listen(slots);
  }

  /** Subscribes to the change signals of the plan's leaves (and drops the previous plan's). */
  private listen(slots: readonly Slot[]): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    const onChange = () => {
      this.announced++;
    };
    this.unsubscribe = [];
    for (const slot of slots) {
      const signal =
        slot.kind === 'check' ? slot.runner.changes : slot.kind === 'provider' ? slot.changes : undefined;
      if (signal) this.unsubscribe.push(signal.subscribe(onChange));
    }
  }

  /** Stops listening to the leaves' signals (the status is closing). */
  close(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.unsubscribe = [];
    this.holdsUntil = Number.NEGATIVE_INFINITY;
  }
}

/** Until when one leaf's value stays what it is at `now`, announced changes aside. */
function slotHorizon(slot: Slot, now: number): number {
  switch (slot.kind) {
    case 'check':
      return slot.runner.holdsUntil(now);
    case 'timestamp':
      return (Math.floor(now / 1000) + 1) * 1000;
    case 'provider': {
      if (slot.everyMs > 0) {
        const last = slot.last;
        return last && !(last.value instanceof Promise) ? last.at + slot.everyMs : Number.NEGATIVE_INFINITY;
      }
      return slot.changes?.announcing ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    }
  }
}

function readSlot(slot: Slot & { kind: 'provider' }): unknown {
  return slot.required ? readRequired(slot.read) : readProvider(slot.read);
}

/**
 * A provider with `every`: read at most once per interval, the same value in between, so
 * documents built from it stay the same snapshot (and their rendered bytes stay cached).
 */
function readFresh(slot: Slot & { kind: 'provider' }, now: number): unknown {
  const last = slot.last;
  if (last && now - last.at < slot.everyMs) return last.value;
  const value = readSlot(slot);
  const fresh: Fresh = { at: now, value };
  slot.last = fresh;
  if (value instanceof Promise) {
    value.then(
      (settled) => {
        if (slot.last === fresh) fresh.value = settled;
      },
      () => {
        if (slot.last === fresh) slot.last = undefined;
      },
    );
  }
  return value;
}

/** Providers may be sync or async; one that throws yields null rather than breaking the document. */
function readProvider(read: () => unknown): unknown {
  try {
    const value = read();
    if (value instanceof Promise) return value.then(orNull, () => null);
    return orNull(value);
  } catch {
    return null;
  }
}

/** A required provider's failure is the document's failure: it propagates (the endpoint answers 500). */
function readRequired(read: () => unknown): unknown {
  const value = read();
  return value instanceof Promise ? value.then(orNull) : orNull(value);
}

function orNull(value: unknown): unknown {
  return value === undefined ? null : value;
}

function deadlineResult(deadlineMs: number, started: number, now: number): CheckResult {
  return {
    level: 'critical',
    reason: 'timeout',
    message: `no result before the response deadline (${deadlineMs} ms)`,
    durationMs: Math.round(now - started),
    time: now,
  };
}

function sameValues(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
