import { describe, expect, it } from 'vitest';
import {
  checkKinds,
  createCheck,
  evaluateCondition,
  loadPeer,
  type ModuleLoader,
  mqttCheck,
  mysqlCheck,
  postgresCheck,
  rabbitmqCheck,
  readPath,
  redisCheck,
} from '../../src/checks/index.js';
import { parseJsonPath } from '../../src/checks/json-path.js';
import { levelAbove, levelBelow } from '../../src/checks/thresholds.js';
import { closedPort, run } from './support.js';

describe('json path', () => {
  const doc = { data: { status: 'operational', items: [{ n: 1 }, { n: 2, tags: ['a', 'b'] }] }, 'x-y': true };

  it('reads dot and [n] paths, and the whole document for "" or "$"', () => {
    expect(parseJsonPath('data.items[1].tags[0]')).toEqual(['data', 'items', 1, 'tags', 0]);
    expect(readPath(doc, 'data.items[1].tags[1]')).toBe('b');
    expect(readPath(doc, '$.data.status')).toBe('operational');
    expect(readPath(doc, 'x-y')).toBe(true);
    expect(readPath(doc, '')).toBe(doc);
    expect(readPath(doc, 'data.items[5].n')).toBeUndefined();
    expect(readPath(doc, 'data.status.length')).toBeUndefined();
    expect(readPath(doc, 'constructor')).toBeUndefined();
  });

  it('rejects malformed paths with a clear error', () => {
    expect(() => parseJsonPath('data..status')).toThrow(/empty segment/);
    expect(() => parseJsonPath('items[x]')).toThrow(/array index/);
  });

  it('evaluates equals / in / matches / numeric / exists, all of which must hold', () => {
    expect(evaluateCondition(doc, { path: 'data.status', equals: 'operational' }).ok).toBe(true);
    expect(evaluateCondition(doc, { path: 'data.status', in: ['degraded', 'critical'] })).toMatchObject({
      ok: false,
      reason: 'data.status is "operational", expected one of "degraded", "critical"',
    });
    expect(evaluateCondition(doc, { path: 'data.status', matches: '^oper' }).ok).toBe(true);
    expect(evaluateCondition(doc, { path: 'data.items[1].n', gt: 1, lte: 2 }).ok).toBe(true);
    expect(evaluateCondition(doc, { path: 'data.items[1].n', gt: 1, lt: 2 }).ok).toBe(false);
    expect(evaluateCondition(doc, { path: 'data.status', lt: 5 }).ok).toBe(false);
    expect(evaluateCondition(doc, { path: 'data.missing' })).toMatchObject({
      ok: false,
      reason: 'data.missing is missing, expected a value',
    });
    expect(evaluateCondition(doc, { path: 'data.missing', exists: false }).ok).toBe(true);
    expect(evaluateCondition(doc, { path: 'data.items[1].tags', equals: ['a', 'b'] }).ok).toBe(true);
    expect(evaluateCondition(doc, { path: 'data.status', notEquals: 'operational' }).ok).toBe(false);
  });
});

describe('thresholds', () => {
  it('fires at the threshold, higher-is-worse and lower-is-worse', () => {
    expect(levelAbove(9, { warn: 10, crit: 20 })).toBe('ok');
    expect(levelAbove(10, { warn: 10, crit: 20 })).toBe('warning');
    expect(levelAbove(25, { warn: 10, crit: 20 })).toBe('critical');
    expect(levelAbove(1e9, {})).toBe('ok');
    expect(levelBelow(30, { warn: 14, crit: 0 })).toBe('ok');
    expect(levelBelow(14, { warn: 14, crit: 0 })).toBe('warning');
    expect(levelBelow(-1, { warn: 14, crit: 0 })).toBe('critical');
  });
});

describe('optional peer dependencies', () => {
  const missing: ModuleLoader = async (name) => {
    throw Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' });
  };

  it('a missing package names the package to install', async () => {
    await expect(loadPeer('pg', 'postgres', missing)).rejects.toThrow(
      'the postgres check needs the "pg" package: npm install pg',
    );
  });

  it.each([
    ['postgres', 'pg', () => postgresCheck({ loader: missing })],
    ['mysql', 'mysql2', () => mysqlCheck({ loader: missing })],
    ['redis', 'ioredis', () => redisCheck({ loader: missing })],
    ['rabbitmq', 'amqplib', () => rabbitmqCheck({ loader: missing })],
    ['mqtt', 'mqtt', () => mqttCheck({ loader: missing })],
  ])('the %s check asks for "%s" on its first run', async (kind, pkg, make) => {
    await expect(run(make())).rejects.toThrow(
      `the ${kind} check needs the "${pkg}" package: npm install ${pkg}`,
    );
  });

  it('other load errors pass through unchanged, and a later run tries again', async () => {
    let calls = 0;
    const flaky: ModuleLoader = async (name) => {
      calls++;
      if (calls === 1) throw new Error('disk on fire');
      return import(name);
    };
    const check = redisCheck({ port: await closedPort(), loader: flaky });
    await expect(run(check)).rejects.toThrow('disk on fire');
    await expect(run(check)).rejects.toThrow(/ECONNREFUSED|closed/i);
    expect(calls).toBe(2);
  });

  it('the real packages load (named exports and CommonJS default)', async () => {
    const pg = await loadPeer<{ Pool: unknown; Client: unknown }>('pg', 'postgres');
    expect(typeof pg.Pool).toBe('function');
    const amqp = await loadPeer<{ connect: unknown }>('amqplib', 'rabbitmq');
    expect(typeof amqp.connect).toBe('function');
  });
});

describe('checkKinds registry (for the YAML config)', () => {
  it('offers every kind', () => {
    expect(Object.keys(checkKinds).sort()).toEqual(
      [
        'command',
        'dns',
        'http',
        'mqtt',
        'mysql',
        'nats',
        'postgres',
        'rabbitmq',
        'redis',
        'statuskit',
        'tcp',
        'tls',
      ].sort(),
    );
  });

  it('rejects a misspelt or badly typed option with the kind and the path', () => {
    expect(() => createCheck('tcp', { port: 80, timeoutMS: 5 })).toThrow(
      /invalid options for the tcp check: .*timeoutMS/,
    );
    expect(() => createCheck('http', { url: 'not a url' })).toThrow(
      /invalid options for the http check: url/,
    );
    expect(() => createCheck('tcp', { port: 70000 })).toThrow(/port/);
    expect(() => createCheck('smtp', {})).toThrow('unknown check kind "smtp"; known: postgres, mysql');
  });

  it('creates working checks from plain (YAML-shaped) options', async () => {
    const check = createCheck('command', {
      command: 'sh',
      args: ['-c', 'exit 4'],
      exitLevels: { '4': 'warning' },
    });
    expect((await run(check)).level).toBe('warning');
    const parsed = checkKinds.http.schema.parse({
      url: 'http://127.0.0.1/',
      expect: [{ path: 'a[0].b', in: [1, 2] }],
    });
    expect(parsed.expect).toEqual([{ path: 'a[0].b', in: [1, 2] }]);
    await expect(run(createCheck('tcp', { port: await closedPort() }))).rejects.toThrow(/ECONNREFUSED/);
  });
});
