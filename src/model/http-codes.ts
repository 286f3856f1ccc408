import type { Level } from './levels.js';

/** Level -> HTTP status code. Plain data; override any entry. */
export type HttpCodeMap = Readonly<Record<Level, number>>;

export const defaultHttpCodes: HttpCodeMap = Object.freeze({
  ok: 200,
  warning: 200,
  unknown: 200,
  critical: 503,
  maintenance: 503,
});

export function resolveHttpCodes(overrides?: Partial<Record<Level, number>>): HttpCodeMap {
  const map = { ...defaultHttpCodes, ...overrides };
  for (const [level, code] of Object.entries(map)) {
    if (!Number.isInteger(code) || code < 100 || code > 599) {
      throw new Error(`httpCodes.${level}: expected an HTTP status code (100-599), got ${String(code)}`);
    }
  }
  return Object.freeze(map);
}
