/**
 * The page's HTTP routes, under its path (default `/status-page`):
 *
 * - `GET {path}` the page (`?days=30|60|90`), `{path}/page.css`, `{path}/page.js`
 * - `GET {path}/api/status.json` the page's data; `GET {path}/api/incidents[/ID]`
 * - `POST {path}/api/incidents`, `{path}/api/incidents/ID/updates`, `{path}/api/incidents/ID/resolve` (admin key)
 * - `GET {path}/badge/TARGET/status.svg|uptime.svg?days=N|response.svg`
 * - `GET {path}/feed.rss`, `{path}/feed.atom`
 *
 * Errors are JSON `{ error, message }` with their status; nothing a caller sends throws.
 */
import { BodyError } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import type { Route } from '../http/handler.js';
import { json, withoutBody } from '../http/responses.js';
import type { StatusResponse } from '../http/types.js';
import { headerValue } from '../http/types.js';
import { adminGate, newIncidentBody, problemsOf, resolveBody, updateBody } from './admin.js';
import { PAGE_CSS, PAGE_JS } from './assets.js';
import { levelColour, renderBadge, uptimeColour } from './badge.js';
import { BAR_DAYS, type BarDays } from './config.js';
import { formatPercent } from './format.js';
import { LEVEL_TEXT, type PageData, type PageTarget, uptimeOf } from './model.js';
import type { PageOptions } from './options.js';
import type { Rendered, StatusPage } from './page.js';
import type { Incident, StatusPageSource } from './source.js';

const encoder = new TextEncoder();
/** Badges and feeds may be cached by READMEs' image proxies and feed readers for a minute. */
const SHARED_CACHE = 'public, max-age=60';

export function statusPageRoute(
  page: StatusPage,
  source: StatusPageSource,
  now: () => number = Date.now,
): Route {
  const { path } = page.options;
  const gate = adminGate(page.options.adminKeys);
  return async (context) => {
    const { pathname } = context;
    if (pathname !== path && !pathname.startsWith(`${path}/`)) return undefined;
    const rest = pathname.slice(path.length);
    const method = context.method.toUpperCase();
    try {
      if (rest.startsWith('/api/incidents') && method === 'POST') {
        return await adminRoute(context, rest, page, source, gate, now);
      }
      if (method !== 'GET' && method !== 'HEAD')
        return refuse(405, 'method_not_allowed', 'this path answers GET', 'GET, HEAD');
      const response = await readRoute(context, rest, page, source);
      return method === 'HEAD' ? withoutBody(response) : response;
    } catch (error) {
      if (error instanceof BodyError) return refuse(error.status, 'bad_request', error.message);
      throw error;
    }
  };
}

async function readRoute(
  context: RequestContext,
  rest: string,
  page: StatusPage,
  source: StatusPageSource,
): Promise<StatusResponse> {
  if (rest === '' || rest === '/') {
    const days = barDays(context.params.get('days'), page.options.days);
    if (days === undefined) return refuse(400, 'bad_request', 'days must be 30, 60 or 90');
    return conditional(context, await page.html(days), 'text/html', 'no-cache');
  }
  if (rest === '/page.css') return asset(PAGE_CSS, 'text/css');
  if (rest === '/page.js') return asset(PAGE_JS, 'text/javascript');
  if (rest === '/api/status.json')
    return conditional(context, await page.json(), 'application/json', 'no-cache');
  if (rest === '/feed.rss')
    return conditional(
      context,
      await page.rss(pageUrl(context, page.options)),
      'application/rss+xml',
      SHARED_CACHE,
    );
  if (rest === '/feed.atom')
    return conditional(
      context,
      await page.atom(pageUrl(context, page.options)),
      'application/atom+xml',
      SHARED_CACHE,
    );
  if (rest === '/api/incidents') {
    const { open, recent } = (await page.data()).incidents;
    return json(200, { open, recent }, false);
  }
  const incident = /^\/api\/incidents\/([^/]+)$/.exec(rest);
  if (incident) {
    const data = await page.data();
    const id = incidentId(incident[1]!);
    const found = [...data.incidents.open, ...data.incidents.recent].find((item) => item.id === id);
    if (id === undefined || !found || !(await source.incident(id)))
      return refuse(404, 'not_found', 'no such incident on the page');
    return json(200, found, false);
  }
  const badge = /^\/badge\/([^/]+)\/(status|uptime|response)\.svg$/.exec(rest);
  if (badge) return badgeRoute(context, await page.data(), decodeSegment(badge[1]!), badge[2]!);
  return refuse(404, 'not_found', `nothing at ${page.options.path}${rest}`);
}

function badgeRoute(context: RequestContext, data: PageData, id: string, kind: string): StatusResponse {
  const target = findTarget(data, id);
  if (!target) return refuse(404, 'not_found', 'no such target on the page');
  let svg: string;
  if (kind === 'status') svg = renderBadge(target.name, LEVEL_TEXT[target.level], levelColour(target.level));
  else if (kind === 'uptime') {
    const raw = context.params.get('days') ?? '30';
    const days = /^\d{1,2}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(days >= 1 && days <= 90))
      return refuse(400, 'bad_request', 'days must be a whole number from 1 to 90');
    const ratio = uptimeOf(target.days.slice(-days));
    svg = renderBadge(`${target.name} uptime ${days}d`, formatPercent(ratio), uptimeColour(ratio));
  } else {
    const mean = target.responseTime.meanMs;
    svg = renderBadge(
      `${target.name} response`,
      mean === undefined ? 'no data' : `${mean} ms`,
      mean === undefined ? 'neutral' : 'good',
    );
  }
  const body = encoder.encode(svg);
  return {
    status: 200,
    headers: {
      'content-type': 'image/svg+xml; charset=utf-8',
      'cache-control': SHARED_CACHE,
      'content-length': String(body.byteLength),
    },
    body,
  };
}

