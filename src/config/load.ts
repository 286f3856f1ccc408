/**
 * Reading a config file: YAML or JSON text -> environment substitution -> zod validation. Every
 * problem is collected and reported at once, each with its path, so one edit fixes them all.
 */
import { z } from 'zod';
import { substituteEnv } from './env.js';
import { type ConfigProblem, problemsFromIssues } from './errors.js';
import { type AgentConfig, configSchema } from './schema.js';
import { ConfigError, parseConfigText, readConfigText } from './text.js';

export { ConfigError } from './text.js';

export type ConfigResult = { ok: true; config: AgentConfig } | { ok: false; problems: ConfigProblem[] };

/** Parses and validates config text (YAML or JSON). */
export function parseConfig(text: string, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  const parsed = parseConfigText(text);
  return parsed.ok ? validateConfig(parsed.raw, env) : parsed;
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
  const result = parseConfig(await readConfigText(file), env);
  if (!result.ok) throw new ConfigError(file, result.problems);
  return result.config;
}

/** JSON Schema of the file, for editor completion (`# yaml-language-server: $schema=...`). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
