import type { ChangeSignal } from './change-signal.js';
import type { CheckRunner } from './check-runner.js';

/** Values computed when a document is assembled, placed wherever the tree mounts them. */
export type MetaKind =
  /** The overall status word (`status`, `data.status`). */
  | { type: 'overall' }
  /** How long assembling the document took, in ms (`durationMs`, `performance.response_time_ms`). */
  | { type: 'duration' }
  /** When the document was assembled: ISO 8601 by default, or a pattern like `yyyy-MM-dd HH:mm:ss`. */
  | { type: 'timestamp'; format?: string; utc?: boolean }
  /** Echoes whether details are shown (`withDetails` in seed 001). */
  | { type: 'details' };

/** Anything with a `readStatus()` method can be mounted: meters, vitals views, custom objects. */
export interface StatusReadable {
  readStatus(): unknown;
  /**
   * Optional: announces every change of what `readStatus()` returns (vitals views while the sampler
   * runs, the lifecycle). Between two announcements the leaf is not read at all, so a document built
   * only from announcing leaves, cached checks and values costs the same whatever the tree's size.
   * Without it, the leaf is read for every document.
   */
  readonly statusChanges?: ChangeSignal;
}

export type Provider = () => unknown;

/** What a leaf of the tree holds. */
export type Leaf =
  | { kind: 'value'; value: unknown }
  | { kind: 'provider'; read: Provider; changes?: ChangeSignal }
  | { kind: 'meta'; meta: MetaKind };

/** How a node renders its own status when it has a check or is a group that shows one. */
export interface NodeRenderOptions {
  /** Key of the status word in this component's object (default from the layout, usually `status`). */
  statusKey?: string;
  /** `object` = `{status, durationMs, ...fields}`; `word` = just the status word. Default from the layout. */
  style?: 'object' | 'word';
  /** Include `durationMs` in this component. Default from the layout. */
  durationMs?: boolean;
  /** Words for this component only (e.g. `Connected` / `Disconnected`). */
  words?: Partial<Record<import('../model/levels.js').Level, string>>;
}

export interface NodeOptions {
  /** Kept when details are hidden (`?details=false`, anonymous callers): identity fields like `version`. */
  summary?: boolean;
  /** For groups: counts as critical for its parent (default true). */
  critical?: boolean;
  /** For groups: render the aggregated status word at this node. */
  showStatus?: boolean;
  render?: NodeRenderOptions;
  description?: string;
  /**
   * For providers: the document cannot be produced without this value. When it throws or rejects,
   * the answer is a 500 error (seed 002's "Unable to retrieve system status") instead of `null`.
   */
  required?: boolean;
  /**
   * For providers: how fresh the value must be. Read at most once per interval (`'1s'`, or ms) and
   * the same value in between, so a flood of requests costs one read and the document's rendered
   * bytes stay cached. Default: read for every document.
   */
  every?: import('../util/duration.js').Duration;
}

export class TreeNode {
  readonly children = new Map<string, TreeNode>();
  leaf: Leaf | undefined;
  check: CheckRunner | undefined;
  options: NodeOptions = {};
  /** True when a user declared this node (group or mount), not just created as an intermediate. */
  declared = false;

  constructor(
    readonly key: string,
    readonly path: readonly string[],
  ) {}

  get isEmpty(): boolean {
    return !this.leaf && !this.check && this.children.size === 0 && !this.declared;
  }
}
