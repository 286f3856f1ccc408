/**
 * Paths into the status tree and into rendered documents.
 *
 * Two syntaxes are accepted wherever a caller names a path:
 * - dot paths with `[n]` for array items: `app.master.general`, `cpus[0].usage`;
 * - RFC 6901 JSON Pointers: `/app/master/general`, `/cpus/0/usage` (`~1` = `/`, `~0` = `~`).
 */
export type PathSegment = string | number;

export class PathSyntaxError extends Error {
  override name = 'PathSyntaxError';
}

/** The longest path accepted; longer ones are refused rather than parsed. */
export const MAX_PATH_LENGTH = 1024;

export function parsePath(text: string): PathSegment[] {
  if (text.length > MAX_PATH_LENGTH) {
    throw new PathSyntaxError(`path is ${text.length} characters long; the limit is ${MAX_PATH_LENGTH}`);
  }
  if (text === '' || text === '/') return [];
  return text.startsWith('/') ? parsePointer(text) : parseDotPath(text);
}

function parsePointer(text: string): PathSegment[] {
  return text
    .slice(1)
    .split('/')
    .map((raw) => {
      if (/~[^01]|~$/.test(raw)) throw new PathSyntaxError(`invalid escape in JSON pointer segment "${raw}"`);
      return raw.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function parseDotPath(text: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  let expectKey = true;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '[') {
      const close = text.indexOf(']', i);
      const inner = close === -1 ? '' : text.slice(i + 1, close);
      if (!/^\d+$/.test(inner))
        throw new PathSyntaxError(`expected an array index like [0] at position ${i} of "${text}"`);
      segments.push(Number(inner));
      i = close + 1;
      expectKey = false;
    } else if (ch === '.') {
      if (expectKey) throw new PathSyntaxError(`empty segment at position ${i} of "${text}"`);
      i++;
      expectKey = true;
      if (i === text.length) throw new PathSyntaxError(`path "${text}" ends with a dot`);
    } else {
      if (!expectKey) throw new PathSyntaxError(`expected "." or "[" at position ${i} of "${text}"`);
      let end = i;
      while (end < text.length && text[end] !== '.' && text[end] !== '[') end++;
      segments.push(text.slice(i, end));
      i = end;
      expectKey = false;
    }
  }
  return segments;
}

/** Mount paths are plain dot paths of keys (no indexes, no empty keys). */
export function parseMountPath(text: string): string[] {
  if (typeof text !== 'string' || text.trim() === '')
    throw new PathSyntaxError('a mount path must be a non-empty string');
  const segments = text.split('.');
  for (const segment of segments) {
    if (segment === '') throw new PathSyntaxError(`mount path "${text}" has an empty segment`);
  }
  return segments;
}

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

const MISSING = Symbol('missing');

/** Looks a path up in plain JSON data; `undefined` result means "not found" (JSON has no undefined). */
export function getAtPath(
  data: unknown,
  segments: readonly PathSegment[],
): { found: true; value: unknown } | { found: false } {
  let current: unknown = data;
  for (const segment of segments) {
    current = step(current, segment);
    if (current === MISSING) return { found: false };
  }
  return { found: true, value: current };
}

function step(current: unknown, segment: PathSegment): unknown {
  if (Array.isArray(current)) {
    const index = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : -1;
    return index >= 0 && index < current.length ? current[index] : MISSING;
  }
  if (current !== null && typeof current === 'object' && typeof segment === 'string') {
    return Object.hasOwn(current, segment) ? (current as Record<string, unknown>)[segment] : MISSING;
  }
  return MISSING;
}
