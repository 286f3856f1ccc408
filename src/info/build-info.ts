/**
 * What a build was: name and version from package.json, the git commit, branch and build time
 * from the environment (what CI systems and container builds set) or from a file written at build.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface BuildInfo {
  name?: string;
  version?: string;
  /** The git commit the build was made from. */
  commit?: string;
  branch?: string;
  /** When the build was made, ISO 8601. */
  buildTime?: string;
  /** More fields, shown as they are (an image tag, a region). */
  extra?: Record<string, unknown>;
}

export interface ReadBuildInfoOptions {
  /** package.json to read `name` and `version` from. Default `./package.json` (skipped when absent); `false`: none. */
  packageJson?: string | false;
  /**
   * A JSON file written at build: `{"commit": …, "branch": …, "time": …}` (`version` too). Default
   * `./build-info.json` (skipped when absent); `false`: none. Environment variables win over it.
   */
  file?: string | false;
  /** Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory the default files are looked up in. Default `process.cwd()`. */
  cwd?: string;
}

/** Environment variables CI systems and platforms set, in the order they are read. */
export const COMMIT_VARIABLES = [
  'GIT_COMMIT',
  'GIT_SHA',
  'SOURCE_COMMIT',
  'COMMIT_SHA',
  'GITHUB_SHA',
  'CI_COMMIT_SHA',
  'VCS_REF',
  'SOURCE_VERSION',
  'RENDER_GIT_COMMIT',
  'VERCEL_GIT_COMMIT_SHA',
] as const;
export const BRANCH_VARIABLES = [
  'GIT_BRANCH',
  'BRANCH_NAME',
  'GITHUB_REF_NAME',
  'CI_COMMIT_REF_NAME',
] as const;
/** `SOURCE_DATE_EPOCH` (reproducible builds) is in seconds; the others ISO 8601 or epoch seconds. */
export const BUILD_TIME_VARIABLES = ['BUILD_TIME', 'BUILD_DATE', 'SOURCE_DATE_EPOCH'] as const;

export class BuildInfoError extends Error {
  override name = 'BuildInfoError';
}

/** Reads the build's facts once, at start-up. A file named explicitly must exist and hold JSON. */
export function readBuildInfo(options: ReadBuildInfoOptions = {}): BuildInfo {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const pkg = readJson(options.packageJson, resolve(cwd, 'package.json'), 'packageJson');
  const file = readJson(options.file, resolve(cwd, 'build-info.json'), 'file');
  const info: BuildInfo = {
    name: text(pkg?.name),
    version: text(file?.version) ?? text(pkg?.version),
    commit: firstOf(env, COMMIT_VARIABLES) ?? text(file?.commit),
    branch: firstOf(env, BRANCH_VARIABLES) ?? text(file?.branch),
    buildTime: normalizeTime(firstOf(env, BUILD_TIME_VARIABLES) ?? text(file?.time ?? file?.buildTime)),
  };
  return withoutUndefined(info);
}

function readJson(
  option: string | false | undefined,
  fallback: string,
  what: string,
): Record<string, unknown> | undefined {
  if (option === false) return undefined;
  const path = option === undefined ? fallback : resolve(option);
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    if (option === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BuildInfoError(`info.${what}: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(content) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Reported below with the file's name.
  }
  throw new BuildInfoError(`info.${what}: ${path} does not hold a JSON object`);
}

function firstOf(
  env: Readonly<Record<string, string | undefined>>,
  names: readonly string[],
): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** ISO 8601 when the text is a date or epoch seconds; the text as written otherwise (it still says something). */
export function normalizeTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = /^\d{9,11}$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
