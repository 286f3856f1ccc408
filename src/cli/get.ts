/** `statuskit get URL`: fetch a status document (or any JSON) and print it. */
import { getAtPath, PathSyntaxError, parsePath } from '../tree/paths.js';
import { type CommandContext, UsageError } from './context.js';
import {
  AUTH_OPTIONS,
  documentRequest,
  errorText,
  fetchDocument,
  isStatusDocument,
  parseJson,
} from './fetch-document.js';
import { ConnectionError } from './http-client.js';
import { prettyJson } from './json-print.js';

export async function getCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = ctx.parse({
    ...AUTH_OPTIONS,
    path: { type: 'string' },
    pretty: { type: 'boolean' },
    raw: { type: 'boolean' },
  });
  const request = documentRequest(ctx, values, positionals);
  const path = values.path === undefined ? undefined : parsePathFlag(values.path as string);

  let response: Awaited<ReturnType<typeof fetchDocument>>;
  try {
    response = await fetchDocument(request);
  } catch (error) {
    if (error instanceof ConnectionError) {
      ctx.stderr(`statuskit get: ${request.url}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const failed = response.status >= 400;
  const parsed = parseJson(response.body);
  let output: string;
  if (!parsed.ok) {
    if (path) {
      ctx.stderr(`statuskit get: ${request.url}: the response is not JSON, so --path cannot apply\n`);
      return 1;
    }
    output = response.body.endsWith('\n') || response.body === '' ? response.body : `${response.body}\n`;
  } else {
    let value = parsed.value;
    if (path && !failed) {
      const found = getAtPath(value, path);
      if (!found.found) {
        ctx.stderr(`statuskit get: path "${values.path}" not found in the document\n`);
        return 1;
      }
      value = found.value;
    }
    const pretty = values.raw ? false : values.pretty || ctx.isTTY;
    output = `${pretty ? prettyJson(value, ctx.isTTY) : path ? JSON.stringify(value) : response.body.trimEnd()}\n`;
  }
  // A 503 status document still says what is wrong: print it, and fail with the reason on stderr.
  if (!failed || (parsed.ok && isStatusDocument(parsed.value))) ctx.stdout(output);
  if (failed) {
    const reason = errorText(response.body);
    ctx.stderr(
      `statuskit get: HTTP ${response.status} ${response.statusText}${reason ? `: ${reason}` : ''}\n`,
    );
    return 1;
  }
  return 0;
}

function parsePathFlag(text: string) {
  try {
    return parsePath(text);
  } catch (error) {
    if (error instanceof PathSyntaxError) throw new UsageError(`--path: ${error.message}`);
    throw error;
  }
}
