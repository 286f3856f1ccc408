import { z } from 'zod';
import type { CheckFunction } from '../model/index.js';
import { commandCheck } from './command.js';
import { DNS_RECORD_TYPES, dnsCheck } from './dns.js';
import { httpCheck } from './http.js';
import { mqttCheck } from './mqtt.js';
import { mysqlCheck } from './mysql.js';
import { natsCheck } from './nats.js';
import { postgresCheck } from './postgres.js';
import { checkQueueThresholds, rabbitmqCheck } from './rabbitmq.js';
import { redisCheck } from './redis.js';
import { statuskitCheck } from './statuskit.js';
import { tcpCheck } from './tcp.js';
import { checkLatencyThresholds } from './thresholds.js';
import { checkExpiryThresholds, tlsCheck } from './tls.js';

/**
 * Check kinds for the YAML config: each has a Zod schema of the options that can be written in YAML
 * (no live objects such as an app's pool) and a factory. Schemas are strict, so a misspelt option is
 * an error at load time rather than a silently ignored setting.
 */
export interface CheckKind<S extends z.ZodType = z.ZodType> {
  schema: S;
  create(options: z.infer<S>): CheckFunction;
  /**
   * What the schema cannot say (thresholds in order), checked by `create` too; the config runs it
   * at validation, so `config check` finds what `serve` would refuse. Throws a CheckOptionError.
   */
  validate?(options: z.infer<S>): void;
}

const port = z.number().int().min(1).max(65_535);
const timeoutMs = z.number().int().positive().optional();
const ms = z.number().nonnegative().optional();
const headers = z.record(z.string(), z.string()).optional();
const pem = z.union([z.string(), z.array(z.string())]).optional();
const level = z.enum(['ok', 'unknown', 'warning', 'maintenance', 'critical']);

const jsonCondition = z.strictObject({
  path: z.string(),
  equals: z.unknown().optional(),
  notEquals: z.unknown().optional(),
  in: z.array(z.unknown()).optional(),
  matches: z.string().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
  gt: z.number().optional(),
  gte: z.number().optional(),
  exists: z.boolean().optional(),
});

const httpBase = {
  url: z.url(),
  method: z.string().optional(),
  headers,
  body: z.string().optional(),
  insecure: z.boolean().optional(),
  ca: pem,
  maxBodyBytes: z.number().int().positive().optional(),
  timeoutMs,
};

const sqlConnection = {
  host: z.string().optional(),
  port: port.optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  database: z.string().optional(),
  poolSize: z.number().int().positive().optional(),
  timeoutMs,
};

function kind<S extends z.ZodType>(
  schema: S,
  create: (options: z.infer<S>) => CheckFunction,
  validate?: (options: z.infer<S>) => void,
): CheckKind<S> {
  return { schema, create, validate };
}

export const checkKinds = {
  postgres: kind(
    z.strictObject({
      ...sqlConnection,
      connectionString: z.string().optional(),
      ssl: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
    }),
    postgresCheck,
  ),
  mysql: kind(z.strictObject({ ...sqlConnection, uri: z.string().optional() }), mysqlCheck),
  redis: kind(
    z.strictObject({
      url: z.string().optional(),
      host: z.string().optional(),
      port: port.optional(),
      username: z.string().optional(),
      password: z.string().optional(),
      db: z.number().int().nonnegative().optional(),
      timeoutMs,
    }),
    redisCheck,
  ),
  rabbitmq: kind(
    z.strictObject({
      url: z.string().optional(),
      queues: z
        .array(z.union([z.string(), z.strictObject({ name: z.string(), warn: ms, crit: ms })]))
        .optional(),
      warn: ms,
      crit: ms,
      timeoutMs,
    }),
    rabbitmqCheck,
    checkQueueThresholds,
  ),
  nats: kind(
    z.strictObject({
      server: z.string().optional(),
      ca: pem,
      user: z.string().optional(),
      pass: z.string().optional(),
      token: z.string().optional(),
      timeoutMs,
    }),
    natsCheck,
  ),
  mqtt: kind(
    z.strictObject({
      url: z.string().optional(),
      username: z.string().optional(),
      password: z.string().optional(),
      clientId: z.string().optional(),
      timeoutMs,
    }),
    mqttCheck,
  ),
  http: kind(
    z.strictObject({
      ...httpBase,
      expectStatus: z.union([z.number().int(), z.array(z.number().int())]).optional(),
      expect: z.union([jsonCondition, z.array(jsonCondition)]).optional(),
      warnMs: ms,
      critMs: ms,
    }),
    httpCheck,
    checkLatencyThresholds,
  ),
  statuskit: kind(
    z.strictObject({
      ...httpBase,
      statusPath: z.string().optional(),
      vocabularies: z
        .array(z.enum(['canonical', 'okKo', 'okError', 'operational', 'passFail', 'upDown']))
        .optional(),
    }),
    statuskitCheck,
  ),
  tcp: kind(
    z.strictObject({ host: z.string().optional(), port, timeoutMs, warnMs: ms, critMs: ms }),
    tcpCheck,
    checkLatencyThresholds,
  ),
  dns: kind(
    z.strictObject({
      hostname: z.string().min(1),
      rrtype: z.enum(DNS_RECORD_TYPES).optional(),
      servers: z.array(z.string()).optional(),
      minRecords: z.number().int().nonnegative().optional(),
      timeoutMs,
    }),
    dnsCheck,
  ),
  tls: kind(
    z.strictObject({
      host: z.string().min(1),
      port: port.optional(),
      servername: z.string().optional(),
      warnDays: z.number().optional(),
      critDays: z.number().optional(),
      allowUntrusted: z.boolean().optional(),
      ca: pem,
      timeoutMs,
    }),
    tlsCheck,
    checkExpiryThresholds,
  ),
  command: kind(
    z.strictObject({
      command: z.string().min(1),
      args: z.array(z.string()).optional(),
      cwd: z.string().optional(),
      env: z.record(z.string(), z.string()).optional(),
      exitLevels: z.record(z.string().regex(/^\d+$/), level).optional(),
      timeoutMs,
    }),
    (options) => commandCheck({ ...options, exitLevels: exitLevelsFrom(options.exitLevels) }),
  ),
} satisfies Record<string, CheckKind>;

export type CheckKindName = keyof typeof checkKinds;

/** Validates YAML options for `kind` and creates the check; errors name the kind and the bad option. */
export function createCheck(kindName: string, options: unknown): CheckFunction {
  const found = (checkKinds as Record<string, CheckKind>)[kindName];
  if (!found)
    throw new Error(`unknown check kind "${kindName}"; known: ${Object.keys(checkKinds).join(', ')}`);
  const parsed = found.schema.safeParse(options ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new Error(`invalid options for the ${kindName} check: ${issues.join('; ')}`);
  }
  return found.create(parsed.data);
}

function exitLevelsFrom(map: Record<string, z.infer<typeof level>> | undefined) {
  if (!map) return undefined;
  return Object.fromEntries(Object.entries(map).map(([code, lvl]) => [Number(code), lvl]));
}
