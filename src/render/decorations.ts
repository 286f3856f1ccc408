/**
 * Per-caller fields (seed 002's `account`) in an otherwise cached document. The document is
 * serialized once per snapshot, tier and query with a placeholder where each decoration goes; a
 * request then writes the cached bytes around the JSON of its own values, so a caller-specific
 * section costs one small `JSON.stringify`, not a whole render.
 */
import { randomBytes } from 'node:crypto';
import { placeAt } from './place.js';

export interface Decoration<C> {
  /** Where the value goes in the document (before any envelope), as segments. */
  readonly path: readonly string[];
  /** The value for one request; `undefined` is written as `null`. */
  readonly read: (context: C) => unknown;
}

/** Random per process, so a value inside the document cannot imitate a placeholder. */
const NONCE = randomBytes(6).toString('hex');
const placeholder = (index: number) => `\u0000statuskit-${NONCE}-${index}\u0000`;

/** Puts each decoration's placeholder into a freshly rendered document (mutates it). */
export function placeHolders<C>(document: Record<string, unknown>, decorations: readonly Decoration<C>[]) {
  decorations.forEach((decoration, index) => {
    placeAt(document, decoration.path, placeholder(index));
  });
}

/** Puts each decoration's value for this request into a freshly rendered document (mutates it). */
export function placeValues<C>(
  document: Record<string, unknown>,
  decorations: readonly Decoration<C>[],
  context: C,
) {
  for (const decoration of decorations) placeAt(document, decoration.path, readSafely(decoration, context));
}

/** The serialized document cut at its placeholders. */
export class DocumentTemplate<C> {
  private constructor(
    private readonly parts: readonly Buffer[],
    private readonly indents: readonly (string | undefined)[],
    private readonly decorations: readonly Decoration<C>[],
  ) {}

  /**
   * Cuts `text` (the JSON of a document holding the placeholders) into parts; undefined when a
   * placeholder does not appear exactly once (the caller then renders per request).
   */
  static of<C>(
    text: string,
    decorations: readonly Decoration<C>[],
    pretty: boolean,
  ): DocumentTemplate<C> | undefined {
    const parts: Buffer[] = [];
    const indents: (string | undefined)[] = [];
    let from = 0;
    for (let index = 0; index < decorations.length; index++) {
      const quoted = JSON.stringify(placeholder(index));
      const at = text.indexOf(quoted, from);
      if (at === -1 || text.indexOf(quoted, at + quoted.length) !== -1) return undefined;
      parts.push(Buffer.from(text.slice(from, at)));
      indents.push(pretty ? indentAt(text, at) : undefined);
      from = at + quoted.length;
    }
    parts.push(Buffer.from(text.slice(from)));
    return new DocumentTemplate(parts, indents, decorations);
  }

  /** The document's bytes for one request. */
  fill(context: C): Buffer {
    const chunks: Buffer[] = [this.parts[0]];
    for (let index = 0; index < this.decorations.length; index++) {
      const value = readSafely(this.decorations[index], context);
      const indent = this.indents[index];
      const json =
        indent === undefined
          ? JSON.stringify(value ?? null)
          : JSON.stringify(value ?? null, null, 2).replaceAll('\n', `\n${indent}`);
      chunks.push(Buffer.from(json ?? 'null'), this.parts[index + 1]);
    }
    return Buffer.concat(chunks);
  }
}

/** The indentation of the line holding position `at` (pretty output nests values by it). */
function indentAt(text: string, at: number): string {
  const lineStart = text.lastIndexOf('\n', at) + 1;
  let end = lineStart;
  while (text.charCodeAt(end) === 32) end++;
  return text.slice(lineStart, end);
}

/** A decoration that throws must not break the document: its value is `null`. */
function readSafely<C>(decoration: Decoration<C>, context: C): unknown {
  try {
    return decoration.read(context);
  } catch {
    return null;
  }
}
