/**
 * The config file's schema: the whole agent (server, status tree, doors, access) in one document.
 * Everything is strict: a misspelt key is an error at start, never a silently ignored setting.
 */
import { z } from 'zod';
import { type CheckKind, checkKinds } from '../checks/index.js';
import { CheckOptionError } from '../checks/thresholds.js';
import { DEFAULT_PATHS } from '../http/handler.js';
import { GROUP_NAME, GROUP_NAME_RULE, shadowedGroups } from '../http/probes.js';
import { closestName } from '../util/suggest.js';
import { PRESSURE_KINDS, PRESSURE_RESOURCES, PRESSURE_SCOPES, PRESSURE_WINDOWS } from '../vitals/index.js';
import { cluster } from './cluster-schema.js';
import { type ConfigProblem, problemsFromIssues } from './errors.js';
import {
  duration,
  level,
  mountPath,
  percent,
  port,
  runnerOptions,
  WHEN_FIELDS_VALID,
  WHOLE_MESSAGE,
  withDurationFields,
} from './fields.js';
import { maintenance } from './maintenance-schema.js';
import { otel } from './otel-schema.js';
import { type VitalsKind, validateVitalsOptions } from './vitals-options.js';

const words = z.partialRecord(level, z.string());

const vocabulary = z.union([
  z.enum(['canonical', 'okKo', 'okError', 'operational', 'passFail', 'upDown']),
  z.strictObject({ name: z.string().optional(), overall: words, component: words.optional() }),
]);

const layout = z.strictObject({
  components: z.enum(['object', 'word']).optional(),
  statusKey: z.string().optional(),
  componentDuration: z.boolean().optional(),
  componentTime: z.boolean().optional(),
  componentReason: z.boolean().optional(),
  messageKey: z.string().optional(),
  overallStatusKey: z.union([z.string(), z.literal(false)]).optional(),
  durationKey: z.union([z.string(), z.literal(false)]).optional(),
});

const envelope = z.union([
  z.boolean(),
  z.strictObject({
    message: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    suggestions: z.record(z.string(), z.string()).optional(),
  }),
]);

/** Identity fields: shown at the top of the document (kept in summaries) and in health+json. */
const identity = z
  .strictObject({
    name: z.string().optional(),
    version: z.string().optional(),
    environment: z.string().optional(),
    datacenter: z.string().optional(),
    releaseId: z.string().optional(),
    serviceId: z.string().optional(),
    description: z.string().optional(),
    hostName: z.union([z.string(), z.literal(true)]).optional(),
  })
  .meta({ description: 'Identity fields; hostName: true reports os.hostname()' });

const server = z.strictObject({
  host: z.string().optional(),
  port: port.optional(),
  /** On SIGTERM, readiness answers 503 this long before the listener stops accepting. */
  drainDelay: duration.optional(),
  /** In-flight requests get this long on shutdown. */
  shutdownGrace: duration.optional(),
});

const paths = z.strictObject({
  status: mountPath.optional(),
  live: mountPath.optional(),
  ready: mountPath.optional(),
  started: mountPath.optional(),
  /** Named groups are served at `<groups>/<name>`. */
  groups: mountPath.optional(),
  metrics: mountPath.optional(),
  info: mountPath.optional(),
});

const componentList = z.array(z.string().min(1));

/** Components a probe depends on (`checks.disk`, `database`), and those it leaves out. */
const probeGroup = z.strictObject({
  include: componentList.min(1).optional(),
  exclude: componentList.optional(),
});
const probes = z
  .strictObject({
    readiness: probeGroup.optional(),
    liveness: probeGroup.optional(),
    /** Starting until these components pass (the agent has no app to say it started). */
    startup: z.strictObject({ include: componentList.min(1) }).optional(),
  })
  .meta({ description: 'Components /health/ready (default: all) and /health/live (default: none) follow' });

