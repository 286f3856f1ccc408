export { frameText, LiveEvent } from './event.js';
export { createLiveFeed, LiveFeed, type LiveServer, type LiveStats } from './feed.js';
export {
  createHistory,
  History,
  type HistoryChart,
  type HistoryInputs,
  type HistoryOptions,
  type HistoryRequest,
  type HistorySample,
  type HistoryStats,
  type HistoryVitals,
  type Transition,
} from './history.js';
export {
  type ChartPoints,
  cpuPoints,
  diskPoints,
  errorPoints,
  eventLoopPoints,
  MAX_CORES,
  memoryPoints,
  networkPoints,
  pressurePoints,
  requestPoints,
} from './history-charts.js';
export { createLogSink, type LogEntry, type LogListener, LogSink, type LogSinkOptions } from './log-sink.js';
export type { AuthResult, CredentialAuthenticator, LiveFeedOptions } from './options.js';
export {
  type Command,
  HELP,
  LiveError,
  parseCommand,
  SLOW_CLOSE_CODE,
  TOPICS,
  type Topic,
} from './protocol.js';
export type {
  StatusReadableSource,
  TopicSource,
  TopicSources,
  VitalsSource,
} from './sources.js';
export { levelSignature } from './status-watch.js';
