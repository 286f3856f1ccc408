import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Issue 18, items 4, 7 and 8: statuskit as a user's project gets it. The packed tarball is
 * installed into a scratch app; a TypeScript file using the root and the subpath entry points
 * compiles with `skipLibCheck: false` (the declarations need no framework the app does not use),
 * nothing native is compiled (better-sqlite3 is an optional peer), and the app serves /status.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'statuskit-app-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 240_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({
        code: error ? Number((error as { code?: number }).code ?? 1) : 0,
        out: `${stdout}${stderr}`,
      });
    });
  });
}

const APP = `
import { createStatus, overallStatus, type StatusKit } from 'statuskit';
import { MetricsRegistry } from 'statuskit/metrics';
import { createAccess, apiKeyAuth } from 'statuskit/access';
import { createVitals } from 'statuskit/vitals';

const registry = new MetricsRegistry();
const meter = registry.meter('requests');
const vitals = createVitals().start();
const access = createAccess({ anonymous: 'details', authenticators: [apiKeyAuth({ keys: [{ key: 'k-0123456789', name: 'ops' }] })] });
const status: StatusKit = createStatus({ vocabulary: 'okKo', access });
status.mount('status', overallStatus());
status.mount('host.memory', vitals.view('memory'));
status.provider('requests', () => meter.count);
// The framework adapters type-check without Express, Koa or Fastify installed.
const middleware = [status.express(), status.koa(), status.fastify(), status.hono()];
const server = await status.listen({ port: 0 });
meter.mark();
const response = await fetch(server.url + '/status');
console.log(JSON.stringify({ code: response.status, body: await response.json(), adapters: middleware.length }));
await status.close();
vitals.close();
`;

describe('the published package', () => {
  it('installs without compiling anything, type-checks strictly, and serves', async () => {
    const packed = await run('npm', ['pack', '--silent', '--pack-destination', scratch], root);
    expect(packed.code, packed.out).toBe(0);
    const tarball = join(scratch, packed.out.trim().split('\n').pop()!);
    const typesNode = JSON.parse(
      readFileSync(join(root, 'node_modules/@types/node/package.json'), 'utf8'),
    ).version;
    writeFileSync(
      join(scratch, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    const installed = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `@types/node@${typesNode}`],
      scratch,
    );
    expect(installed.code, installed.out).toBe(0);
    expect(existsSync(join(scratch, 'node_modules/better-sqlite3'))).toBe(false);
    expect(installed.out).not.toMatch(/gyp|node-pre-gyp|prebuild/i);

    writeFileSync(join(scratch, 'app.ts'), APP);
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          outDir: 'out',
          types: ['node'],
        },
        files: ['app.ts'],
      }),
    );
    const compiled = await run(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', scratch],
      scratch,
    );
    expect(compiled.out).toBe('');
    expect(compiled.code).toBe(0);

    const served = await run(process.execPath, ['out/app.js'], scratch);
    expect(served.code, served.out).toBe(0);
    const result = JSON.parse(served.out.trim().split('\n').pop()!);
    expect(result.code).toBe(200);
    expect(result.body).toMatchObject({ status: 'Ok', requests: 1 });
    expect(result.body.host.memory.total).toBeGreaterThan(0);
  }, 300_000);
});
