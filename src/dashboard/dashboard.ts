import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AccessControl } from '../access/types.js';
import type { StatusHost } from '../host.js';
import type { RequestContext } from '../http/context.js';
import type { Route } from '../http/handler.js';
import { decodeSegment } from '../http/target.js';
import { headerValue, type StatusRequest, type StatusResponse } from '../http/types.js';
import { type Asset, type BundleSize, bundleSizeOf, loadAssets, makeAsset, versionOf } from './assets.js';
import { type PageConfig, renderPage } from './page.js';

export interface DashboardOptions {
  /** Where the page is served (`/`, `/status/ui`). Default `/`. */
  prefix?: string;
  /** The WebSocket feed's path; `false` to use SSE only. Default `/api/health/ws`. */
  feedPath?: string | false;
  /** The SSE stream's path, used when the WebSocket cannot connect; `false` for none. Default `/status/stream`. */
  ssePath?: string | false;
  /**
   * The page's title and heading. Default: the service's identity in the document (`name`,
   * `serviceId`, `service`, `hostName`, or the host facts' `hostname`), else this host's name.
   */
  title?: string;
  /**
   * The history charts drawn, in order (chart names of the live feed's history). Default: `cpu`,
   * `memory`, `network`, `eventLoop`, `pressure`, `requests`, `errors`; charts without data stay hidden.
   */
  charts?: readonly string[];
  /**
   * Guards the page itself. Only refusals that carry a Basic or Digest challenge (or a 429) are
   * passed on, so the browser shows its own login prompt; otherwise the page loads (it holds no
   * data) and asks for an API key or token when the feed wants one.
   */
  access?: AccessControl;
  /**
   * The status whose documents the feed sends: its vocabulary (word -> level, for colours) and
   * layout keys go into the page's config. Without it the page knows statuskit's built-in words.
   */
  status?: Pick<StatusHost, 'vocabulary' | 'style'>;
  /**
   * Which transport the page tries first. `auto` (default): the WebSocket, except for viewers the
   * page's `access` let in by Basic or Digest — the browser resends those credentials on HTTP
   * requests (SSE) by itself, while the WebSocket feed authenticates in-band with `auth`.
   */
  transport?: 'auto' | 'websocket' | 'sse';
  /** Directory holding `index.html` and the assets. Default: the package's `web/`. */
  webRoot?: string;
}

/** A route for `status.addRoute()`, with what it serves. */
export interface DashboardRoute extends Route {
  /** Path of the page (`/status/ui`, or `/` at the root). */
  readonly pagePath: string;
  /** Path prefix of the versioned, immutable assets. */
  readonly assetBase: string;
  /** What a first visit downloads: the page and every asset. */
  readonly bundleSize: BundleSize;
}

const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));
const ASSET_DIR = '_dashboard';
const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};
const ASSET_HEADERS = {
  'cache-control': 'public, max-age=31536000, immutable',
  'x-content-type-options': 'nosniff',
};

/**
 * The live status page: one HTML document with its configuration baked in and a fixed set of
 * assets, all read, gzipped and hashed once here. Assets live under a versioned path, so browsers
 * may keep them forever; the page itself is revalidated with its ETag.
 */
export function createDashboard(options: DashboardOptions = {}): DashboardRoute {
  const prefix = normalizePrefix(options.prefix ?? '/');
  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  const assets = loadAssets(webRoot, new Set(['index.html']));
  const version = versionOf(assets.values());
  const assetBase = `${prefix}/${ASSET_DIR}/${version}/`;
  const transport = options.transport ?? 'auto';
  if (!['auto', 'websocket', 'sse'].includes(transport))
    throw new TypeError(`dashboard transport must be auto, websocket or sse, got ${String(transport)}`);
  const config: PageConfig = {
    prefix,
    transport: transport === 'sse' ? 'sse' : 'websocket',
    assets: assetBase,
    feedPath: pathOption(options.feedPath, '/api/health/ws', 'feedPath'),
    ssePath: pathOption(options.ssePath, '/status/stream', 'ssePath'),
    title: options.title ?? hostname(),
    titleFromDocument: options.title === undefined,
    ...chartsOf(options.charts),
    ...styleOf(options.status),
  };
  const template = readFileSync(`${webRoot}/index.html`, 'utf8');
  const pageFor = (variant: PageConfig) =>
    makeAsset('index.html', Buffer.from(renderPage(template, variant)), 'text/html; charset=utf-8');
  const page = pageFor(config);
  const ssePage = config.ssePath && transport === 'auto' ? pageFor({ ...config, transport: 'sse' }) : page;
  const pagePath = prefix || '/';
  const pagePaths = new Set([pagePath, `${prefix}/`, `${prefix}/index.html`]);
  const assetRoot = `${prefix}/${ASSET_DIR}/`;

  const route = (request: RequestContext): StatusResponse | Promise<StatusResponse> | undefined => {
    const pathname = request.pathname;
    if (pagePaths.has(pathname)) {
      return pageVerdict(options.access, request).then(
        (verdict) => verdict.refusal ?? serve(request, verdict.headerAuth ? ssePage : page, PAGE_HEADERS),
      );
    }
    if (!pathname.startsWith(assetRoot)) return undefined;
    const rest = pathname.slice(assetRoot.length);
    const slash = rest.indexOf('/');
    const asset = slash > 0 ? assets.get(decodeSegment(rest.slice(slash + 1)) ?? '') : undefined;
    if (!asset) return notFound();
    // An old page may ask for a previous version: serve today's bytes, but let them be revalidated.
    const headers = rest.slice(0, slash) === version ? ASSET_HEADERS : PAGE_HEADERS_FOR_ASSETS;
    return serve(request, asset, headers);
  };
  return Object.assign(route, {
    pagePath,
    assetBase,
    bundleSize: bundleSizeOf([page, ...assets.values()]),
  });
}

