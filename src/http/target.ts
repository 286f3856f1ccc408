/**
 * The one parser of request targets (RFC 9112 section 3.2). Every door — the status routes,
 * middleware, plug-in routes, the live feed — reads the path and query from here, so an unusual
 * target can neither crash a splitter nor slip past a guard that splits differently.
 *
 * - origin-form `/status?pretty=true`: kept as sent (no decoding, no allocation for the path);
 * - absolute-form `http://host/status?x`: legal HTTP/1.1, reduced to its path and query;
 * - asterisk-form `*` (`OPTIONS *`): a path that matches no route;
 * - anything else (authority-form, a malformed absolute URL, a bad IPv6 literal or percent-encoding
 *   in the host): refused with a reason, which the endpoint answers as 400.
 */
export type RequestTarget =
  | { ok: true; pathname: string; search: string; url: string }
  | { ok: false; reason: string };

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;
const SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

export function parseRequestTarget(url: string): RequestTarget {
  if (url.charCodeAt(0) === 47 /* '/' */) return originForm(url);
  if (url === '*') return { ok: true, pathname: '*', search: '', url };
  if (ABSOLUTE.test(url)) return absoluteForm(url);
  return { ok: false, reason: 'the request target must be a path ("/status") or an absolute URL' };
}

function originForm(url: string): RequestTarget {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  // A fragment is never part of a request target; cut it rather than route on it.
  const hash = rawPath.indexOf('#');
  const path = hash === -1 ? rawPath : rawPath.slice(0, hash);
  const search = q === -1 ? '' : url.slice(q + 1);
  return { ok: true, pathname: canonicalPath(path), search, url };
}

function absoluteForm(url: string): RequestTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'the request target is not a valid absolute URL' };
  }
  if (!SCHEMES.has(parsed.protocol))
    return { ok: false, reason: `the request target's scheme "${parsed.protocol.slice(0, 20)}" is not http` };
  const search = parsed.search === '' ? '' : parsed.search.slice(1);
  const origin = `${parsed.pathname}${parsed.search}`;
  return { ok: true, pathname: canonicalPath(parsed.pathname), search, url: origin };
}

/** `/status/` routes as `/status`; the root stays `/`. */
function canonicalPath(path: string): string {
  if (path === '') return '/';
  return path.length > 1 && path.charCodeAt(path.length - 1) === 47 ? path.slice(0, -1) : path;
}

/** Decodes a percent-encoded path segment; undefined when the encoding is malformed (`%E0%A4%A`). */
export function decodeSegment(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
