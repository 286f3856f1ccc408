/**
 * Reading a status document's body, kept pure: JSON or not, how deep, the overall word, the error
 * text a server put in a failing answer.
 */

/**
 * Deeper documents are refused rather than walked: printing or serialising them recursively would
 * overflow the stack (JSON.parse itself is iterative), and no status document nests this far.
 */
export const MAX_DOCUMENT_DEPTH = 512;

export type ReadDocument =
  | { kind: 'json'; value: unknown }
  | { kind: 'not-json' }
  | { kind: 'too-deep'; limit: number };

/** The body as a JSON document, unless it is not JSON or nests deeper than `maxDepth`. */
export function readDocument(body: string, maxDepth = MAX_DOCUMENT_DEPTH): ReadDocument {
  if (nestingExceeds(body, maxDepth)) return { kind: 'too-deep', limit: maxDepth };
  const parsed = parseJson(body);
  return parsed.ok ? { kind: 'json', value: parsed.value } : { kind: 'not-json' };
}

/** A JSON body, or `{ ok: false }` when the body is not JSON. */
export function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/** True when brackets outside strings nest deeper than `limit` (one pass, no parse). */
export function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** The error text a server put in a JSON error body (statuskit's envelope, or common shapes). */
export function errorText(body: string): string | undefined {
  const parsed = parseJson(body);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object') return undefined;
  const doc = parsed.value as Record<string, unknown>;
  for (const text of [doc.message, doc.error]) if (typeof text === 'string') return text;
  return undefined;
}

/** The overall word of a statuskit document: `status`, or `data.status` inside an envelope. */
export function overallWord(document: unknown): unknown {
  if (document === null || typeof document !== 'object') return undefined;
  const doc = document as Record<string, unknown>;
  if (doc.status !== undefined) return doc.status;
  const data = doc.data as Record<string, unknown> | undefined;
  return data && typeof data === 'object' ? data.status : undefined;
}

/** A 503 status document is an answer (it says what is wrong); a 401 error body is not. */
export function isStatusDocument(value: unknown): boolean {
  return typeof overallWord(value) === 'string';
}
