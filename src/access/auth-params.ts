/** Longest Authorization header we parse; real Digest headers are a few hundred bytes. */
const MAX_HEADER_LENGTH = 8192;

/** One `name = token | "quoted string"` followed by a comma or the end, anchored where the last one stopped. */
const PARAM =
  /[\s,]*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"|([!#$%&'*+\-.^_`|~0-9A-Za-z/]+))[ \t]*(?:,|$)/y;

/**
 * Parses an RFC 7235 auth-param list (`a=token, b="quoted \"string\""`) into lower-case names and
 * unescaped values. Returns undefined for anything malformed or repeated rather than guessing.
 */
export function parseAuthParams(text: string): Map<string, string> | undefined {
  if (text.length > MAX_HEADER_LENGTH) return undefined;
  const params = new Map<string, string>();
  PARAM.lastIndex = 0;
  while (PARAM.lastIndex < text.length) {
    const start = PARAM.lastIndex;
    const match = PARAM.exec(text);
    if (!match) return text.slice(start).trim() === '' ? params : undefined;
    const name = match[1].toLowerCase();
    if (params.has(name)) return undefined;
    const quoted = match[2];
    params.set(
      name,
      quoted === undefined ? match[3] : quoted.includes('\\') ? quoted.replace(/\\(.)/g, '$1') : quoted,
    );
  }
  return params;
}

/** Quotes a value for a challenge header. */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
