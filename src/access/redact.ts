export interface RedactOptions {
  /** Literal secret values (passwords, keys) to mask wherever they appear; values under 4 characters are ignored. */
  secrets?: readonly string[];
}

export const MASK = '***';

/** Names whose values are secrets; also as the last part of a longer name (`DB_PASSWORD`, `x-api-key`). */
const SENSITIVE_NAME =
  'password|passwd|pwd|pass|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|' +
  'session[_-]?id|sessionid|signature|sig|x-key';

/** Field names whose (string) values are masked by `redactValue` and in check results. */
const SENSITIVE_FIELD = new RegExp(
  `(?:^|[_-])(?:${SENSITIVE_NAME}|credentials?|authorization|cookie|set-cookie)$`,
  'i',
);
/** camelCase field names: `dbPassword`, `clientSecret`, `accessToken`, `stripeApiKey`. */
const SENSITIVE_CAMEL_FIELD =
  /[a-z0-9](?:Password|Passwd|Secret|Token|ApiKey|AccessKey|PrivateKey|Credentials?)$/;

function isSensitiveField(name: string): boolean {
  return SENSITIVE_FIELD.test(name) || SENSITIVE_CAMEL_FIELD.test(name);
}

type Replacement = string | ((match: string, ...groups: string[]) => string);

/** Masks a `name=value` pair's value; a quoted value is masked whole and keeps its quotes. */
const maskAssignedValue = (_match: string, label: string, doubleQuoted?: string, singleQuoted?: string) => {
  if (doubleQuoted !== undefined) return `${label}"${MASK}"`;
  if (singleQuoted !== undefined) return `${label}'${MASK}'`;
  return `${label}${MASK}`;
};

/**
 * Rules applied in order. Each keeps the label and masks only the secret, so a redacted message
 * still says what went wrong (`connect postgres://app:***@db:5432 failed`). No rule has nested
 * repetition: check output is caller-controlled text, and redaction must stay linear in it.
 */
const RULES: ReadonlyArray<readonly [RegExp, Replacement]> = [
  // -----BEGIN … PRIVATE KEY----- … -----END … PRIVATE KEY----- (or to the end of a cut-off text)
  [/-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]{0,40}PRIVATE KEY-----|$)/g, MASK],
  // scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/?#@]*):([^\s/?#@]+)@/gi, `$1$2:${MASK}@`],
  // "authorization": "…" in JSON: the whole quoted value
  [/("(?:proxy-)?authorization"\s*:\s*")[^"]*/gi, `$1${MASK}`],
  // Authorization: <scheme> <credentials…> as a header line: to the end of the line
  [/\b((?:proxy-)?authorization\s*[:=]\s*)([a-z]+\s+)?[^\r\n]+/gi, `$1$2${MASK}`],
  // Cookie: / Set-Cookie: header lines: to the end of the line
  [/\b((?:set-)?cookie\s*:\s*)[^\r\n]+/gi, `$1${MASK}`],
  // bare "Bearer <token>"
  [/\b(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1${MASK}`],
  // a bare JWT: header.payload.signature, the JSON parts base64url of "{"
  [/\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, MASK],
  // password=…, "token": "…", DB_PASSWORD=…, api_key: '…'
  [
    new RegExp(
      `((?:\\b|(?<=_))(?:${SENSITIVE_NAME})["']?\\s*[:=]\\s*)(?:"([^"]*)"|'([^']*)'|[^"'&\\s;,}]+)`,
      'gi',
    ),
    maskAssignedValue,
  ],
];

/** Builds a redactor once (secrets compiled into one pattern); the check runner calls it per message. */
export function createRedactor(options: RedactOptions = {}): (text: string) => string {
  const secrets = secretPattern(options.secrets ?? []);
  return (text) => {
    if (typeof text !== 'string' || text === '') return text;
    let result = secrets ? text.replace(secrets, MASK) : text;
    for (const [pattern, replacement] of RULES) result = result.replace(pattern, replacement as string);
    return result;
  };
}

/** Masks credentials in URLs, `password=`-style pairs, bearer tokens, Authorization values and the given secrets. */
export function redact(text: string, options?: RedactOptions): string {
  return createRedactor(options)(text);
}

/**
 * Redacts every string in a JSON-like value and masks string values under secret-looking names
 * (`password`, `db_password`, `apiKey`, `authorization`, …). Returns a copy; cycles and deep
 * nesting are cut.
 */
export function redactValue(value: unknown, options?: RedactOptions): unknown {
  return redactDeep(value, createRedactor(options));
}

const CUT = '[…]';
const MAX_DEPTH = 32;

/**
 * `redactValue` with a given redactor (the check runner's). Copy on write: what needs no change is
 * returned as it is (the same object), so a clean result costs no allocation. Objects are seen as
 * JSON shows them: through `toJSON` (a Date stays a Date unless its text changes), own enumerable
 * properties only.
 */
export function redactDeep(value: unknown, clean: (text: string) => string): unknown {
  const ancestors = new Set<object>();
  const walk = (item: unknown, depth: number): unknown => {
    if (typeof item === 'string') return clean(item);
    if (item === null || typeof item !== 'object') return item;
    if (ancestors.has(item) || depth > MAX_DEPTH) return CUT;
    const toJSON = (item as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const shown = toJSON.call(item);
      if (shown === item) return item;
      const cleaned = walk(shown, depth);
      return Object.is(cleaned, shown) ? item : cleaned;
    }
    ancestors.add(item);
    try {
      return Array.isArray(item) ? walkArray(item, depth, walk) : walkObject(item, depth, walk);
    } finally {
      ancestors.delete(item);
    }
  };
  return walk(value, 0);
}

type Walk = (item: unknown, depth: number) => unknown;

function walkArray(items: readonly unknown[], depth: number, walk: Walk): unknown[] {
  let copy: unknown[] | undefined;
  items.forEach((item, index) => {
    const cleaned = walk(item, depth + 1);
    if (!copy && !Object.is(cleaned, item)) copy = items.slice(0, index);
    copy?.push(cleaned);
  });
  return copy ?? (items as unknown[]);
}

function walkObject(item: object, depth: number, walk: Walk): object {
  const entries = Object.entries(item);
  // Entries, not assignments, so a `__proto__` key stays a plain key in the copy.
  let copy: Array<[string, unknown]> | undefined;
  entries.forEach(([name, field], index) => {
    const cleaned =
      typeof field === 'string' && field !== '' && isSensitiveField(name) ? MASK : walk(field, depth + 1);
    if (!copy && !Object.is(cleaned, field)) copy = entries.slice(0, index);
    copy?.push([name, cleaned]);
  });
  return copy ? Object.fromEntries(copy) : item;
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