async function adminRoute(
  context: RequestContext,
  rest: string,
  page: StatusPage,
  source: StatusPageSource,
  gate: ReturnType<typeof adminGate>,
  now: () => number,
): Promise<StatusResponse> {
  const verdict = await gate.check(context);
  if (!verdict.ok) {
    const code = { 401: 'unauthorized', 403: 'forbidden', 429: 'too_many_requests' }[verdict.status];
    const response = refuse(verdict.status, code, verdict.message);
    if (verdict.status === 401) response.headers['www-authenticate'] = 'Bearer realm="statuskit status page"';
    if (verdict.retryAfterMs)
      response.headers['retry-after'] = String(Math.ceil(verdict.retryAfterMs / 1000));
    return response;
  }
  const body = await readJson(context);
  if (body === INVALID) return refuse(400, 'bad_request', 'the body must be a JSON object');
  if (rest === '/api/incidents') {
    const parsed = newIncidentBody.safeParse(body);
    if (!parsed.success) return invalid(problemsOf(parsed.error));
    const shown = new Set(page.shown());
    const unknown = (parsed.data.targets ?? []).filter((target) => !shown.has(target));
    if (unknown.length > 0) return invalid(unknown.map((name) => `targets: no target "${name}" on the page`));
    const incident = await source.openIncident({
      title: parsed.data.title,
      message: parsed.data.message,
      targets: parsed.data.targets ?? [],
      impact: parsed.data.impact ?? 'minor',
      status: parsed.data.status ?? 'investigating',
      at: now(),
    });
    return json(201, publicOf(incident), false);
  }
  const match = /^\/api\/incidents\/([^/]+)\/(updates|resolve)$/.exec(rest);
  const id = match ? incidentId(match[1]!) : undefined;
  if (!match)
    return refuse(
      404,
      'not_found',
      'POST to /api/incidents, /api/incidents/ID/updates or /api/incidents/ID/resolve',
    );
  const existing = id === undefined ? undefined : await source.incident(id);
  if (id === undefined || !existing) return refuse(404, 'not_found', 'no such incident');
  if (match[2] === 'updates') {
    const parsed = updateBody.safeParse(body);
    if (!parsed.success) return invalid(problemsOf(parsed.error));
    const incident = await source.addUpdate(id, { ...parsed.data, at: now() });
    return json(200, publicOf(incident!), false);
  }
  const parsed = resolveBody.safeParse(body ?? {});
  if (!parsed.success) return invalid(problemsOf(parsed.error));
  if (existing.status === 'resolved') return refuse(409, 'conflict', 'the incident is already resolved');
  const incident = await source.addUpdate(id, {
    status: 'resolved',
    message: parsed.data.message ?? 'Resolved.',
    at: now(),
  });
  return json(200, publicOf(incident!), false);
}

/** What the admin gets back: the stored incident, times as ISO text. */
function publicOf(incident: Incident) {
  return {
    ...incident,
    openedAt: new Date(incident.openedAt).toISOString(),
    ...(incident.resolvedAt === undefined ? {} : { resolvedAt: new Date(incident.resolvedAt).toISOString() }),
    updates: incident.updates.map((update) => ({ ...update, at: new Date(update.at).toISOString() })),
  };
}

const INVALID = Symbol('invalid');

async function readJson(context: RequestContext): Promise<unknown> {
  const raw = await context.readBody?.();
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'object' && !(raw instanceof Uint8Array)) return raw;
  const text = typeof raw === 'string' ? raw : Buffer.from(raw as Uint8Array).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : INVALID;
  } catch {
    return INVALID;
  }
}

function invalid(problems: string[]): StatusResponse {
  return json(400, { error: 'invalid', message: problems.join('; '), problems }, false);
}

function refuse(status: number, error: string, message: string, allow?: string): StatusResponse {
  const response = json(status, { error, message }, false);
  if (allow) response.headers.allow = allow;
  return response;
}

function conditional(
  context: RequestContext,
  rendered: Rendered,
  type: string,
  cache: string,
): StatusResponse {
  const headers = { 'content-type': `${type}; charset=utf-8`, 'cache-control': cache, etag: rendered.etag };
  if (headerValue(context.headers, 'if-none-match') === rendered.etag)
    return { status: 304, headers, body: '' };
  const body = encoder.encode(rendered.body);
  return { status: 200, headers: { ...headers, 'content-length': String(body.byteLength) }, body };
}

function asset(text: string, type: string): StatusResponse {
  const body = encoder.encode(text);
  return {
    status: 200,
    headers: {
      'content-type': `${type}; charset=utf-8`,
      'cache-control': 'public, max-age=3600',
      'content-length': String(body.byteLength),
    },
    body,
  };
}

function barDays(raw: string | null, fallback: BarDays): BarDays | undefined {
  if (raw === null) return fallback;
  const days = Number(raw);
  return (BAR_DAYS as readonly number[]).includes(days) ? (days as BarDays) : undefined;
}

function incidentId(text: string): number | undefined {
  return /^[1-9]\d{0,12}$/.test(text) ? Number(text) : undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function findTarget(data: PageData, id: string): PageTarget | undefined {
  for (const group of data.groups) for (const target of group.targets) if (target.id === id) return target;
  return undefined;
}

/** The page's absolute address for the feeds: the configured one, else from the Host header. */
function pageUrl(context: RequestContext, options: PageOptions): string {
  if (options.publicUrl) return options.publicUrl;
  const host = headerValue(context.headers, 'host') ?? 'localhost';
  // A Host header is the caller's to write: only a plausible host[:port] is used.
  const safe = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : 'localhost';
  return `http://${safe}${options.path}`;
}
