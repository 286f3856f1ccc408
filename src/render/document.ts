import type { Level } from '../model/levels.js';
import type { Vocabulary } from '../model/vocabulary.js';
import type { Snapshot, SnapshotNode } from '../tree/snapshot.js';
import type { ResolvedLayout } from './layout.js';
import { formatTimestamp } from './timestamp.js';

/** What the caller may see and asked to see, resolved before rendering. */
export interface View {
  /** Components, values and fields beyond the summary (overall status and identity fields). */
  details: boolean;
  /** Error messages of failed checks. */
  messages: boolean;
}

export interface DocumentStyle {
  vocabulary: Vocabulary;
  layout: ResolvedLayout;
}

/** Renders a whole snapshot as the API's JSON document (before any envelope). */
export function renderDocument(
  snapshot: Snapshot,
  style: DocumentStyle,
  view: View,
): Record<string, unknown> {
  const placed = placedMeta(snapshot.root);
  const out: Record<string, unknown> = {};
  const { overallStatusKey, durationKey } = style.layout;
  if (overallStatusKey && !placed.has('overall') && !hasChild(snapshot.root, overallStatusKey)) {
    out[overallStatusKey] = style.vocabulary.overall[snapshot.level];
  }
  const body = renderChildren(snapshot.root, snapshot, style, view);
  Object.assign(out, body);
  if (durationKey && !placed.has('duration') && !(durationKey in out)) out[durationKey] = snapshot.durationMs;
  return out;
}

/** Renders one component (a `/status/<path>` sub-path), always in object form. */
export function renderComponent(
  node: SnapshotNode,
  snapshot: Snapshot,
  style: DocumentStyle,
  view: View,
): unknown {
  if (node.leaf) return renderLeaf(node, snapshot, style, view);
  const out: Record<string, unknown> = {};
  if (node.level !== undefined) out[style.layout.statusKey] = componentWord(node, node.level, style);
  if (node.check) Object.assign(out, checkFields(node, snapshot, style, view));
  Object.assign(out, renderChildren(node, snapshot, style, view));
  return out;
}

function renderNode(node: SnapshotNode, snapshot: Snapshot, style: DocumentStyle, view: View): unknown {
  if (node.leaf) return renderLeaf(node, snapshot, style, view);
  const nodeStyle = node.options.render?.style ?? style.layout.components;
  const statusKey = node.options.render?.statusKey ?? style.layout.statusKey;
  if (node.check && nodeStyle === 'word') return componentWord(node, node.level ?? node.check.level, style);
  const out: Record<string, unknown> = {};
  if ((node.check || node.options.showStatus) && node.level !== undefined) {
    out[statusKey] = componentWord(node, node.level, style);
  }
  if (node.check) Object.assign(out, checkFields(node, snapshot, style, view));
  Object.assign(out, renderChildren(node, snapshot, style, view));
  return out;
}

function renderChildren(
  node: SnapshotNode,
  snapshot: Snapshot,
  style: DocumentStyle,
  view: View,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of node.children) {
    if (!view.details && !isSummary(child)) continue;
    out[child.key] = renderNode(child, snapshot, style, view);
  }
  return out;
}

/** Summary nodes survive `details=false`: identity fields, meta values, and groups holding them. */
function isSummary(node: SnapshotNode): boolean {
  if (node.options.summary || node.leaf === 'meta') return true;
  return !node.leaf && !node.check && node.children.some(isSummary);
}

function renderLeaf(node: SnapshotNode, snapshot: Snapshot, style: DocumentStyle, view: View): unknown {
  if (node.leaf !== 'meta' || !node.meta) return node.value;
  switch (node.meta.type) {
    case 'overall':
      return style.vocabulary.overall[snapshot.level];
    case 'duration':
      return snapshot.durationMs;
    case 'timestamp':
      return formatTimestamp(snapshot.time, node.meta);
    case 'details':
      return view.details;
  }
}

function checkFields(
  node: SnapshotNode,
  snapshot: Snapshot,
  style: DocumentStyle,
  view: View,
): Record<string, unknown> {
  const result = node.check!;
  const { layout } = style;
  const out: Record<string, unknown> = {};
  if (node.options.render?.durationMs ?? layout.componentDuration) out.durationMs = result.durationMs;
  if (layout.componentTime) {
    out.time = formatTimestamp(result.time, { format: 'iso-ms' });
    if (snapshot.time - result.time >= 1000) out.ageMs = Math.round(snapshot.time - result.time);
  }
  if (layout.componentReason && result.reason) out.reason = result.reason;
  if (view.messages && result.message !== undefined) out[layout.messageKey] = result.message;
  if (result.fields) Object.assign(out, result.fields);
  return out;
}

function componentWord(node: SnapshotNode, level: Level, style: DocumentStyle): string {
  return node.options.render?.words?.[level] ?? style.vocabulary.component[level];
}

function placedMeta(root: SnapshotNode): Set<string> {
  const found = new Set<string>();
  const visit = (node: SnapshotNode) => {
    if (node.meta) found.add(node.meta.type);
    node.children.forEach(visit);
  };
  visit(root);
  return found;
}

function hasChild(node: SnapshotNode, key: string): boolean {
  return node.children.some((child) => child.key === key);
}
