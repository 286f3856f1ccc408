/**
 * The correlated-failure guard. An orchestrator takes a not-ready instance out of rotation so the
 * others can serve; when the failing dependency is shared, every instance fails at once and taking
 * them all out serves nobody (the restart and reroute storms of a database hiccup). So readiness
 * stays up, degraded, when every failure that makes this instance not ready is a component failing
 * on enough of the cluster; an instance failing alone still goes not-ready.
 */
import type { ReadinessScope } from '../http/probe-answers.js';
import { formatPath } from '../tree/paths.js';
import { findNode, type Snapshot, type SnapshotNode } from '../tree/snapshot.js';
import type { ClusterView, ComponentView } from './view.js';

export interface GuardOptions {
  /** Share of the reporting instances (0 to 1) on which a component must fail to count as shared. */
  threshold: number;
  /** And on at least this many instances (a cluster of one has no correlation to see). */
  minInstances: number;
  /**
   * Components that are shared dependencies (a path covers the components below it); undefined:
   * any component. Failures elsewhere (a full local disk) always make the instance not ready.
   */
  components?: readonly string[];
}

/** The components failing here that explain a critical verdict, or undefined when some failure has no check behind it. */
export function failingComponents(
  snapshot: Snapshot,
  scope: ReadinessScope | undefined,
): string[] | undefined {
  const roots = scope
    ? scope.components.map((segments) => findNode(snapshot.root, segments))
    : [snapshot.root];
  const paths: string[] = [];
  for (const root of roots) {
    if (!root) return undefined;
    if (root.level === 'critical' && !collect(root, paths)) return undefined;
  }
  return paths;
}

/** Adds the failing checks at and below a critical node; false when nothing below explains it. */
function collect(node: SnapshotNode, paths: string[]): boolean {
  let explained = false;
  if (node.check?.level === 'critical') {
    paths.push(formatPath(node.path));
    explained = true;
  }
  for (const child of node.children) {
    if (child.level === 'critical' && child.critical && collect(child, paths)) explained = true;
  }
  return explained;
}

/**
 * Why readiness stays up ("degraded: postgres failing on 5/5 instances"), or undefined when it
 * should not: some failure is not shared, or the view is not available. This instance counts as
 * failing each of `failing` whatever its last report said: the snapshot is newer.
 */
export function correlatedFailure(
  failing: readonly string[],
  view: ClusterView,
  selfId: string,
  options: GuardOptions,
): string | undefined {
  if (!view.available || failing.length === 0) return undefined;
  const parts: string[] = [];
  for (const path of failing) {
    if (!isShared(path, options.components)) return undefined;
    const component = view.components.find((c) => c.path === path);
    const { failed, of } = countWithSelf(component, view, selfId);
    if (failed < options.minInstances || failed / of < options.threshold) return undefined;
    parts.push(`${path} failing on ${failed}/${of} instances`);
  }
  return `degraded: ${parts.join('; ')}`;
}

function countWithSelf(component: ComponentView | undefined, view: ClusterView, selfId: string) {
  const others = component ? component.failing.filter((id) => id !== selfId).length : 0;
  const reporting = component?.reporting ?? 0;
  // This instance's last report is among the reporting ones when the view has it serving.
  const selfCounted = component !== undefined && view.instances.some((i) => i.self && i.state === 'serving');
  return { failed: others + 1, of: selfCounted ? reporting : reporting + 1 };
}

function isShared(path: string, components: readonly string[] | undefined): boolean {
  if (components === undefined) return true;
  return components.some((shared) => path === shared || path.startsWith(`${shared}.`));
}
