/**
 * The code blocks of the README and docs/, as files a TypeScript compiler can check: each
 * ```ts block becomes a module under a scratch directory inside the package (so `statuskit` and
 * `statuskit/<area>` resolve through package.json's `exports`, as in a user's project), with the
 * names the prose assumes (an Express `app`, a pg `pool`, ...) declared in one ambient file.
 * A block opening with ```ts no-check is prose-only and skipped.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Snippet {
  file: string;
  line: number;
  code: string;
  /** Lines put before the block's own (imports added for a fragment). */
  prefixLines?: number;
}

export function snippetsOf(root: string): Snippet[] {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const out: Snippet[] = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^```ts\s*$/.test(lines[i])) continue;
      const start = i + 1;
      let end = start;
      while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
      out.push({ file, line: start + 1, code: lines.slice(start, end).join('\n') });
      i = end;
    }
  }
  return out;
}

/** Writes the snippets and a tsconfig into `dir`; returns the file name of each snippet. */
export function writeSnippetProject(
  dir: string,
  snippets: readonly Snippet[],
  ambient: string,
): Map<string, Snippet> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ambient.d.ts'), ambient);
  const names = new Map<string, Snippet>();
  snippets.forEach((snippet, index) => {
    const name = `${snippet.file.replace(/[/.]/g, '_')}_${snippet.line}_${index}.ts`;
    // Each block is its own module (top-level await allowed), as in a user's file.
    writeFileSync(join(dir, name), `${snippet.code}\nexport {};\n`);
    names.set(name, snippet);
  });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        noUnusedLocals: false,
      },
      include: ['*.ts'],
    }),
  );
  return names;
}
