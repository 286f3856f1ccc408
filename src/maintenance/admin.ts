import type { AccessControl } from '../access/types.js';
import { BodyError } from '../http/body.js';
import { paramsOf } from '../http/context.js';
import type { StatusRequest, StatusResponse } from '../http/types.js';
import type { ErrorInfo } from '../render/envelope.js';
import { readDuration } from '../util/duration.js';
import { WindowError, type WindowInput } from './window.js';

export interface AdminOptions {
  /** Path of the admin endpoint. Default `<status path>/maintenance`; `false` turns it off. */
  path?: string | false;
  /** Tiers allowed to start and end windows. Default `['admin']`. */
  tiers?: readonly string[];
  /**
   * Without an access control the endpoint refuses everyone (403). `true` opens it to anyone who
   * can reach it — only for a port bound to localhost or a trusted network.
   */
  allowWithoutAccess?: boolean;
}

/** What the admin endpoint acts on. */
export interface AdminTarget {
  start(input: WindowInput): Record<string, unknown>;
  /** Ends one window (by id) or every window in progress; returns the ids ended. */
  end(id?: string): string[];
  list(): Record<string, unknown>;
}

export type AdminRefusal = ErrorInfo;

/** Admin only: the caller must be authenticated with one of the admin tiers. */
export async function authorizeAdmin(
  request: StatusRequest,
  access: AccessControl | undefined,
  options: AdminOptions,
): Promise<StatusResponse | AdminRefusal | undefined> {
  if (!access) {
    if (options.allowWithoutAccess) return undefined;
    return { status: 403, code: 'forbidden', message: 'the maintenance endpoint needs an access control' };
  }
  const decision = await access.authorize(request);
  if (!decision.allowed) return decision.response;
  if (!decision.principal) return { status: 401, code: 'unauthorized', message: 'Authentication required' };
  const tiers = options.tiers ?? ['admin'];
  if (!tiers.includes(decision.principal.tier))
    return { status: 403, code: 'forbidden', message: 'only administrators may change maintenance windows' };
  return undefined;
}

/** The fields of a window as the admin endpoint takes them. */
export const WINDOW_FIELDS: readonly string[] = [
  'id',
  'message',
  'start',
  'end',
  'estimated_completion',
  'estimatedCompletion',
  'components',
  'announce',
];
const FIELDS = new Set(WINDOW_FIELDS);
const TIME_FIELDS = ['start', 'end', 'estimated_completion', 'estimatedCompletion'];

/**
 * The window described by a request: a JSON body (`{ message, estimated_completion | end, start?,
 * components?, id?, announce? }`) when the transport supplied one as `request.body`, else the same
 * fields as query parameters (`components` comma-separated, times also as epoch milliseconds).
 * Values pass on as written: `resolveWindow` checks their types and ranges. A body field this
 * endpoint does not know is refused (a typo would otherwise be dropped silently); query parameters
 * are not, since they may carry an API key.
 */
export function windowInputOf(request: StatusRequest, body?: unknown): WindowInput {
  const fields = hasContent(body) ? bodyFields(body) : queryFields(request);
  const components = fields.components;
  return {
    id: fields.id as string | undefined,
    message: fields.message as string | undefined,
    start: fields.start as string | undefined,
    end: fields.end as string | undefined,
    estimatedCompletion: (fields.estimated_completion ?? fields.estimatedCompletion) as string | undefined,
    components:
      typeof components === 'string' && components !== 'all'
        ? components.split(',').map((c) => c.trim())
        : (components as WindowInput['components']),
    announce: announceOf(fields.announce),
  };
}

/** Over HTTP a duration is text with a unit, as on the command line: `3600` is refused, not 3.6 s. */
function announceOf(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  const read = readDuration(value, false);
  const reason =
    typeof read === 'object' && 'sentence' in read ? read.sentence : 'expected a duration like "1h"';
  throw new WindowError(`\`announce\`: ${reason}`);
}

function bodyFields(body: unknown): Record<string, unknown> {
  const fields = parseBody(body);
  const unknown = Object.keys(fields).filter((name) => !FIELDS.has(name));
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((name) => JSON.stringify(name.slice(0, 40)));
    throw new WindowError(
      `unknown field${unknown.length === 1 ? '' : 's'} ${names.join(', ')}; known: ${WINDOW_FIELDS.join(', ')}`,
    );
  }
  return fields;
}

function hasContent(body: unknown): boolean {
  if (body === undefined || body === null) return false;
  if (typeof body === 'string') return body.trim() !== '';
  if (body instanceof Uint8Array) return body.byteLength > 0;
  return true;
}

function parseBody(body: unknown): Record<string, unknown> {
  let value = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
    try {
      value = JSON.parse(text);
    } catch {
      throw new BodyError('the body is not valid JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BodyError('the body must be a JSON object');
  return value as Record<string, unknown>;
}

function queryFields(request: StatusRequest): Record<string, unknown> {
  const params = paramsOf(request);
  const out: Record<string, unknown> = {};
  for (const [name, value] of params) {
    out[name] = TIME_FIELDS.includes(name) && /^\d{1,16}$/.test(value) ? Number(value) : value;
  }
  return out;
}
