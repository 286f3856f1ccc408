import type { Level } from '../model/levels.js';
import type { CheckResult } from '../model/result.js';
import type { MetaKind, NodeOptions } from './nodes.js';

/**
 * A status tree evaluated at one moment: plain data with canonical levels. Every output format
 * (JSON layouts, health+json, the live feed, Prometheus) is a pure function of a snapshot.
 */
export interface Snapshot {
  root: SnapshotNode;
  /** The overall level (aggregated over the whole tree, maintenance applied). */
  level: Level;
  /** How long assembling the snapshot took. */
  durationMs: number;
  /** Epoch ms when it was assembled. */
  time: number;
  /** Increases whenever the content differs from the previous snapshot: render caches key on it. */
  version: number;
}

export interface SnapshotNode {
  key: string;
  path: readonly string[];
  /** Aggregated level of this node's own check and everything below it; undefined when no check is below. */
  level?: Level;
  /** Whether this node counts as critical for its parent's aggregation. */
  critical: boolean;
  /** The node's own check result, when a check is mounted here. */
  check?: CheckResult;
  /** How the leaf was produced, when this node is a leaf. */
  leaf?: 'value' | 'provider' | 'meta';
  value?: unknown;
  meta?: MetaKind;
  options: NodeOptions;
  children: SnapshotNode[];
}

/** Walks every node with a check, depth first, in declaration order. */
export function* checkNodes(node: SnapshotNode): Generator<SnapshotNode> {
  if (node.check) yield node;
  for (const child of node.children) yield* checkNodes(child);
}

export function findNode(root: SnapshotNode, segments: readonly string[]): SnapshotNode | undefined {
  let node: SnapshotNode | undefined = root;
  for (const segment of segments) {
    node = node.children.find((child) => child.key === segment);
    if (!node) return undefined;
  }
  return node;
}
