/**
 * One reader for every config file, the agent's and the watcher's: YAML or JSON text -> `${ENV}`
 * substitution -> the file's zod schema -> every problem at once, each with its path. Each file
 * brings only its schema (and checks that span fields), so `watch` never loads the agent's kinds.
 */
import type { z } from 'zod';
import { substituteEnv } from './env.js';
import { type ConfigProblem, problemsFromIssues } from './errors.js';
import { ConfigError, parseConfigText, readConfigText } from './text.js';

export type ReadResult<T> = { ok: true; config: T } | { ok: false; problems: ConfigProblem[] };

export interface ConfigReader<T> {
  /** Parses and validates config text (YAML or JSON). */
  parse(text: string, env?: NodeJS.ProcessEnv): ReadResult<T>;
  /** Validates an already parsed object (e.g. from code). */
  validate(raw: unknown, env?: NodeJS.ProcessEnv): ReadResult<T>;
  /** Reads a file; its problems throw a ConfigError naming it. */
  load(file: string, env?: NodeJS.ProcessEnv): Promise<T>;
}

/**
 * `moreProblems` sees the substituted input, whatever the schema made of it: problems zod cannot
 * express, reported with the schema's own.
 */
export function configReader<S extends z.ZodType>(
  schema: S,
  moreProblems: (raw: unknown) => ConfigProblem[] = () => [],
): ConfigReader<z.output<S>> {
  const validate = (raw: unknown, env: NodeJS.ProcessEnv = process.env): ReadResult<z.output<S>> => {
    const problems: ConfigProblem[] = [];
    const substituted = substituteEnv(raw, env, problems);
    const parsed = schema.safeParse(substituted);
    if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues, substituted));
    problems.push(...moreProblems(substituted));
    if (problems.length > 0 || !parsed.success) return { ok: false, problems };
    return { ok: true, config: parsed.data };
  };
  const parse = (text: string, env?: NodeJS.ProcessEnv): ReadResult<z.output<S>> => {
    const parsed = parseConfigText(text);
    return parsed.ok ? validate(parsed.raw, env) : parsed;
  };
  return {
    parse,
    validate,
    async load(file, env) {
      const result = parse(await readConfigText(file), env);
      if (!result.ok) throw new ConfigError(file, result.problems);
      return result.config;
    },
  };
}
