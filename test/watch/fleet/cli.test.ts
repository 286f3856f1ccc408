/**
 * The PostgreSQL history through the real CLI: clear startup errors that name the database URL
 * without its password, `watch migrate`, a newer schema refused, and `watch history` reading what
 * a watcher wrote, the same way as from a SQLite file.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PG_SCHEMA_VERSION } from '../../../src/watch/postgres/migrations.js';
import { closedPort, withService } from '../../checks/support.js';
import { assertBuilt, run } from '../spawn-watch.js';
import { flippableTargets, freshSchema, type Schema } from './support.js';

const pgDescribe = await withService('PostgreSQL', 5432);

pgDescribe('watch with a postgres:// history (real CLI, real PostgreSQL)', () => {
  let schema: Schema;
  let targets: Awaited<ReturnType<typeof flippableTargets>>;

  beforeAll(async () => {
    assertBuilt();
    schema = await freshSchema('cli');
    targets = await flippableTargets();
  });
  afterAll(async () => {
    await targets?.close();
    await schema?.drop();
  });

  it('refuses an unreachable database or unknown user at startup, naming the URL without the password', async () => {
    const port = await closedPort();
    const down = await run([
      'watch',
      '--log',
      'json',
      '--history',
      `postgres://watch:s3cret@127.0.0.1:${port}/test`,
      targets.url(0),
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(
      `cannot connect to history database postgres://watch:***@127.0.0.1:${port}/test: connection refused`,
    );
    expect(down.stderr).not.toContain('s3cret');
    const stranger = await run([
      'watch',
      '--log',
      'json',
      '--history',
      'postgres://nobody:s3cret@127.0.0.1:5432/test',
      targets.url(0),
    ]);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:5432\/test: .*nobody/);
    expect(stranger.stderr).not.toContain('s3cret');
    expect(stranger.stderr).not.toMatch(/\n\s+at /);
  });

  it('migrates with "watch migrate", writes with --once, and reads back with "watch history"', async () => {
    const first = await run(['watch', 'migrate', '--history', schema.url]);
    expect(first).toMatchObject({ code: 0, stdout: `${schema.url}: schema 0 -> ${PG_SCHEMA_VERSION}\n` });
    const again = await run(['watch', 'migrate', '--history', schema.url]);
    expect(again.stdout).toBe(`${schema.url}: schema ${PG_SCHEMA_VERSION}, up to date\n`);
    targets.setDown(1, true);
    const once = await run([
      'watch',
      '--once',
      '--history',
      schema.url,
      `up=${targets.url(0)}`,
      `down=${targets.url(1)}`,
    ]);
    expect(once.code).toBe(2);
    const history = await run(['watch', 'history', '--history', schema.url, '--json']);
    expect(history.code).toBe(0);
    const report = JSON.parse(history.stdout) as {
      file: string;
      targets: { name: string; level: string; availability: { gapMs: number } }[];
      transitions: { target: string; to: string }[];
    };
    expect(report.file).toBe(schema.url);
    expect(report.targets.map((t) => [t.name, t.level])).toEqual([
      ['down', 'critical'],
      ['up', 'ok'],
    ]);
    expect(report.targets[0].availability.gapMs).toBe(0);
    expect(report.transitions.map((t) => `${t.target}:${t.to}`).sort()).toEqual(['down:critical', 'up:ok']);
  });

  it('refuses a schema written by a newer statuskit, to write and to read', async () => {
    await schema.pool.query('INSERT INTO schema_version (version) VALUES (42)');
    try {
      const watch = await run(['watch', '--log', 'json', '--history', schema.url, targets.url(0)]);
      expect(watch.code).toBe(1);
      expect(watch.stderr).toContain('holds a history of schema 42, written by a newer statuskit');
      const history = await run(['watch', 'history', '--history', schema.url]);
      expect(history.code).toBe(1);
      expect(history.stderr).toContain(
        `written by a newer statuskit (this one knows up to ${PG_SCHEMA_VERSION}): upgrade statuskit`,
      );
    } finally {
      await schema.pool.query('DELETE FROM schema_version WHERE version = 42');
    }
  });
});