/** Named health groups, each at `/health/<name>` and `/status?group=<name>`. */
const groups = z.record(
  z.string(),
  z.strictObject({
    include: componentList.min(1).optional(),
    exclude: componentList.optional(),
    httpCodes: z.partialRecord(level, z.number().int().min(100).max(599)).optional(),
    /** Whether callers whose tier shows details see the members (default true). */
    details: z.boolean().optional(),
  }),
);

/** Group names are path segments, and `<groups>/<name>` must not be another door's path. */
function checkGroups(
  config: { groups?: Record<string, unknown>; paths?: Record<string, unknown> },
  ctx: z.RefinementCtx,
) {
  const names = Object.keys(config.groups ?? {});
  for (const name of names.filter((n) => !GROUP_NAME.test(n)))
    ctx.addIssue({ code: 'custom', path: ['groups', name], message: GROUP_NAME_RULE, params: WHOLE_MESSAGE });
  const paths = { ...DEFAULT_PATHS, ...config.paths } as { groups?: string | false; status?: string | false };
  if (paths.groups && paths.groups === paths.status) {
    const message = `${paths.groups} is the status path; groups there would hide components`;
    ctx.addIssue({ code: 'custom', path: ['paths', 'groups'], message, params: WHOLE_MESSAGE });
  }
  for (const { name, message } of shadowedGroups(
    paths,
    names.filter((n) => GROUP_NAME.test(n)),
  ))
    ctx.addIssue({ code: 'custom', path: ['groups', name], message, params: WHOLE_MESSAGE });
}

/** A thread with its own port that answers the probes and the last document while the main loop is blocked. */
const watchdog = z.union([
  z.boolean(),
  z.strictObject({
    port: port.optional(),
    host: z.string().optional(),
    threshold: duration.optional(),
    heartbeat: duration.optional(),
    publishEvery: duration.optional(),
    maxRecordBytes: z.number().int().min(1024).optional(),
  }),
]);

/** `/info`: the agent's name and version from package.json, the build's commit and time from env or a file. */
const info = z.union([
  z.literal(false),
  z.strictObject({
    packageJson: z.union([z.string(), z.literal(false)]).optional(),
    file: z.union([z.string(), z.literal(false)]).optional(),
    name: z.string().optional(),
    version: z.string().optional(),
    commit: z.string().optional(),
    branch: z.string().optional(),
    buildTime: z.string().optional(),
    extra: z.record(z.string(), z.unknown()).optional(),
  }),
]);

/** Where the lifecycle state (starting, ready, draining, stopped) appears in the document; false for nowhere. */
const lifecycle = z.union([z.literal(false), z.strictObject({ mount: z.string().min(1).optional() })]);

const diskOptions = {
  warnFreePercent: percent.optional(),
  critFreePercent: percent.optional(),
  warnFreeBytes: z.number().nonnegative().optional(),
  critFreeBytes: z.number().nonnegative().optional(),
  mounts: z.array(z.string()).optional(),
  staleLevel: level.optional(),
};
const memoryOptions = { warnPercent: percent.optional(), critPercent: percent.optional() };
const cpuOptions = { ...memoryOptions, sustained: duration.optional() };
const eventLoopOptions = { warnP99: duration.optional(), critP99: duration.optional() };
const pressureOptions = {
  resource: z.enum(PRESSURE_RESOURCES),
  kind: z.enum(PRESSURE_KINDS).optional(),
  window: z.enum(PRESSURE_WINDOWS).optional(),
  scope: z.enum(PRESSURE_SCOPES).optional(),
  warn: percent.optional(),
  crit: percent.optional(),
};

/**
 * What a check refuses beyond its schema (thresholds out of order), as issues at the option's path,
 * so `config check` reports it with the rest and `serve` never meets it.
 */
