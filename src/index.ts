// statuskit's public API. Areas export from their own index; this file gathers them.

export * from './access/index.js';
export * from './checks/index.js';
export * from './cluster/index.js';
export * from './config/index.js';
export * from './dashboard/index.js';
export type { LevelOverride, StatusHost } from './host.js';
export { RequestContext } from './http/context.js';
export {
  type EndpointPaths,
  type MetricsRenderer,
  type Middleware,
  type Removal,
  type Route,
  StatusEndpoint,
} from './http/handler.js';
export type {
  ProbeAnswer,
  ProbeKind,
  ReadinessReview,
  ReadinessScope,
  ReadinessVerdict,
} from './http/probe-answers.js';
export { type HealthGroupOptions, type ProbeGroupOptions, worstOfAll } from './http/probes.js';
export { parseRequestTarget, type RequestTarget } from './http/target.js';
export type {
  HandlerResult,
  PassThrough,
  RequestHandler,
  StatusRequest,
  StatusResponse,
} from './http/types.js';
export * from './info/index.js';
export * from './lifecycle/index.js';
export * from './limits/index.js';
export * from './live/index.js';
export * from './maintenance/index.js';
export * from './metrics/index.js';
export * from './model/index.js';
export type { EnvelopeOptions } from './render/envelope.js';
export type { HealthIdentity } from './render/health-json.js';
export type { LayoutOptions } from './render/layout.js';
export { formatTimestamp, type TimestampFormat } from './render/timestamp.js';
export {
  type CloseOptions,
  createStatus,
  type ListenOptions,
  type RunningServer,
  StatusKit,
  type StatusOptions,
} from './status.js';
export { Announcer, type ChangeSignal } from './tree/change-signal.js';
export type { CheckOptions, CheckRunner } from './tree/check-runner.js';
export { detailsShown, documentDuration, overallStatus, timestamp } from './tree/leaves.js';
export type { NodeOptions, NodeRenderOptions, StatusReadable } from './tree/nodes.js';
export { formatPath, getAtPath, PathSyntaxError, parsePath } from './tree/paths.js';
export type { Snapshot, SnapshotNode } from './tree/snapshot.js';
export { MountError } from './tree/tree.js';
export { type Duration, parseDuration } from './util/duration.js';
export * from './vitals/index.js';
export * from './watchdog/index.js';
