/**
 * Reading a config file: YAML or JSON text -> environment substitution -> zod validation. Every
 * problem is collected and reported at once, each with its path, so one edit fixes them all.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { substituteEnv } from './env.js';
import { type ConfigProblem, formatProblem, problemsFromIssues } from './errors.js';
import { type AgentConfig, configSchema } from './schema.js';

export type ConfigResult = { ok: true; config: AgentConfig } | { ok: false; problems: ConfigProblem[] };

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

/** Parses and validates config text. YAML is a superset of JSON, so one parser reads both. */
export function parseConfig(text: string, env: NodeJS.ProcessEnv = process.env): ConfigResult {
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
  return validateConfig(raw, env);
}

/** Validates an already parsed object (e.g. from code). */
export function validateConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  const problems: ConfigProblem[] = [];
  const substituted = substituteEnv(raw, env, problems);
  const parsed = configSchema.safeParse(substituted);
  if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues, substituted));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, config: parsed.data };
}

export async function loadConfigFile(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [{ path: '(file)', message: (error as Error).message }]);
  }
  const result = parseConfig(text, env);
  if (!result.ok) throw new ConfigError(file, result.problems);
  return result.config;
}

/** JSON Schema of the file, for editor completion (`# yaml-language-server: $schema=...`). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