function refusedBy(validate: (options: Record<string, unknown>) => void) {
  return (options: Record<string, unknown>, ctx: z.RefinementCtx) => {
    try {
      validate(options);
    } catch (error) {
      if (!(error instanceof CheckOptionError)) throw error;
      ctx.addIssue({ code: 'custom', path: [...error.path], message: error.problem, params: WHOLE_MESSAGE });
    }
  };
}

function vitalsOptions<S extends z.core.$ZodLooseShape>(kind: VitalsKind, shape: S) {
  return z.strictObject(shape).superRefine(
    refusedBy((options) => validateVitalsOptions(kind, options)),
    WHEN_FIELDS_VALID,
  );
}

/** Threshold checks over this host's vitals; they share the agent's one vitals sampler. */
export const VITALS_KINDS = {
  disk: vitalsOptions('disk', { check: z.literal('disk'), ...diskOptions, ...runnerOptions }),
  memory: vitalsOptions('memory', { check: z.literal('memory'), ...memoryOptions, ...runnerOptions }),
  cpu: vitalsOptions('cpu', { check: z.literal('cpu'), ...cpuOptions, ...runnerOptions }),
  eventLoop: vitalsOptions('eventLoop', {
    check: z.literal('eventLoop'),
    ...eventLoopOptions,
    ...runnerOptions,
  }),
  pressure: vitalsOptions('pressure', { check: z.literal('pressure'), ...pressureOptions, ...runnerOptions }),
};

/** The dependency checks of src/checks, their `*Ms` options also written as durations. */
const DEPENDENCY_KINDS = Object.fromEntries(
  Object.entries(checkKinds as Record<string, CheckKind>).map(([name, kind]) => {
    const schema = withDurationFields(kind.schema as z.ZodObject).extend({
      check: z.literal(name),
      ...runnerOptions,
    });
    const validate = kind.validate;
    return [name, validate ? schema.superRefine(refusedBy(validate), WHEN_FIELDS_VALID) : schema];
  }),
);

/** Every component kind by its `check` name. */
const COMPONENT_KINDS: Record<string, z.ZodObject> = { ...DEPENDENCY_KINDS, ...VITALS_KINDS };

export const CHECK_KIND_NAMES = Object.keys(COMPONENT_KINDS);

const component = z.discriminatedUnion(
  'check',
  Object.values(COMPONENT_KINDS) as [z.ZodObject, ...z.ZodObject[]],
);

/**
 * A component whose `check` names no kind gets one problem from the schema ("expected one of …").
 * Its other options are still checked, so one edit fixes them all: against the kind the name was
 * probably meant to be (`htp` -> `http`), else against the runner options every kind shares.
 */