const PAGE_HEADERS_FOR_ASSETS = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };

function serve(request: StatusRequest, asset: Asset, extra: Record<string, string>): StatusResponse {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    return {
      status: 405,
      headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' },
      body: 'Method Not Allowed\n',
    };
  }
  const headers: Record<string, string> = {
    ...extra,
    'content-type': asset.contentType,
    etag: asset.etag,
    vary: 'accept-encoding',
  };
  if (etagMatches(headerValue(request.headers, 'if-none-match'), asset.etag)) {
    return { status: 304, headers, body: '' };
  }
  const gzip = acceptsGzip(headerValue(request.headers, 'accept-encoding'));
  const body = gzip ? asset.gzip : asset.body;
  if (gzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = String(body.length);
  return { status: 200, headers, body: method === 'HEAD' ? '' : body };
}

interface PageVerdict {
  /** A refusal the browser answers itself (its login prompt), passed on as is. */
  refusal?: StatusResponse;
  /** The viewer came in by Basic or Digest, which the browser resends on HTTP requests only. */
  headerAuth?: boolean;
}

/** Passes on the refusals a browser knows how to answer itself; everything else loads the page. */
async function pageVerdict(access: AccessControl | undefined, request: StatusRequest): Promise<PageVerdict> {
  if (!access) return {};
  const decision = await access.authorize(request);
  if (decision.allowed) {
    const scheme = decision.principal?.scheme;
    return { headerAuth: scheme === 'basic' || scheme === 'digest' };
  }
  const { response } = decision;
  const header = response.headers['www-authenticate'] ?? '';
  const challenge = Array.isArray(header) ? header.join(', ') : header;
  return response.status === 429 || /\b(basic|digest)\b/i.test(challenge) ? { refusal: response } : {};
}

function notFound(): StatusResponse {
  return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not Found\n' };
}

export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** `gzip` listed with a non-zero quality (or `*`); RFC 9110 section 12.5.3. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  for (const part of acceptEncoding.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

export function normalizePrefix(prefix: string): string {
  if (typeof prefix !== 'string' || !prefix.startsWith('/')) {
    throw new TypeError(`dashboard prefix must start with "/", got ${JSON.stringify(prefix)}`);
  }
  if (/[?#\s]|\/\.\.?(\/|$)/.test(prefix)) {
    throw new TypeError(`dashboard prefix must be a plain path, got ${JSON.stringify(prefix)}`);
  }
  return prefix.replace(/\/+$/, '');
}

/** What the page needs to read the documents of `status`: its words and where it puts them. */
function styleOf(status: DashboardOptions['status']): Partial<PageConfig> {
  if (!status) return {};
  const { layout } = status.style;
  const { overall, component } = status.vocabulary;
  return {
    vocabulary: { overall, component },
    statusKey: layout.statusKey,
    messageKey: layout.messageKey,
    overallStatusKey: layout.overallStatusKey,
    components: layout.components,
  };
}

function chartsOf(charts: DashboardOptions['charts']): Partial<PageConfig> {
  if (charts === undefined) return {};
  if (!Array.isArray(charts) || !charts.every((name) => typeof name === 'string' && name !== ''))
    throw new TypeError('dashboard charts must be a list of chart names');
  return { charts: [...charts] };
}

function pathOption(value: string | false | undefined, fallback: string, name: string): string | false {
  if (value === false) return false;
  const path = value ?? fallback;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(`dashboard ${name} must be a path starting with "/" or false`);
  }
  return path;
}
