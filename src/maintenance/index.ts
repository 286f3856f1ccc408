export { type AdminOptions, authorizeAdmin, windowInputOf } from './admin.js';
export { CronError, type CronOptions, type CronSchedule, parseCron } from './cron.js';
export { EARLIEST_INSTANT, LATEST_INSTANT, readInstant } from './instant.js';
export { ConflictError, createMaintenance, Maintenance, type MaintenanceOptions } from './maintenance.js';
export { type NoticeFormat, noticeFor, seedNotice } from './notice.js';
export { type MaintenanceState, type Occurrence, stateAt } from './schedule.js';
export { loadState, type PersistedState, saveState } from './state-file.js';
export {
  DEFAULT_MESSAGE,
  type MaintenanceWindow,
  type RecurringDefaults,
  type RecurringInput,
  type RecurringWindow,
  resolveRecurring,
  resolveWindow,
  restoreWindow,
  type TimeInput,
  WindowError,
  type WindowInput,
} from './window.js';
export { resolveTimeZone, type TimeZone, TimeZoneError } from './zone.js';
