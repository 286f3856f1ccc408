/** Places `value` at a path of a document, creating (or replacing non-objects with) objects on the way. */
export function placeAt(document: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let target = document;
  for (const segment of path.slice(0, -1)) {
    const next = target[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) target[segment] = {};
    target = target[segment] as Record<string, unknown>;
  }
  target[path[path.length - 1]] = value;
}
