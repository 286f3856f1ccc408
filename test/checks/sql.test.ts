import mysql from 'mysql2';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { mysqlCheck, postgresCheck } from '../../src/checks/index.js';
import { closedPort, expectNoLeaks, expectStopsOnSilence, run, withService } from './support.js';

const pgDescribe = await withService('PostgreSQL', 5432);
const mysqlDescribe = await withService('MariaDB', 3306);

pgDescribe('postgres check (real PostgreSQL on 5432)', () => {
  const own = postgresCheck({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  afterAll(() => own.close());

  it('reports ok with the server version and its own pool counters', async () => {
    const outcome = await run(own);
    expect(outcome.level).toBe('ok');
    expect(outcome.fields?.version).toMatch(/^\d+(\.\d+)?/);
    expect(outcome.fields?.pool).toEqual({ total: 1, idle: 1, waiting: 0 });
    expect(outcome.observedUnit).toBe('ms');
  });

  it("reuses the app's pool and leaves it open", async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 3 });
    try {
      const check = postgresCheck({ pool });
      const outcome = await run(check);
      expect(outcome.fields?.pool).toEqual({ total: 1, idle: 1, waiting: 0 });
      await check.close();
      expect((await pool.query('SELECT 2 AS two')).rows[0].two).toBe(2);
    } finally {
      await pool.end();
    }
  });

  it('fails on an unreachable port', async () => {
    const check = postgresCheck({ host: '127.0.0.1', port: await closedPort(), user: 'postgres' });
    await expect(run(check)).rejects.toThrow(/ECONNREFUSED/);
    await check.close();
  });

  it('stops at the signal when the server accepts and never answers, and closes the socket', async () => {
    const checks: { close(): Promise<void> }[] = [];
    await expectStopsOnSilence((port) => {
      const check = postgresCheck({ host: '127.0.0.1', port, user: 'postgres' });
      checks.push(check);
      return check;
    });
    await Promise.all(checks.map((c) => c.close()));
  });

  it('leaves no sockets or handles behind after 1000 runs', async () => {
    await expectNoLeaks(own, 1000);
  });
});

mysqlDescribe('mysql check (real MariaDB on 3306)', () => {
  const own = mysqlCheck({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' });
  afterAll(() => own.close());

  it('reports ok with the server version and its own pool counters', async () => {
    const outcome = await run(own);
    expect(outcome.level).toBe('ok');
    expect(String(outcome.fields?.version)).toMatch(/^\d+\.\d+/);
    expect(outcome.fields?.pool).toEqual({ total: 1, idle: 1, waiting: 0 });
  });

  it("reuses the app's promise pool and leaves it open", async () => {
    const pool = mysql.createPool({ host: '127.0.0.1', user: 'root', database: 'test' }).promise();
    try {
      const check = mysqlCheck({ pool });
      expect((await run(check)).level).toBe('ok');
      const [rows] = await pool.query('SELECT 2 AS two');
      expect((rows as { two: number }[])[0].two).toBe(2);
    } finally {
      await pool.end();
    }
  });

  it('fails on an unreachable port', async () => {
    const check = mysqlCheck({ host: '127.0.0.1', port: await closedPort(), user: 'root' });
    await expect(run(check)).rejects.toThrow(/ECONNREFUSED/);
    await check.close();
  });

  it('stops at the signal when the server accepts and never answers, and closes the socket', async () => {
    await expectStopsOnSilence((port) => mysqlCheck({ host: '127.0.0.1', port, user: 'root' }));
  });

  it('leaves no sockets or handles behind after 1000 runs', async () => {
    await expectNoLeaks(own, 1000);
  });
});
