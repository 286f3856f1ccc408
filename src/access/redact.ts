export interface RedactOptions {
  /** Literal secret values (passwords, keys) to mask wherever they appear; values under 4 characters are ignored. */
  secrets?: readonly string[];
}

export const MASK = '***';

const SENSITIVE_NAME =
  'password|passwd|pwd|pass|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|id[_-]?token|' +
  'api[_-]?key|apikey|x-api-key|x-access-token|x-key|private[_-]?key';

/** Names of fields whose values are secrets, for `redactValue`. */
const SENSITIVE_KEY = new RegExp(`^(?:${SENSITIVE_NAME}|authorization|cookie|set-cookie)$`, 'i');

/**
 * Rules applied in order. Each keeps the label and masks only the secret, so a redacted message
 * still says what went wrong (`connect postgres://app:***@db:5432 failed`).
 */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/?#@]*):([^\s/?#@]+)@/gi, `$1$2:${MASK}@`],
  // "authorization": "…" in JSON: the whole quoted value
  [/("(?:proxy-)?authorization"\s*:\s*")[^"]*/gi, `$1${MASK}`],
  // Authorization: <scheme> <credentials…> as a header line: to the end of the line
  [/\b((?:proxy-)?authorization\s*[:=]\s*)([a-z]+\s+)?[^\r\n]+/gi, `$1$2${MASK}`],
  // bare "Bearer <token>"
  [/\b(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1${MASK}`],
  // password=…, "token": "…", api_key: …
  [new RegExp(`\\b((?:${SENSITIVE_NAME})["']?\\s*[:=]\\s*["']?)([^"'&\\s;,}]+)`, 'gi'), `$1${MASK}`],
];

/** Builds a redactor once (secrets compiled into one pattern); the check runner calls it per message. */
export function createRedactor(options: RedactOptions = {}): (text: string) => string {
  const secrets = secretPattern(options.secrets ?? []);
  return (text) => {
    if (typeof text !== 'string' || text === '') return text;
    let result = secrets ? text.replace(secrets, MASK) : text;
    for (const [pattern, replacement] of RULES) result = result.replace(pattern, replacement);
    return result;
  };
}

/** Masks credentials in URLs, `password=`-style pairs, bearer tokens, Authorization values and the given secrets. */
export function redact(text: string, options?: RedactOptions): string {
  return createRedactor(options)(text);
}

/**
 * Redacts every string in a JSON-like value and masks values under secret-looking keys
 * (`password`, `token`, `authorization`, …). Returns a copy; cycles and deep nesting are cut.
 */
export function redactValue(value: unknown, options?: RedactOptions): unknown {
  const clean = createRedactor(options);
  const seen = new WeakSet<object>();
  const walk = (item: unknown, depth: number): unknown => {
    if (typeof item === 'string') return clean(item);
    if (item === null || typeof item !== 'object') return item;
    if (seen.has(item) || depth > 32) return '[…]';
    seen.add(item);
    if (Array.isArray(item)) return item.map((element) => walk(element, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(item)) {
      copy[key] =
        SENSITIVE_KEY.test(key) && field !== null && typeof field !== 'object'
          ? MASK
          : walk(field, depth + 1);
    }
    return copy;
  };
  return walk(value, 0);
}

function secretPattern(secrets: readonly string[]): RegExp | undefined {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < 4) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
  }
  if (variants.size === 0) return undefined;
  // Longest first, so a secret that contains another is masked whole.
  const alternatives = [...variants].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(alternatives.join('|'), 'g');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
