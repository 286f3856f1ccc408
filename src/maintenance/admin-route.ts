/**
 * The admin endpoint as a plug-in route: `GET <status>/maintenance` lists windows, `POST` starts
 * one (JSON body or query fields), `DELETE [/<id>]` ends one or all. Admin tiers only; it runs
 * behind every middleware (rate limits count it like the status routes).
 */
import type { StatusHost } from '../host.js';
import { BodyError } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import type { Route } from '../http/handler.js';
import { json } from '../http/responses.js';
import { decodeSegment } from '../http/target.js';
import type { StatusResponse } from '../http/types.js';
import { type AdminOptions, type AdminTarget, authorizeAdmin, windowInputOf } from './admin.js';
import { ConflictError } from './calendar.js';
import { CronError } from './cron.js';
import { WindowError } from './window.js';

export function adminRoute(
  target: AdminTarget,
  host: Pick<StatusHost, 'access' | 'error'>,
  basePath: string,
  options: AdminOptions,
): Route {
  const error = (status: number, code: string, message: string) => host.error({ status, code, message });

  const act = async (context: RequestContext, method: string, id: string | undefined) => {
    if (method === 'GET') return json(200, target.list(), false);
    if (method === 'POST') {
      if (id) return error(404, 'not_found', 'POST to the maintenance endpoint itself');
      const input = windowInputOf(context, await context.readBody?.());
      return json(201, target.start(input), false);
    }
    const which = id ?? context.params.get('id') ?? undefined;
    const ended = target.end(which);
    if (which !== undefined && ended.length === 0)
      return error(
        404,
        'not_found',
        `no maintenance window "${which.slice(0, 200)}" in progress or announced`,
      );
    return json(200, { ended }, false);
  };

  return async (context): Promise<StatusResponse | undefined> => {
    const { pathname } = context;
    if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return undefined;
    const method = context.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
      const response = error(405, 'method_not_allowed', `method ${method.slice(0, 20)} is not allowed here`);
      response.headers.allow = 'GET, POST, DELETE';
      return response;
    }
    // The request's own decision: one authentication per request, whoever asked first.
    const access = host.access && { authorize: () => context.authorize() };
    const refused = await authorizeAdmin(context, access, options);
    if (refused) return 'code' in refused ? error(refused.status, refused.code, refused.message) : refused;
    const rest = pathname.slice(basePath.length + 1);
    const id = rest === '' ? undefined : decodeSegment(rest);
    if (id === undefined && rest !== '')
      return error(400, 'bad_request', 'the window id is not valid percent-encoding');
    try {
      return await act(context, method, id);
    } catch (caught) {
      if (caught instanceof ConflictError) return error(409, 'conflict', caught.message);
      if (caught instanceof BodyError) return error(caught.status, 'bad_request', caught.message);
      if (caught instanceof WindowError || caught instanceof CronError || caught instanceof RangeError)
        return error(400, 'bad_request', caught.message);
      throw caught;
    }
  };
}
