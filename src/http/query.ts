import { type PathSegment, PathSyntaxError, parsePath } from '../tree/paths.js';

/** Limits that keep absurd input cheap to refuse. */
export const MAX_URL_LENGTH = 8192;
export const MAX_QUERY_PARAMS = 100;

/** The query parameters statuskit understands; all others are ignored. */
export interface StatusQuery {
  pretty: boolean;
  /** undefined when the caller did not ask: the tier's default applies. */
  details: boolean | undefined;
  path: PathSegment[] | undefined;
  /** Raw path text, for error messages. */
  pathText: string | undefined;
  format: 'json' | 'health' | undefined;
  /** `?group=payments`: the document of one health group. */
  group: string | undefined;
}

export class QueryError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseQuery(search: string): StatusQuery {
  const params = new URLSearchParams(search);
  let count = 0;
  for (const _ of params.keys()) {
    if (++count > MAX_QUERY_PARAMS)
      throw new QueryError(400, `too many query parameters (limit ${MAX_QUERY_PARAMS})`);
  }
  const pathText = params.get('path') ?? undefined;
  return {
    pretty: parseFlag(params, 'pretty') ?? false,
    details: parseFlag(params, 'details'),
    path: pathText === undefined ? undefined : parsePathParam(pathText),
    pathText,
    format: parseFormat(params.get('format')),
    group: parseGroup(params.get('group')),
  };
}

function parseFlag(params: URLSearchParams, name: string): boolean | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const value = raw.toLowerCase();
  if (value === '' || value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  throw new QueryError(400, `query parameter "${name}" must be true or false, got "${raw.slice(0, 40)}"`);
}

function parsePathParam(text: string): PathSegment[] {
  try {
    return parsePath(text);
  } catch (error) {
    if (error instanceof PathSyntaxError) {
      throw new QueryError(text.length > 1024 ? 414 : 400, `invalid path: ${error.message}`);
    }
    throw error;
  }
}

function parseFormat(raw: string | null): StatusQuery['format'] {
  if (raw === null) return undefined;
  if (raw === 'json' || raw === 'health') return raw;
  throw new QueryError(400, `query parameter "format" must be json or health, got "${raw.slice(0, 40)}"`);
}

function parseGroup(raw: string | null): string | undefined {
  if (raw === null) return undefined;
  if (raw === '') throw new QueryError(400, 'query parameter "group" must name a health group');
  return raw;
}
