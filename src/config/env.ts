/**
 * `${NAME}` in any string of the file is replaced by the environment variable NAME, so secrets stay
 * out of the file. `${NAME:-default}` gives a fallback; `$${` writes a literal `${`. A variable
 * that is not set (and has no fallback) is a config error at its path, never an empty secret.
 */
import { type ConfigProblem, formatPath } from './errors.js';

const REFERENCE = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
  path: PropertyKey[] = [],
): unknown {
  if (typeof value === 'string') return substituteString(value, env, problems, path);
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, problems, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = substituteEnv(item, env, problems, [...path, key]);
    return out;
  }
  return value;
}

function substituteString(
  text: string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
  path: PropertyKey[],
): string | number | boolean {
  if (!text.includes('${')) return text;
  const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/.exec(text);
  const replaced = text.replace(
    REFERENCE,
    (whole, escaped: string | undefined, name: string, fallback?: string) => {
      if (escaped) return whole.slice(1);
      const found = env[name];
      if (found !== undefined) return found;
      if (fallback !== undefined) return fallback;
      problems.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
      return '';
    },
  );
  // `port: ${PORT}` should be a number, as if the value had been written in the file.
  return whole ? scalar(replaced) : replaced;
}

function scalar(text: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}
