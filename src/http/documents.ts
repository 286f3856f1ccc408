/**
 * Status documents as HTTP answers: the whole document (JSON or health+json, `?path=`, envelope,
 * per-caller decorations) and one component. Rendered bytes are cached per snapshot version,
 * disclosure tier and query, so a cached document is written without serializing it again.
 */
import type { Disclosure } from '../access/types.js';
import type { HttpCodeMap } from '../model/http-codes.js';
import type { Level } from '../model/levels.js';
import { type Decoration, DocumentTemplate, placeHolders, placeValues } from '../render/decorations.js';
import { type DocumentStyle, renderComponent, renderDocument, type View } from '../render/document.js';
import { type EnvelopeOptions, type ErrorInfo, wrapInEnvelope } from '../render/envelope.js';
import { HEALTH_JSON, type HealthIdentity, renderHealthJson } from '../render/health-json.js';
import { formatPath, getAtPath, parsePath } from '../tree/paths.js';
import { findNode, type Snapshot } from '../tree/snapshot.js';
import type { RequestContext } from './context.js';
import type { StatusQuery } from './query.js';
import { json, jsonBytes } from './responses.js';
import { decodeSegment } from './target.js';
import type { StatusResponse } from './types.js';

export interface DocumentsConfig {
  style: DocumentStyle;
  httpCodes: HttpCodeMap;
  envelope?: EnvelopeOptions;
  identity: HealthIdentity;
  error(info: ErrorInfo): StatusResponse;
}

const RENDER_CACHE_LIMIT = 256;

type Cached = StatusResponse | DocumentTemplate<RequestContext>;

export class Documents {
  private cacheVersion = -1;
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly config: DocumentsConfig,
    private readonly decorations: readonly Decoration<RequestContext>[],
  ) {}

  /** `/status`: the document, from the cache when this snapshot, tier and query were rendered before. */
  document(
    ctx: RequestContext,
    snapshot: Snapshot,
    disclosure: Disclosure,
    query: StatusQuery,
  ): StatusResponse {
    const decorated = this.decorations.length > 0 && query.format !== 'health';
    // A `?path=` may point into a decoration: such answers are rendered per request.
    if (decorated && query.path) return this.render(snapshot, disclosure, query, ctx);
    const key = `${disclosure.key}|${query.format ?? ''}|${ctx.search}`;
    const cached = this.cached(key, snapshot, () =>
      decorated ? this.template(snapshot, disclosure, query) : this.render(snapshot, disclosure, query),
    );
    if (!(cached instanceof DocumentTemplate)) return cached;
    return jsonBytes(this.config.httpCodes[snapshot.level], cached.fill(ctx));
  }

  /** `/status/<component>`: one component, or 404 when it is missing or hidden from this caller. */
  component(rest: string, snapshot: Snapshot, disclosure: Disclosure, query: StatusQuery): StatusResponse {
    const view = viewFor(disclosure, query);
    const segments = componentSegments(rest);
    const node = segments && view.details ? findNode(snapshot.root, segments) : undefined;
    if (!node)
      return this.notFound(`component "${rest.slice(0, 200)}" not found or not visible to this caller`);
    const level: Level = node.level ?? 'ok';
    let body = renderComponent(node, snapshot, this.config.style, view);
    if (query.path) {
      const found = getAtPath(body, query.path);
      if (!found.found)
        return this.notFound(`path "${query.pathText}" not found in component "${formatPath(segments!)}"`);
      body = found.value;
    }
    return json(this.config.httpCodes[level], body, query.pretty);
  }

  private cached(key: string, snapshot: Snapshot, produce: () => Cached | undefined): Cached {
    if (this.cacheVersion !== snapshot.version) {
      this.cache.clear();
      this.cacheVersion = snapshot.version;
    }
    let entry = this.cache.get(key);
    if (!entry) {
      entry = produce()!;
      if (this.cache.size >= RENDER_CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, entry);
    }
    return entry;
  }

  /** The document with placeholders for the decorations, cut into a template. */
  private template(
    snapshot: Snapshot,
    disclosure: Disclosure,
    query: StatusQuery,
  ): DocumentTemplate<RequestContext> | StatusResponse {
    const document = renderDocument(snapshot, this.config.style, viewFor(disclosure, query));
    placeHolders(document, this.decorations);
    const body = this.config.envelope
      ? wrapInEnvelope(document, snapshot.level, this.config.envelope)
      : document;
    const text = query.pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
    return (
      DocumentTemplate.of(text, this.decorations, query.pretty) ??
      // A value imitating a placeholder: never cached, rendered for each request instead.
      this.render(snapshot, disclosure, query)
    );
  }

  private render(
    snapshot: Snapshot,
    disclosure: Disclosure,
    query: StatusQuery,
    ctx?: RequestContext,
  ): StatusResponse {
    const view = viewFor(disclosure, query);
    const status = this.config.httpCodes[snapshot.level];
    if (query.format === 'health') {
      return json(status, renderHealthJson(snapshot, this.config.identity, view), query.pretty, HEALTH_JSON);
    }
    let document = renderDocument(snapshot, this.config.style, view);
    if (ctx) placeValues(document, this.decorations, ctx);
    if (query.path) {
      const found = getAtPath(document, query.path);
      if (!found.found) return this.notFound(`path "${query.pathText}" not found in the document`);
      return json(status, found.value, query.pretty);
    }
    if (this.config.envelope) document = wrapInEnvelope(document, snapshot.level, this.config.envelope);
    return json(status, document, query.pretty);
  }

  private notFound(message: string): StatusResponse {
    return this.config.error({ status: 404, code: 'not_found', message });
  }
}

/** The caller's tier caps what they see; `?details=false` can only hide more. */
export function viewFor(disclosure: Disclosure, query: StatusQuery): View {
  const details = disclosure.details && query.details !== false;
  return { details, messages: details && disclosure.messages };
}

/** `/status/applications/dialog` or `/status/applications.dialog`. */
function componentSegments(rest: string): string[] | undefined {
  const decoded = decodeSegment(rest);
  if (decoded === undefined) return undefined;
  try {
    const segments = decoded.includes('/') ? decoded.split('/') : parsePath(decoded).map(String);
    return segments.every((s) => s !== '') ? segments : undefined;
  } catch {
    return undefined;
  }
}
