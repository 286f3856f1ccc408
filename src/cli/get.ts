/**
 * `statuskit get URL`: fetch a status document (or any JSON) and print it. Exit 0 for a JSON
 * document (any 2xx body with `--raw`), 1 when there is none to print — no answer, an HTTP error, a
 * redirect not followed, a body that is not JSON, a path not found, a document nested too deep —
 * and 2 for bad arguments (docs/cli.md).
 */

import { fetchDocument } from '../client/fetch-document.js';
import type { HttpResponse } from '../client/http.js';
import {
  errorText,
  isStatusDocument,
  MAX_DOCUMENT_DEPTH,
  type ReadDocument,
  readDocument,
} from '../client/read-document.js';
import { RequestError } from '../client/request-error.js';
import { getAtPath, type PathSegment, PathSyntaxError, parsePath } from '../tree/paths.js';
import { type CommandContext, UsageError } from './context.js';
import { prettyJson } from './json-print.js';
import { DOCUMENT_OPTIONS, documentRequest, redirectNotFollowed } from './request-flags.js';

interface PrintOptions {
  path?: { text: string; segments: PathSegment[] };
  pretty: boolean;
  raw: boolean;
  /** stdout is a terminal: indent and colour by default. */
  tty: boolean;
}

/** What one answer makes `get` print: data on stdout, a reason on stderr (which means exit 1). */
interface Printout {
  stdout?: string;
  /** Coloured by us from terminal-safe tokens: written as it is. */
  painted?: boolean;
  error?: string;
}

export async function getCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = ctx.parse({
    ...DOCUMENT_OPTIONS,
    path: { type: 'string' },
    pretty: { type: 'boolean' },
    raw: { type: 'boolean' },
  });
  const request = documentRequest(ctx, values, positionals);
  const pathText = values.path as string | undefined;
  const options: PrintOptions = {
    path: pathText === undefined ? undefined : { text: pathText, segments: parsePathFlag(pathText) },
    pretty: values.pretty === true,
    raw: values.raw === true,
    tty: ctx.isTTY,
  };
  let response: HttpResponse;
  try {
    response = await fetchDocument(request);
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    ctx.stderr(`statuskit get: ${request.url}: ${error.message}\n`);
    return 1;
  }
  const printout = printoutOf(response, options);
  if (printout.stdout !== undefined) (printout.painted ? ctx.stdout : ctx.display)(printout.stdout);
  if (printout.error === undefined) return 0;
  ctx.stderr(`statuskit get: ${printout.error}\n`);
  return 1;
}

function printoutOf(response: HttpResponse, options: PrintOptions): Printout {
  const { status, body } = response;
  const http = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const redirect = redirectNotFollowed(response);
  if (redirect) return { error: `${http}: ${redirect}` };
  const document = readDocument(body);
  if (status >= 400) {
    // A 503 status document still says what is wrong: print it, and fail with the reason.
    const reason = errorText(body);
    const statusDocument = document.kind === 'json' && isStatusDocument(document.value);
    const shown = statusDocument ? render(document.value, body, { ...options, path: undefined }) : {};
    return { ...shown, error: `${http}${reason ? `: ${reason}` : ''}` };
  }
  if (document.kind !== 'json') {
    if (options.raw && !options.path) return { stdout: withNewline(body) };
    return { error: `${response.url}: ${unreadable(document, response, options)}` };
  }
  let value = document.value;
  if (options.path) {
    const found = getAtPath(value, options.path.segments);
    if (!found.found) return { error: `path "${options.path.text}" not found in the document` };
    value = found.value;
  }
  return render(value, body, options);
}

/** JSON for people (indented, coloured on a terminal) or as received. */
function render(value: unknown, body: string, options: PrintOptions): Printout {
  const pretty = !options.raw && (options.pretty || options.tty);
  if (pretty) return { stdout: `${prettyJson(value, options.tty)}\n`, painted: options.tty };
  return { stdout: `${options.path ? JSON.stringify(value) : body.trimEnd()}\n` };
}

/** Why a 2xx body cannot be printed as a document. */
function unreadable(document: ReadDocument, response: HttpResponse, options: PrintOptions): string {
  if (document.kind === 'too-deep')
    return `the document nests deeper than ${MAX_DOCUMENT_DEPTH} levels${options.path ? '' : '; --raw prints it as received'}`;
  const type = response.headers['content-type'] ?? 'no content type';
  const hint = options.path ? 'so --path cannot apply' : '--raw prints any body';
  return `the response is not JSON (${type}); ${hint}`;
}

function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

function parsePathFlag(text: string): PathSegment[] {
  try {
    return parsePath(text);
  } catch (error) {
    if (error instanceof PathSyntaxError) throw new UsageError(`--path: ${error.message}`);
    throw error;
  }
}
