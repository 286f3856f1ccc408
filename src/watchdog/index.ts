export type { WatchdogAnswer } from './answers.js';
export type { WatchdogRecord } from './record.js';
export {
  type BlockReport,
  type SourceState,
  Watchdog,
  type WatchdogAddress,
  type WatchdogOptions,
  type WatchdogSource,
  type WatchdogView,
} from './watchdog.js';
