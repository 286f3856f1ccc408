import { readFileSync } from 'node:fs';

/** Loads `test/fixtures/<name>.shape.json` (see test/fixtures/README.md for the shape language). */
export function loadShape(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.shape.json`, import.meta.url), 'utf8'));
}

/** Every difference between a value and a shape, as `path: problem` lines (empty when it matches). */
export function shapeErrors(value: unknown, shape: unknown, path = '$'): string[] {
  if (typeof shape === 'string')
    return typeOf(value) === shape ? [] : [`${path}: expected ${shape}, got ${describe(value)}`];
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${path}: expected an array, got ${describe(value)}`];
    if (value.length === 0) return [`${path}: expected a non-empty array`];
    return value.flatMap((item, i) => shapeErrors(item, shape[0], `${path}[${i}]`));
  }
  const spec = shape as Record<string, unknown>;
  if ('$enum' in spec) {
    const allowed = spec.$enum as unknown[];
    return allowed.includes(value)
      ? []
      : [`${path}: expected one of ${JSON.stringify(allowed)}, got ${describe(value)}`];
  }
  if (typeOf(value) !== 'object') return [`${path}: expected an object, got ${describe(value)}`];
  const object = value as Record<string, unknown>;
  if ('$map' in spec)
    return Object.entries(object).flatMap(([k, v]) => shapeErrors(v, spec.$map, `${path}.${k}`));
  const errors: string[] = [];
  for (const [key, member] of Object.entries(spec)) {
    const optional = typeof member === 'object' && member !== null && '$optional' in member;
    if (!(key in object)) {
      if (!optional) errors.push(`${path}.${key}: missing`);
      continue;
    }
    errors.push(
      ...shapeErrors(
        object[key],
        optional ? (member as { $optional: unknown }).$optional : member,
        `${path}.${key}`,
      ),
    );
  }
  for (const key of Object.keys(object)) if (!(key in spec)) errors.push(`${path}.${key}: not in the seed`);
  return errors;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return `${typeOf(value)} ${text && text.length > 60 ? `${text.slice(0, 60)}...` : text}`;
}
