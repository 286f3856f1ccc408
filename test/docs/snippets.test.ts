import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as statuskit from '../../src/index.js';
import { type Snippet, snippetsOf, writeSnippetProject } from './snippets.js';

/**
 * Issue 18, item 3: every TypeScript block of the README and docs/ compiles against the package as
 * a user gets it (`statuskit`, `statuskit/<area>` through package.json `exports`, the built
 * declarations). Fragments may use the names the prose around them introduces, declared below;
 * statuskit's own names a fragment uses are imported for it from `statuskit`.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = `${root}test/docs/.compiled`;

const AMBIENT = `
import type { Server, RequestListener, IncomingMessage, ServerResponse } from 'node:http';
declare global {
  const http: typeof import('node:http');
  /** The status the surrounding prose created. */
  const status: import('statuskit').StatusKit;
  const access: import('statuskit').Access;
  const vitals: import('statuskit').Vitals;
  const registry: import('statuskit').MetricsRegistry;
  const limiter: import('statuskit').RateLimiter;
  const feed: import('statuskit').LiveFeed;
  const pool: import('pg').Pool;
  const sessions: Map<string, unknown>;
  /** An Express, Koa or Hono app (each snippet line shows one framework). */
  const app: { use(...handlers: unknown[]): unknown };
  const fastify: { register(plugin: unknown): Promise<unknown> };
  const server: Server;
  const appListener: RequestListener;
  const listener: RequestListener;
  const myApp: RequestListener;
  const handler: (request: Request) => Response | Promise<Response>;
  const request: Request;
  const req: IncomingMessage;
  const res: ServerResponse;
  const log: { info(message: string, fields?: object): void };
  const db: { lookup(token: string, key: string): Promise<{ id: string; tier: string } | null> };
  const text: string;
  const error: Error;
  function warmUp(): Promise<void>;
  function flushCaches(): Promise<void>;
  function checkSearch(): Promise<'ok' | 'critical'>;
}
`;

function compile(dir: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`${root}node_modules/typescript/bin/tsc`, '-p', `${dir}/tsconfig.json`],
      { cwd: root, timeout: 120_000 },
      (_error, stdout, stderr) => resolve(`${stdout}${stderr}`),
    );
  });
}

/** Imports, from `statuskit`, the package's names a fragment uses without importing them. */
function withImports(snippet: Snippet): Snippet {
  const { code } = snippet;
  const imported = new Set(
    [...code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((m) =>
      m[1].split(',').map(
        (n) =>
          n
            .trim()
            .split(/\s+as\s+/)
            .pop()!,
      ),
    ),
  );
  const used = Object.keys(statuskit).filter(
    (name) =>
      !imported.has(name) &&
      new RegExp(`(^|[^.\\w])${name}\\b`).test(code) &&
      !new RegExp(`(const|let|function|class)\\s+${name}\\b`).test(code),
  );
  if (used.length === 0) return snippet;
  return { ...snippet, code: `import { ${used.join(', ')} } from 'statuskit';\n${code}`, prefixLines: 1 };
}

describe('the code in the README and docs/', () => {
  it('compiles, each block as a module of a user project', async () => {
    const snippets = snippetsOf(root).map(withImports);
    expect(snippets.length).toBeGreaterThan(20);
    const names = writeSnippetProject(scratch, snippets, AMBIENT);
    const output = await compile(scratch);
    // Point each error at the doc line it comes from.
    const located = output
      .split('\n')
      .filter((line) => line.includes('error TS'))
      .map((line) => {
        const match = /^([^(]+)\((\d+),\d+\): (.*)$/.exec(line.replace(/^.*\.compiled\//, ''));
        const snippet = match && names.get(match[1]);
        if (!snippet || !match) return line;
        return `${snippet.file}:${snippet.line + Number(match[2]) - 1 - (snippet.prefixLines ?? 0)}: ${match[3]}`;
      });
    expect(located).toEqual([]);
  }, 120_000);
});
