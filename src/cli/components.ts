/**
 * The components of a status document as `statuskit check` reports them: every object below the
 * root that carries a status word some vocabulary knows (`status`, or a `*_status` / `*Status` key),
 * with its `durationMs` when it has one. Pure, bounded (depth and count), vocabulary-agnostic.
 */
import { type Level, parseWord, SEVERITY } from '../model/index.js';

export interface DocumentComponent {
  /** Dot path from the root (`applications.dialog`). */
  path: string;
  word: string;
  level: Level;
  durationMs?: number;
}

const MAX_DEPTH = 8;
const MAX_COMPONENTS = 500;

export function documentComponents(document: unknown): DocumentComponent[] {
  const found: DocumentComponent[] = [];
  const visit = (value: unknown, path: string[], depth: number) => {
    if (found.length >= MAX_COMPONENTS || depth > MAX_DEPTH) return;
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length && found.length < MAX_COMPONENTS; index++)
        visit(value[index], [...path, String(index)], depth + 1);
      return;
    }
    const node = value as Record<string, unknown>;
    const word = path.length > 0 ? statusWordOf(node) : undefined;
    const level = word === undefined ? undefined : parseWord(word);
    if (word !== undefined && level !== undefined) {
      const component: DocumentComponent = { path: path.join('.'), word, level };
      if (typeof node.durationMs === 'number' && Number.isFinite(node.durationMs))
        component.durationMs = node.durationMs;
      found.push(component);
    }
    for (const [key, child] of Object.entries(node)) visit(child, [...path, key], depth + 1);
  };
  visit(document, [], 0);
  return found;
}

/** Components worse than ok, worst first. */
export function failingComponents(components: readonly DocumentComponent[]): DocumentComponent[] {
  return components.filter((c) => c.level !== 'ok').sort((a, b) => SEVERITY[b.level] - SEVERITY[a.level]);
}

function statusWordOf(node: Record<string, unknown>): string | undefined {
  if (typeof node.status === 'string') return node.status;
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string' && /(_status|Status)$/.test(key) && parseWord(value)) return value;
  }
  return undefined;
}
