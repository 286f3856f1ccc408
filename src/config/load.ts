/**
 * Reading the agent's config file: YAML or JSON text -> environment substitution -> zod validation
 * (the shared reader, reader.ts). Every problem is collected and reported at once, each with its
 * path, so one edit fixes them all.
 */
import { z } from 'zod';
import { configReader, type ReadResult } from './reader.js';
import { type AgentConfig, configSchema, unknownKindProblems } from './schema.js';

export { ConfigError } from './text.js';

export type ConfigResult = ReadResult<AgentConfig>;

const reader = configReader(configSchema, unknownKindProblems);

/** Parses and validates config text (YAML or JSON). */
export function parseConfig(text: string, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  return reader.parse(text, env);
}

/** Validates an already parsed object (e.g. from code). */
export function validateConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  return reader.validate(raw, env);
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<AgentConfig> {
  return reader.load(file, env);
}

/** JSON Schema of the file, for editor completion (`# yaml-language-server: $schema=...`). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
