/**
 * Client libraries are optional peer dependencies: a service that never checks Redis must not need
 * ioredis. They are imported on a check's first run, and a missing one becomes an error that names the
 * package to install (as @nestjs/terminus does).
 */

/** Imports a module by name; injectable so tests can simulate a missing package. */
export type ModuleLoader = (specifier: string) => Promise<unknown>;

export const importModule: ModuleLoader = (specifier) => import(specifier);

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * Loads `pkg` for the check `kind`. CommonJS packages arrive as `{ default: module.exports, ...named }`;
 * the named exports are preferred and `default` fills the gaps.
 */
export async function loadPeer<T>(
  pkg: string,
  kind: string,
  loader: ModuleLoader = importModule,
): Promise<T> {
  let loaded: unknown;
  try {
    loaded = await loader(pkg);
  } catch (error) {
    if (isModuleNotFound(error)) {
      throw new Error(`the ${kind} check needs the "${pkg}" package: npm install ${pkg}`, { cause: error });
    }
    throw error;
  }
  const namespace = loaded as Record<string, unknown>;
  const fallback = namespace.default;
  if (fallback && typeof fallback === 'object') return { ...(fallback as object), ...namespace } as T;
  return namespace as T;
}

/** Loads once per check instance; a failed load is retried on the next run (the package may appear). */
export function lazyPeer<T>(pkg: string, kind: string, loader?: ModuleLoader): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= loadPeer<T>(pkg, kind, loader).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
