/**
 * `statuskit watch incident list|add|update|resolve`: the status page's incidents, written either
 * straight into the watch history (`--history FILE` or `--history postgres://…`, or the `--config`
 * file's history; a running page sees them at its next request, a fleet's pages within a poll) or through the page's admin endpoint (`--url PAGE_URL
 * --api-key KEY`). Both paths check a request with the same schemas, so they refuse the same input.
 */
import type { z } from 'zod';
import type { ConfigProblem } from '../config/errors.js';
import { newIncidentBody, problemsOf, resolveBody, updateBody } from '../statuspage/admin.js';
import type { Incident, StatusPageSource } from '../statuspage/source.js';
import { HistoryUnavailableError } from '../watch/sqlite.js';
import { type CommandContext, type OptionSpec, UsageError } from './context.js';

const INCIDENT_OPTIONS: OptionSpec = {
  history: { type: 'string' },
  config: { type: 'string', short: 'c' },
  url: { type: 'string' },
  'api-key': { type: 'string' },
  title: { type: 'string' },
  message: { type: 'string', short: 'm' },
  target: { type: 'string', multiple: true },
  impact: { type: 'string' },
  status: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
};

const ACTIONS = ['list', 'add', 'update', 'resolve'] as const;
type Action = (typeof ACTIONS)[number];

/** What one action sends: the path under the page and the checked body. */
interface Request {
  action: Action;
  id?: number;
  body?: Record<string, unknown>;
}

/** Exit 0 done, 1 the history or the endpoint refused or failed, 2 bad input. */
export async function incidentCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = ctx.parse(INCIDENT_OPTIONS);
  const [, action, id, extra] = positionals;
  if (!ACTIONS.includes(action as Action))
    throw new UsageError(
      `watch incident: expected list, add, update or resolve, got ${JSON.stringify(action ?? '')}`,
    );
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const request = requestOf(action as Action, id, values);
  if (values.url !== undefined) return await viaEndpoint(ctx, request, values);
  let file = values.history as string | undefined;
  if (file === undefined && values.config !== undefined) {
    const history = await historyOfConfig(ctx, values.config as string);
    if (history === 'invalid') return 2;
    file = history;
  }
  if (file === undefined)
    throw new UsageError(
      'watch incident: --history FILE|postgres://…, --config FILE or --url PAGE_URL is required',
    );
  return viaHistory(ctx, request, file, values.json === true);
}

function requestOf(action: Action, idText: string | undefined, values: Record<string, unknown>): Request {
  if (action === 'list' || action === 'add') {
    if (idText !== undefined) throw new UsageError(`watch incident ${action} takes no incident id`);
  } else if (idText === undefined || !/^[1-9]\d{0,12}$/.test(idText)) {
    throw new UsageError(
      `watch incident ${action} ID: expected an incident number, got ${JSON.stringify(idText ?? '')}`,
    );
  }
  const id = idText === undefined ? undefined : Number(idText);
  const given = (keys: string[]) =>
    Object.fromEntries(
      keys
        .filter((key) => values[key] !== undefined)
        .map((key) => [key === 'target' ? 'targets' : key, values[key]]),
    );
  if (action === 'list') return { action };
  if (action === 'add')
    return {
      action,
      body: checked(newIncidentBody, given(['title', 'message', 'target', 'impact', 'status'])),
    };
  if (action === 'update') return { action, id, body: checked(updateBody, given(['message', 'status'])) };
  return { action, id, body: checked(resolveBody, given(['message'])) };
}

function checked(schema: z.ZodType, body: Record<string, unknown>): Record<string, unknown> {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new UsageError(`watch incident: ${problemsOf(parsed.error).map(asFlag).join('; ')}`);
  return parsed.data as Record<string, unknown>;
}

/** `title: must not be empty` → `--title: must not be empty`. */
function asFlag(problem: string): string {
  return problem.replace(
    /^(title|message|impact|status|targets)(\.\d+)?:/,
    (_, key: string) => `--${key === 'targets' ? 'target' : key}:`,
  );
}

/** The page's incidents in the history itself: its SQLite file, or the fleet's PostgreSQL database. */
interface OpenedSource {
  source: StatusPageSource;
  close(): Promise<void>;
}

async function openSource(ctx: CommandContext, file: string): Promise<OpenedSource | undefined> {
  if (/^postgres(ql)?:\/\//i.test(file)) {
    const [{ PgHistoryStore }, { PgPageSource }] = await Promise.all([
      import('../watch/postgres/store.js'),
      import('../statuspage/pg-source.js'),
    ]);
    // Opened as the watcher opens it (migrated): the incident tables may be newer than the history.
    const store = await PgHistoryStore.open(file, { log: ctx.log });
    const source = new PgPageSource(store);
    return { source, close: () => store.close() };
  }
  const { existsSync } = await import('node:fs');
  if (!existsSync(file)) {
    ctx.stderr(`statuskit watch incident: no history at ${file}\n`);
    return undefined;
  }
  const { SqlitePageSource } = await import('../statuspage/sqlite-source.js');
  const source = SqlitePageSource.open(file);
  return { source, close: async () => source.close() };
}

