/**
 * Printing JSON for people: indented, and coloured when the output is a terminal. On a terminal each
 * token is made terminal-safe before it is painted: JSON.stringify escapes C0 controls but leaves C1
 * and bidi controls raw, and the escapes it adds keep the text valid JSON with the same value.
 * Callers bound the depth (client/read-document.ts): the writer recurses once per level.
 */
import { terminalSafe } from '../client/terminal-text.js';

const COLOURS = {
  key: '\x1b[36m',
  string: '\x1b[32m',
  number: '\x1b[33m',
  boolean: '\x1b[35m',
  null: '\x1b[90m',
  reset: '\x1b[0m',
};

export function prettyJson(value: unknown, colour: boolean): string {
  if (!colour) return JSON.stringify(value, null, 2);
  return write(value, '');
}

function paint(kind: keyof typeof COLOURS, text: string): string {
  return `${COLOURS[kind]}${terminalSafe(text)}${COLOURS.reset}`;
}

function write(value: unknown, indent: string): string {
  if (value === null || value === undefined) return paint('null', 'null');
  if (typeof value === 'string') return paint('string', JSON.stringify(value));
  if (typeof value === 'number') return paint('number', JSON.stringify(value));
  if (typeof value === 'boolean') return paint('boolean', String(value));
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + write(item, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const lines = entries.map(
    ([key, item]) => `${inner}${paint('key', JSON.stringify(key))}: ${write(item, inner)}`,
  );
  return `{\n${lines.join(',\n')}\n${indent}}`;
}
