/**
 * The component tree a nested status document carries (statuskit's, Spring's `components`, seed
 * 002's `components` map of words): which parts are down, the highest failing part first, each
 * with how many failing parts below it. A target that is down says `components down: storage
 * (2 below: storage.primary, storage.replica), search` without any configuration.
 */
import { type Level, SEVERITY } from '../model/levels.js';
import { parseWord } from '../model/vocabulary.js';

/** Nodes visited at most: a hostile document cannot make this walk long. */
const MAX_NODES = 2000;
const MAX_DEPTH = 12;
/** Parts named in a message at most. */
const MAX_SHOWN = 8;

export interface FailingComponent {
  path: string;
  level: Level;
  /** Failing components below this one. */
  below: string[];
}

/** The highest failing components (warning or worse), in document order. */
export function failingComponents(document: unknown): FailingComponent[] {
  const found: FailingComponent[] = [];
  let budget = MAX_NODES;
  const walk = (value: unknown, path: string[], depth: number, under: FailingComponent | undefined) => {
    if (
      budget-- <= 0 ||
      depth > MAX_DEPTH ||
      value === null ||
      typeof value !== 'object' ||
      Array.isArray(value)
    )
      return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const childPath = [...path, key];
      const level = componentLevel(key, child, path);
      let next = under;
      if (level !== undefined && SEVERITY[level] >= SEVERITY.warning && childPath.length > 0) {
        const name = childPath.filter((part) => part !== 'components' && part !== 'checks').join('.');
        if (under) under.below.push(name);
        else {
          next = { path: name, level, below: [] };
          found.push(next);
        }
      }
      walk(child, childPath, depth + 1, next);
    }
  };
  walk(document, [], 0, undefined);
  return found;
}

/** A component's level: an object with a status word, or a word inside a `components` map. */
function componentLevel(key: string, value: unknown, parentPath: readonly string[]): Level | undefined {
  if (typeof value === 'string' && parentPath[parentPath.length - 1] === 'components')
    return parseWord(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || key === 'data') return undefined;
  const status = (value as Record<string, unknown>).status;
  return typeof status === 'string' ? parseWord(status) : undefined;
}

/** `components down: storage (2 below: storage.primary, storage.replica), search`. */
export function describeFailing(components: readonly FailingComponent[]): string | undefined {
  if (components.length === 0) return undefined;
  const shown = components.slice(0, MAX_SHOWN).map((component) => {
    if (component.below.length === 0) return component.path;
    const names = component.below.slice(0, 3).join(', ');
    const more = component.below.length > 3 ? ', …' : '';
    return `${component.path} (${component.below.length} below: ${names}${more})`;
  });
  const more = components.length > MAX_SHOWN ? ` and ${components.length - MAX_SHOWN} more` : '';
  return `components down: ${shown.join(', ')}${more}`;
}
