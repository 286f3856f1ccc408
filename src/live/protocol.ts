/**
 * The live feed's text protocol: one command per message, `<command> [arguments]`. Parsing and the
 * wording of replies are pure, so transports stay thin and the protocol is testable on its own.
 */

export const TOPICS = [
  'status',
  'sysinfo',
  'cpu',
  'network',
  'requests',
  'logs',
  'metrics',
  'history',
] as const;
export type Topic = (typeof TOPICS)[number];

export const COMMANDS = [
  'auth',
  'sysinfo',
  'status',
  'get',
  'subscribe',
  'unsubscribe',
  'history',
  'ping',
  'help',
] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface Command {
  name: string;
  /** Everything after the first space, trimmed (a credential may itself contain spaces). */
  rest: string;
  args: string[];
}

export function isTopic(text: string): text is Topic {
  return (TOPICS as readonly string[]).includes(text);
}

export function parseCommand(text: string): Command {
  const trimmed = text.trim();
  const space = trimmed.search(/\s/);
  if (space === -1) return { name: trimmed.toLowerCase(), rest: '', args: [] };
  const rest = trimmed.slice(space + 1).trim();
  return { name: trimmed.slice(0, space).toLowerCase(), rest, args: rest.split(/\s+/) };
}

/** A refusal the client can act on: `code` is stable, `message` is for people. */
export class LiveError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Seconds after which the refused command would be accepted (rate limits). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/**
 * Errors are `{"error": code, "message": text}`; seed 003 clients expect the bare text instead
 * (its `auth` reply is "ok" or an error message), which `plainText` selects.
 */
export function formatError(error: LiveError, plainText: boolean): string {
  if (plainText) return error.message;
  const { code, message, retryAfter } = error;
  return JSON.stringify(
    retryAfter === undefined ? { error: code, message } : { error: code, message, retryAfter },
  );
}

export const HELP = {
  commands: {
    'auth <credential>': 'authenticate (JWT, API key, ...); answered "ok" or an error',
    sysinfo: 'cpus, memory and disks: {cpus:[{model,name,usage}], mem:{...}, disks:[{name,total,free}]}',
    status: 'the status document for your tier',
    'get <path>': 'one value of the status document, e.g. "get applications.dialog.status"',
    'subscribe <topic> [interval]': `pushes {topic,id,data}; topics: ${TOPICS.join(', ')}`,
    'unsubscribe <topic>': 'stops pushes of a topic',
    'history <topics> [since]':
      'past points and transitions in one reply; topics: all, transitions or chart names (cpu,memory,...), comma-separated; since: 15m, 1h, 24h or epoch ms',
    ping: 'answered "pong"',
    help: 'this list',
  },
  topics: TOPICS,
};

/**
 * The close code of a peer that does not read what it is sent: RFC 6455's 1013 "try again later"
 * — the server could not keep the connection, a fresh one (that reads) is welcome. 1008 stays the
 * code of refusals (authentication, rate limits), so a client can tell the two apart.
 */
export const SLOW_CLOSE_CODE = 1013;
