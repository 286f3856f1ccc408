/**
 * The values rules compute with: JSON values as JavaScript holds them (numbers are IEEE doubles,
 * compared exactly, never rounded), plus `UNKNOWN` for what the answer does not hold. Unknown is
 * neither true nor false: a missing path makes a condition unknown, and logic over it is Kleene's
 * three-valued logic (`false and unknown` is false, `true and unknown` unknown).
 */
import { createHash } from 'node:crypto';
import type { Unit } from './syntax.js';

export const UNKNOWN: unique symbol = Symbol('unknown');
export type Unknown = typeof UNKNOWN;
export type Value = unknown;

export function isUnknown(value: Value): value is Unknown {
  return value === UNKNOWN;
}

export function isObject(value: Value): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON equality: same type and same value, objects and lists member by member. No coercion. */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const list = b as unknown[];
    return a.length === list.length && a.every((item, i) => sameValue(item, list[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && sameValue(left[key], right[key]))
  );
}

/** `a number`, `a string`, `null`, … for explanations of type mismatches. */
export function typeName(value: Value): string {
  if (value === UNKNOWN) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

const MAX_SHOWN = 80;

/**
 * A value as an explanation shows it: numbers in their shortest exact form (`0.30000000000000004`,
 * `1e-14`: never rounded), durations and sizes with their unit, strings quoted and clipped.
 */
export function show(value: Value, unit?: Unit): string {
  if (value === UNKNOWN) return 'missing';
  if (typeof value === 'number' && unit === 'duration') return `${value}ms`;
  if (typeof value === 'number' && unit === 'bytes') return `${value}B`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** Recorded values longer than this (as JSON) are kept as a digest: enough for `changed()`. */
export const MAX_RECORDED_JSON = 1024;

/**
 * A value as the history records it: itself when small, else `{ $sha256, $bytes }` of its JSON, so
 * a sample stays small while `changed()` can still tell a large value changed.
 */
export function recordedForm(value: Value): Value {
  if (typeof value !== 'object' && typeof value !== 'string') return value;
  if (value === null) return value;
  const text = JSON.stringify(value);
  if (text.length <= MAX_RECORDED_JSON) return value;
  return { $sha256: createHash('sha256').update(text).digest('hex'), $bytes: Buffer.byteLength(text) };
}
