/**
 * Part of a snapshot: the components a health group includes, minus those it (or `?exclude=`)
 * leaves out, with the levels above them aggregated again. A pure function of a snapshot, shared
 * by the probes (the verdict) and `/status?group=` (the document).
 */
import type { AggregateInput, Aggregator } from '../model/aggregate.js';
import { findNode, type SnapshotNode } from '../tree/snapshot.js';

export type ComponentPath = readonly string[];

export interface Selection {
  /** Components whose subtrees are members; undefined: every top-level node is one. */
  include?: readonly ComponentPath[];
  exclude: readonly ComponentPath[];
}

export interface Selected {
  /** The tree with only the members, their ancestors and the document's frame (identity, meta leaves). */
  root: SnapshotNode;
  /** The member nodes as they are after the excludes. */
  members: SnapshotNode[];
  /** Included paths that are not mounted (an included path that is also excluded is no member, not missing). */
  missing: ComponentPath[];
  /** Excluded paths that name nothing in the selection. */
  unmatched: ComponentPath[];
}

/**
 * Selects from `root`. Nodes whose subtree lost nothing are the snapshot's own objects (their
 * levels keep every override); a node that lost children is aggregated again with `aggregate`.
 */
export function selectComponents(root: SnapshotNode, selection: Selection, aggregate: Aggregator): Selected {
  const members: SnapshotNode[] = [];
  const matched = new Set<number>();
  const visit = (node: SnapshotNode, inside: boolean): SnapshotNode | undefined => {
    const excluded = indexOfPath(selection.exclude, node.path);
    if (excluded !== -1) {
      matched.add(excluded);
      return undefined;
    }
    const member = !inside && isMember(node, selection.include);
    const within = inside || member;
    if (!within && !leadsTo(node.path, selection.include)) return isFrame(node) ? node : undefined;
    const kept = keepChildren(node, within, visit);
    const result =
      kept === node.children && (within || !node.check) ? node : rebuilt(node, kept, within, aggregate);
    if (member) members.push(result);
    return result;
  };
  const selected = visit(root, false) ?? root;
  return {
    root: selected,
    members,
    missing: (selection.include ?? []).filter((path) => !findNode(root, path)),
    unmatched: selection.exclude.filter((_, index) => !matched.has(index)),
  };
}

function keepChildren(
  node: SnapshotNode,
  within: boolean,
  visit: (node: SnapshotNode, inside: boolean) => SnapshotNode | undefined,
): SnapshotNode[] {
  let changed = false;
  const kept: SnapshotNode[] = [];
  for (const child of node.children) {
    const result = visit(child, within);
    if (result !== child) changed = true;
    if (result) kept.push(result);
  }
  return changed ? kept : node.children;
}

/** A node that lost part of its subtree (or, above the members, its own check): levels again. */
function rebuilt(node: SnapshotNode, children: SnapshotNode[], within: boolean, aggregate: Aggregator) {
  const out: SnapshotNode = { ...node, children };
  if (!within) delete out.check;
  const inputs: AggregateInput[] = [];
  if (out.check) inputs.push({ level: out.check.level, critical: true });
  for (const child of children) {
    if (child.level !== undefined) inputs.push({ level: child.level, critical: child.critical });
  }
  if (inputs.length > 0) out.level = aggregate(inputs);
  else delete out.level;
  return out;
}

/** The root's children are members when nothing is included by name. */
function isMember(node: SnapshotNode, include: readonly ComponentPath[] | undefined): boolean {
  if (!include) return node.path.length === 1;
  return indexOfPath(include, node.path) !== -1;
}

/** Whether a member lies below this node. */
function leadsTo(path: ComponentPath, include: readonly ComponentPath[] | undefined): boolean {
  if (!include) return path.length === 0;
  return include.some((target) => target.length > path.length && path.every((s, i) => s === target[i]));
}

/** What a document needs whatever the group: the overall word and other meta leaves, identity values. */
function isFrame(node: SnapshotNode): boolean {
  return node.level === undefined && (node.leaf === 'meta' || node.options.summary === true);
}

function indexOfPath(paths: readonly ComponentPath[], path: ComponentPath): number {
  return paths.findIndex((candidate) => samePath(candidate, path));
}

function samePath(a: ComponentPath, b: ComponentPath): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}