async function viaHistory(
  ctx: CommandContext,
  request: Request,
  file: string,
  json: boolean,
): Promise<number> {
  let opened: OpenedSource | undefined;
  try {
    opened = await openSource(ctx, file);
    if (!opened) return 1;
    const { source } = opened;
    const now = Date.now();
    const body = request.body ?? {};
    if (request.action === 'list') {
      print(ctx, await source.incidents({ limit: 100 }), json);
      return 0;
    }
    if (request.action === 'add') {
      const known = await source.current();
      const targets = (body.targets as string[] | undefined) ?? [];
      const unknown = targets.filter((name) => !known.has(name));
      if (unknown.length > 0)
        throw new UsageError(
          `--target: the history knows no target ${unknown.map((n) => `"${n}"`).join(', ')}`,
        );
      const incident = await source.openIncident({
        title: body.title as string,
        message: body.message as string,
        targets,
        impact: (body.impact as Incident['impact'] | undefined) ?? 'minor',
        status: (body.status as 'investigating' | undefined) ?? 'investigating',
        at: now,
      });
      print(ctx, [incident], json, 'opened');
      return 0;
    }
    const existing = await source.incident(request.id!);
    if (!existing) {
      ctx.stderr(`statuskit watch incident: no incident ${request.id} in ${file}\n`);
      return 1;
    }
    if (request.action === 'resolve' && existing.status === 'resolved') {
      ctx.stderr(`statuskit watch incident: incident ${request.id} is already resolved\n`);
      return 1;
    }
    const update =
      request.action === 'resolve'
        ? {
            status: 'resolved' as const,
            message: (body.message as string | undefined) ?? 'Resolved.',
            at: now,
          }
        : { ...(body as { message: string; status?: Incident['status'] }), at: now };
    print(
      ctx,
      [(await source.addUpdate(request.id!, update))!],
      json,
      request.action === 'resolve' ? 'resolved' : 'updated',
    );
    return 0;
  } catch (error) {
    if (!(error instanceof HistoryUnavailableError) && (error as Error).name !== 'SqliteError') throw error;
    ctx.stderr(`statuskit watch incident: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await opened?.close();
  }
}

async function viaEndpoint(
  ctx: CommandContext,
  request: Request,
  values: Record<string, unknown>,
): Promise<number> {
  const base = String(values.url).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base) || !URL.canParse(base))
    throw new UsageError(`--url: expected the page's http(s) URL, got "${base}"`);
  const key = (values['api-key'] as string | undefined) ?? ctx.env.STATUSKIT_API_KEY;
  if (request.action !== 'list' && !key)
    throw new UsageError('--url needs --api-key KEY (or STATUSKIT_API_KEY) to write');
  const path =
    request.action === 'list'
      ? '/api/incidents'
      : request.action === 'add'
        ? '/api/incidents'
        : `/api/incidents/${request.id}/${request.action === 'update' ? 'updates' : 'resolve'}`;
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method: request.action === 'list' ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      ...(request.action === 'list' ? {} : { body: JSON.stringify(request.body ?? {}) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    ctx.stderr(`statuskit watch incident: cannot reach ${base}: ${(error as Error).message}\n`);
    return 1;
  }
  const text = await response.text();
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    ctx.stderr(`statuskit watch incident: ${base} answered ${response.status} without JSON\n`);
    return 1;
  }
  if (!response.ok) {
    const message = (answer as { message?: unknown }).message;
    ctx.stderr(
      `statuskit watch incident: ${response.status} ${typeof message === 'string' ? message : text.slice(0, 200)}\n`,
    );
    return 1;
  }
  if (values.json === true) ctx.display(`${JSON.stringify(answer, null, 2)}\n`);
  else if (request.action === 'list') {
    const { open = [], recent = [] } = answer as { open?: PublicIncident[]; recent?: PublicIncident[] };
    ctx.display(lines([...open, ...recent]));
  } else ctx.display(lines([answer as PublicIncident], verb(request.action)));
  return 0;
}

interface PublicIncident {
  id: number;
  title: string;
  status: string;
}

function verb(action: Action): string {
  return action === 'add' ? 'opened' : action === 'resolve' ? 'resolved' : 'updated';
}

function lines(incidents: readonly PublicIncident[], done?: string): string {
  if (incidents.length === 0) return 'no incidents\n';
  return incidents
    .map(
      (incident) =>
        `incident ${incident.id}${done ? ` ${done}` : ''}: ${incident.title} (${incident.status})\n`,
    )
    .join('');
}

function print(ctx: CommandContext, incidents: readonly Incident[], json: boolean, done?: string): void {
  if (json) {
    const shown = incidents.map((incident) => ({
      ...incident,
      openedAt: new Date(incident.openedAt).toISOString(),
      ...(incident.resolvedAt === undefined
        ? {}
        : { resolvedAt: new Date(incident.resolvedAt).toISOString() }),
      updates: incident.updates.map((update) => ({ ...update, at: new Date(update.at).toISOString() })),
    }));
    ctx.display(`${JSON.stringify(done ? shown[0] : shown, null, 2)}\n`);
  } else ctx.display(lines(incidents, done));
}

async function historyOfConfig(ctx: CommandContext, file: string): Promise<string | undefined | 'invalid'> {
  try {
    const { loadWatchConfig } = await import('../watch/config.js');
    const { historyOf } = await import('../watch/plan.js');
    return historyOf((await loadWatchConfig(file, ctx.env)).history);
  } catch (error) {
    const { name, problems } = error as { name?: string; problems?: ConfigProblem[] };
    if (name !== 'ConfigError' || !problems) throw error;
    ctx.log.error(`invalid configuration in ${file}`, {
      problems: problems.map((p) => `${p.path}: ${p.message}`),
    });
    return 'invalid';
  }
}
