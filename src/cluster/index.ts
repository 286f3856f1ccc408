export { type ClusterGuardOptions, type ClusterOptions, createCluster } from './cluster.js';
export { correlatedFailure, failingComponents, type GuardOptions } from './guard.js';
export { ClusterMember, type MemberSettings } from './member.js';
export {
  type ClusterNatsConnection,
  type NatsClusterOptions,
  NatsClusterStore,
  natsClusterStore,
} from './nats-store.js';
export { parseQuorum, type QuorumRule, quorumVerdict, requiredUp } from './quorum.js';
export {
  type ClusterRedisClient,
  type RedisClusterOptions,
  RedisClusterStore,
  redisClusterStore,
} from './redis-store.js';
export { clusterDocument, clusterSummary } from './render.js';
export { type InstanceReport, type InstanceState, parseReport, reportOf } from './report.js';
export type { ClusterStore, StoreSettings } from './store.js';
export {
  type ClusterView,
  type ComponentView,
  type InstanceView,
  type InstanceViewState,
  mergeView,
  type StoredReport,
  unavailableView,
} from './view.js';
