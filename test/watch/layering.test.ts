/**
 * The client is a floor below the CLI, the watcher and the checks (docs/design.md): the watcher and
 * the checks never import the CLI, and the client imports none of them. Read from the sources'
 * own import lines, as the TypeScript compiler reads them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;

/** `from '…'` and `import('…')` targets of every .ts file under `folder`, as `file -> target`. */
function importsOf(folder: string): string[] {
  const dir = join(SRC, folder);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const targets = [...text.matchAll(/(?:from\s+|import\()\s*'([^']+)'/g)].map((match) => match[1]);
      return targets.map((target) => `${folder}/${file} -> ${target}`);
    });
}

describe('layering', () => {
  it('the watcher and the checks do not import the CLI', () => {
    const imports = [...importsOf('watch'), ...importsOf('checks')];
    expect(imports.some((line) => line.includes('-> ../client/'))).toBe(true);
    expect(imports.filter((line) => /-> \.\.\/cli\//.test(line))).toEqual([]);
  });

  it('the client imports only the model and itself', () => {
    const imports = importsOf('client').filter((line) => /-> \.\.?\//.test(line));
    expect(imports.filter((line) => !/-> (\.\/|\.\.\/model\/)/.test(line))).toEqual([]);
  });
});
