import type { CheckFunction } from '../model/result.js';
import { type CheckOptions, CheckRunner, type RunnerEnvironment } from './check-runner.js';
import { type Leaf, type NodeOptions, TreeNode } from './nodes.js';
import { parseMountPath } from './paths.js';

export class MountError extends Error {
  override name = 'MountError';
}

/**
 * The declared shape of a status document: a tree of keys whose leaves are values, providers,
 * meta values and checks. It only holds declarations; `evaluate()` reads it.
 * Every change bumps `version`, so compiled evaluation plans and render caches can tell.
 */
export class StatusTree {
  readonly root = new TreeNode('', []);
  version = 0;

  constructor(private readonly runnerEnv: RunnerEnvironment) {}

  mountLeaf(path: string, leaf: Leaf, options: NodeOptions = {}): void {
    const node = this.claim(path);
    if (node.children.size > 0) {
      throw new MountError(
        `"${path}" already has children (${[...node.children.keys()].join(', ')}); it cannot hold a value`,
      );
    }
    node.leaf = leaf;
    node.options = { ...node.options, ...options };
    this.changed();
  }

  mountCheck(path: string, fn: CheckFunction, options: CheckOptions & NodeOptions = {}): CheckRunner {
    if (typeof fn !== 'function') throw new MountError(`check "${path}": expected a function`);
    const node = this.claim(path);
    const runner = new CheckRunner(fn, options, this.runnerEnv);
    node.check = runner;
    node.options = { ...node.options, ...pickNodeOptions(options), critical: runner.options.critical };
    runner.startBackground();
    this.changed();
    return runner;
  }

  /** Declares a group: a node whose level aggregates the checks below it. */
  group(path: string, options: NodeOptions = {}): void {
    const node = this.walk(parseMountPath(path), true)!;
    if (node.leaf) throw new MountError(`"${path}" already holds a value; it cannot be a group`);
    if (node.declared && !node.check) throw new MountError(`"${path}" is already declared`);
    node.declared = true;
    node.options = { ...node.options, ...options };
    this.changed();
  }

  /** Removes whatever is mounted at `path` (and below). Returns false when nothing was there. */
  remove(path: string): boolean {
    const segments = parseMountPath(path);
    const parent = this.walk(segments.slice(0, -1), false);
    const node = parent?.children.get(segments[segments.length - 1]);
    if (!parent || !node) return false;
    stopChecks(node);
    parent.children.delete(node.key);
    this.pruneEmpty(segments.slice(0, -1));
    this.changed();
    return true;
  }

  find(segments: readonly string[]): TreeNode | undefined {
    return this.walk(segments, false);
  }

  /** Stops every background check (shutdown). */
  stop(): void {
    stopChecks(this.root);
  }

  private claim(path: string): TreeNode {
    const segments = parseMountPath(path);
    const node = this.walk(segments, true)!;
    if (node.leaf || node.check) {
      throw new MountError(`"${path}" is already mounted (${node.check ? 'check' : node.leaf!.kind})`);
    }
    return node;
  }

  private walk(segments: readonly string[], create: boolean): TreeNode | undefined {
    let node = this.root;
    for (let i = 0; i < segments.length; i++) {
      let child = node.children.get(segments[i]);
      if (!child) {
        if (!create) return undefined;
        if (node.leaf) {
          throw new MountError(
            `"${segments.slice(0, i).join('.')}" holds a value; nothing can be mounted below it`,
          );
        }
        child = new TreeNode(segments[i], segments.slice(0, i + 1));
        node.children.set(segments[i], child);
      }
      node = child;
    }
    return node;
  }

  private pruneEmpty(segments: string[]): void {
    for (let depth = segments.length; depth > 0; depth--) {
      const parent = this.walk(segments.slice(0, depth - 1), false);
      const node = parent?.children.get(segments[depth - 1]);
      if (!parent || !node?.isEmpty) return;
      parent.children.delete(node.key);
    }
  }

  private changed(): void {
    this.version++;
  }
}

function stopChecks(node: TreeNode): void {
  node.check?.stop();
  for (const child of node.children.values()) stopChecks(child);
}

function pickNodeOptions(options: NodeOptions): NodeOptions {
  const { summary, render, description, showStatus } = options;
  return { summary, render, description, showStatus };
}
