export { frameText, LiveEvent } from './event.js';
export { createLiveFeed, LiveFeed, type LiveServer, type LiveStats } from './feed.js';
export { createLogSink, type LogEntry, type LogListener, LogSink, type LogSinkOptions } from './log-sink.js';
export type { AuthResult, CredentialAuthenticator, LiveFeedOptions } from './options.js';
export { type Command, HELP, LiveError, parseCommand, TOPICS, type Topic } from './protocol.js';
export type {
  StatusReadableSource,
  TopicSource,
  TopicSources,
  VitalsSource,
} from './sources.js';
export { levelSignature } from './status-watch.js';
export { SLOW_CLOSE_CODE } from './ws-peer.js';