export function unknownKindProblems(raw: unknown): ConfigProblem[] {
  const components = (raw as { components?: unknown } | null)?.components;
  if (!isRecord(components)) return [];
  return Object.entries(components).flatMap(([path, spec]) => {
    if (!isRecord(spec) || (typeof spec.check === 'string' && spec.check in COMPONENT_KINDS)) return [];
    const meant = typeof spec.check === 'string' ? closestName(spec.check, CHECK_KIND_NAMES) : undefined;
    const schema = meant ? COMPONENT_KINDS[meant] : z.looseObject(runnerOptions);
    const parsed = schema.safeParse({ ...spec, check: meant });
    if (parsed.success) return [];
    const issues = parsed.error.issues.map((issue) => ({
      ...issue,
      path: ['components', path, ...issue.path],
    }));
    return problemsFromIssues(issues, raw);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const vitals = z.union([
  z.literal(false),
  z.strictObject({
    /** Where host vitals appear in the document. Default `host`. */
    mount: z.string().optional(),
    /** Where the agent's own process vitals appear. Default `process`; `false` for none. */
    processMount: z.union([z.string(), z.literal(false)]).optional(),
    /** Background sampling interval (default 1 s): every read between two ticks serves the latest one. */
    interval: duration.optional(),
    /** Threshold checks mounted under `checks.*`; `false` turns one off. */
    disk: z.union([z.literal(false), vitalsOptions('disk', { ...diskOptions, ...runnerOptions })]).optional(),
    memory: z
      .union([z.literal(false), vitalsOptions('memory', { ...memoryOptions, ...runnerOptions })])
      .optional(),
    eventLoop: z
      .union([z.literal(false), vitalsOptions('eventLoop', { ...eventLoopOptions, ...runnerOptions })])
      .optional(),
    cpu: z.union([z.literal(false), vitalsOptions('cpu', { ...cpuOptions, ...runnerOptions })]).optional(),
  }),
]);

const identityFields = {
  id: z.string().optional(),
  name: z.string().optional(),
  tier: z.string().optional(),
  roles: z.array(z.string()).optional(),
};
const digestHash = z.enum(['SHA-256', 'SHA-512-256', 'MD5']);
const digestAlgorithm = z.enum([
  'SHA-256',
  'SHA-256-sess',
  'SHA-512-256',
  'SHA-512-256-sess',
  'MD5',
  'MD5-sess',
]);
const user = z.strictObject({
  username: z.string().min(1),
  password: z.string().optional(),
  ha1: z.string().optional(),
  /** The hash `ha1` was made with. */
  algorithm: digestHash.optional(),
  ...identityFields,
});

const auth = z.strictObject({
  /** What callers without credentials get: refuse, summary (default), details, or a tier name. */
  anonymous: z.string().optional(),
  apiKeys: z
    .strictObject({
      header: z.string().optional(),
      queryParameter: z.string().optional(),
      keys: z.array(
        z.strictObject({ key: z.string().optional(), sha256: z.string().optional(), ...identityFields }),
      ),
    })
    .optional(),
  tokenPairs: z
    .strictObject({
      tokenHeader: z.string().optional(),
      keyHeader: z.string().optional(),
      pairs: z.array(z.strictObject({ token: z.string(), key: z.string(), ...identityFields })),
    })
    .optional(),
  basic: z.strictObject({ realm: z.string().optional(), users: z.array(user) }).optional(),
  digest: z
    .strictObject({
      realm: z.string().optional(),
      secret: z.string().optional(),
      algorithms: z.array(digestAlgorithm).min(1).optional(),
      nonceLifetime: duration.optional(),
      /** Offer `userhash=true`: clients may send H(username:realm) instead of the name. */
      userhash: z.boolean().optional(),
      users: z.array(user),
    })
    .optional(),
  jwt: z
    .strictObject({
      secret: z.string().optional(),
      publicKey: z.string().optional(),
      jwksUrl: z.url().optional(),
      algorithms: z.array(z.string()).optional(),
      issuer: z.union([z.string(), z.array(z.string())]).optional(),
      audience: z.union([z.string(), z.array(z.string())]).optional(),
      clockTolerance: duration.optional(),
      /** Refuse tokens without `exp` (default true). */
      requireExp: z.boolean().optional(),
      rolesClaim: z.string().optional(),
      tierClaim: z.string().optional(),
      roleTiers: z.record(z.string(), z.string()).optional(),
      defaultTier: z.string().optional(),
    })
    .optional(),
  throttle: z
    .union([
      z.literal(false),
      z.strictObject({
        maxFailures: z.number().int().positive().optional(),
        maxTargetFailures: z.number().int().positive().optional(),
        window: duration.optional(),
        block: duration.optional(),
      }),
    ])
    .optional(),
});

const tiers = z.record(z.string(), z.strictObject({ details: z.boolean(), messages: z.boolean() }));

const metrics = z.union([
  z.boolean(),
  z.strictObject({
    prefix: z.string().optional(),
    processMetrics: z.boolean().optional(),
    meterRates: z.boolean().optional(),
    /** `/metrics` renderings are served this long before rendering again. Default 1 s; 0 renders every scrape. */
    cache: duration.optional(),
  }),
]);

const historyDuration = duration.refine((ms) => ms > 0, { message: 'expected a duration above 0' });

/** The WebSocket feed (seed 003's commands) and Server-Sent Events. */
const live = z.union([
  z.literal(false),
  z.strictObject({
    wsPath: mountPath.optional(),
    ssePath: mountPath.optional(),
    /** Whether WebSocket commands wait for `auth <credential>` (default: when auth is configured). */
    requireAuth: z.boolean().optional(),
    authTimeout: duration.optional(),
    maxConnections: z.number().int().positive().optional(),
    /** Unsent bytes one connection may hold before it is cut as not reading. */
    maxBufferedBytes: z.number().int().positive().optional(),
    /** Unsent bytes all connections together may hold; past it the largest holders are dropped. */
    maxTotalBufferedBytes: z.number().int().positive().optional(),
    heartbeatInterval: duration.optional(),
    allowedOrigins: z.array(z.string()).optional(),
    plainTextErrors: z.boolean().optional(),
    intervals: z
      .partialRecord(z.enum(['status', 'sysinfo', 'cpu', 'network', 'requests', 'metrics']), duration)
      .optional(),
    /** The server-side history behind the dashboard's charts and timeline (docs/live.md), or `false`. */
    history: z
      .union([
        z.literal(false),
        z.strictObject({
          interval: historyDuration.optional(),
          span: historyDuration.optional(),
          coarseInterval: historyDuration.optional(),
          coarseSpan: historyDuration.optional(),
          statusInterval: historyDuration.optional(),
          maxSeries: z.number().int().positive().optional(),
          maxTransitions: z.number().int().positive().optional(),
        }),
      ])
      .optional(),
  }),
]);

const dashboard = z.union([
  z.literal(false),
  z.strictObject({
    path: z.string().regex(/^\//, 'expected a path starting with "/"').optional(),
    title: z.string().optional(),
    transport: z.enum(['auto', 'websocket', 'sse']).optional(),
  }),
]);

const rateLimits = z.strictObject({
  /** Budget per tier: `{ limit: 60, window: 1m }`, or `false` for unlimited. */
  tiers: z.record(
    z.string(),
    z.union([z.literal(false), z.strictObject({ limit: z.number().int().positive(), window: duration })]),
  ),
  defaultTier: z.string().optional(),
  /** Where the caller's own budget appears in the document (seed 002's `account`); false for none. */
  account: z.union([z.string(), z.literal(false)]).optional(),
});

// Defaults apply to every check; a description or summary flag belongs to one component.
const { description: _description, summary: _summary, ...defaultableRunnerOptions } = runnerOptions;
const checkDefaults = z.strictObject(defaultableRunnerOptions);

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    server: server.optional(),
    identity: identity.optional(),
    vocabulary: vocabulary.optional(),
    layout: layout.optional(),
    envelope: envelope.optional(),
    httpCodes: z.partialRecord(level, z.number().int().min(100).max(599)).optional(),
    deadline: duration.optional(),
    paths: paths.optional(),
    probes: probes.optional(),
    groups: groups.optional(),
    watchdog: watchdog.optional(),
    info: info.optional(),
    lifecycle: lifecycle.optional(),
    checkDefaults: checkDefaults.optional(),
    vitals: vitals.optional(),
    components: z.record(z.string(), component).optional(),
    metrics: metrics.optional(),
    auth: auth.optional(),
    tiers: tiers.optional(),
    rateLimits: rateLimits.optional(),
    maintenance: maintenance.optional(),
    live: live.optional(),
    dashboard: dashboard.optional(),
    cluster: cluster.optional(),
    otel: otel.optional(),
  })
  .superRefine(checkGroups, WHEN_FIELDS_VALID)
  .meta({ title: 'statuskit agent configuration' });

/** A validated config: durations are milliseconds. */
export type AgentConfig = z.output<typeof configSchema>;
export type ComponentConfig = { check: string } & Record<string, unknown>;
