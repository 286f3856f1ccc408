import type { MaintenanceState, Occurrence } from './schedule.js';

/**
 * Seed 002's notice: `{ type: 'maintenance', message, estimated_completion }` while a window is in
 * progress; before one starts (within its announcement period) `{ type: 'scheduled_maintenance',
 * message, start, estimated_completion }`. Partial windows name their `components`.
 */
export type NoticeFormat = (occurrence: Occurrence, phase: 'active' | 'upcoming') => Record<string, unknown>;

export const seedNotice: NoticeFormat = (occurrence, phase) => {
  const notice: Record<string, unknown> = {
    type: phase === 'active' ? 'maintenance' : 'scheduled_maintenance',
  };
  notice.message = occurrence.message;
  if (phase === 'upcoming') notice.start = isoSeconds(occurrence.start);
  if (occurrence.estimatedCompletion !== undefined)
    notice.estimated_completion = isoSeconds(occurrence.estimatedCompletion);
  if (occurrence.components !== 'all') notice.components = [...occurrence.components];
  return notice;
};

/** The notice for a state: the main window in progress, else the next announced one. */
export function noticeFor(
  state: MaintenanceState,
  format: NoticeFormat,
): Record<string, unknown> | undefined {
  if (state.active.length > 0) return format(state.active[0], 'active');
  if (state.upcoming.length > 0) return format(state.upcoming[0], 'upcoming');
  return undefined;
}

function isoSeconds(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
