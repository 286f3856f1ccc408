/** `statuskit watch`: poll status APIs, react to transitions, keep history. */

export { type Assessment, assess } from './assess.js';
export {
  type Availability,
  availability,
  COVER_INTERVALS,
  formatPercent,
  type LevelSample,
} from './availability.js';
export { loadWatchConfig, parseWatchConfig, type WatchConfig, watchConfigSchema } from './config.js';
export { fold, NotificationGrouper, type Timers } from './grouping.js';
export type { DayAvailability, Fence, HistoryStore, RecordExtras, ResponseTime } from './history-store.js';
export { eventEnv, HookDispatcher, type HookOptions, runCommand } from './hooks.js';
export { type Judgement, judgeDocument } from './judge.js';
export { type Notification, notificationBody } from './notification.js';
export { type CommandLineSettings, planWatch, type WatchPlan } from './plan.js';
export { PushBoard, pushRoute, pushVerdict } from './push.js';
export { loadPlan, type PlanLoad, WatchReloader } from './reload.js';
export { replayTarget, type TargetReplay } from './replay.js';
export { buildReport, type HistoryReport, reportJson, reportText } from './report.js';
export { DEFAULT_RETAIN_MS, pruneDue, pruneEvery, retentionCutoff } from './retention.js';
export { type SavedAnswer, testTarget } from './rule-test.js';
export { type Answer, lazyAnswer } from './rules/answer.js';
export { parseRule, RuleError } from './rules/parse.js';
export {
  compileRules,
  judgeRules,
  type RuleSet,
  type RuleSpec,
  type RulesOutcome,
  type RuleVerdict,
} from './rules/rule-set.js';
export { HistoryUnavailableError } from './sqlite.js';
export { componentOf, serveWatcher } from './status-server.js';
export { type Sample, SqliteHistoryStore, type TransitionRecord } from './store.js';
export { resolveTarget, type WatchTarget } from './target.js';
export { type ChangedTarget, diffSummary, diffTargets, startsFresh, type TargetDiff } from './target-diff.js';
export { eventBody, type TransitionEvent } from './transition-event.js';
export { type Debounce, observe, type TargetState, type Transition } from './transitions.js';
export {
  type TargetView,
  Watcher,
  type WatcherListener,
  type WatcherOptions,
  type WatcherSettings,
} from './watcher.js';
export { postWebhook, type WebhookOutcome, webhookBody } from './webhook.js';
