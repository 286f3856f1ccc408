/**
 * The schema-free half of reading a config file, shared by the agent's and the watcher's configs:
 * YAML or JSON text to a plain object, and the error that carries every problem with its path. It
 * imports no schema, so a command that has its own (watch) does not load the agent's check kinds.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { type ConfigProblem, formatProblem } from './errors.js';

export type RawConfigResult = { ok: true; raw: object } | { ok: false; problems: ConfigProblem[] };

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** YAML is a superset of JSON, so one parser reads both. */
export function parseConfigText(text: string): RawConfigResult {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      // One syntax error derails the parser for the rest of the file: the first few are the useful ones.
      problems: document.errors.slice(0, 3).map((error) => ({
        path: error.linePos ? `line ${error.linePos[0].line}` : '(file)',
        message: error.message.split('\n')[0],
      })),
    };
  }
  const raw = document.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ path: '(root)', message: 'expected a mapping of options' }] };
  }
  return { ok: true, raw };
}

/** The file's text; an unreadable file is a ConfigError naming it. */
export async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [{ path: '(file)', message: (error as Error).message }]);
  }
}
