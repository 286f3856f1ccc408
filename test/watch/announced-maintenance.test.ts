/** Seed 002's maintenance notices read for their times: what a target announces, or nothing. */
import { describe, expect, it } from 'vitest';
import { announcedMaintenance } from '../../src/watch/assess.js';

const at = (iso: string) => Date.parse(iso);

describe('announced maintenance', () => {
  it('reads a schedule at notice or data.notice, and the end of one in progress', () => {
    expect(
      announcedMaintenance({
        notice: {
          type: 'scheduled_maintenance',
          start: '2030-01-01T02:00:00Z',
          estimated_completion: '2030-01-01T03:00:00Z',
        },
      }),
    ).toEqual({ phase: 'scheduled', start: at('2030-01-01T02:00:00Z'), end: at('2030-01-01T03:00:00Z') });
    expect(
      announcedMaintenance({
        data: { notice: { type: 'maintenance', estimated_completion: '2030-01-01T03:00:00Z' } },
      }),
    ).toEqual({ phase: 'in_progress', end: at('2030-01-01T03:00:00Z') });
  });

  it('gives nothing for what it cannot place in time', () => {
    const bad: unknown[] = [
      null,
      'text',
      { notice: { type: 'scheduled_maintenance' } },
      { notice: { type: 'scheduled_maintenance', start: 'tomorrow-ish' } },
      { notice: { type: 'scheduled_maintenance', start: 42 } },
      { notice: { type: 'scheduled_maintenance', start: `2030-01-01T02:00:00Z${' '.repeat(100)}` } },
      { notice: { type: 'maintenance' } },
      { notice: { type: 'outage', start: '2030-01-01T02:00:00Z' } },
    ];
    for (const body of bad) expect(announcedMaintenance(body as never)).toBeUndefined();
    // An end before the start is dropped, the start kept.
    expect(
      announcedMaintenance({
        notice: {
          type: 'scheduled_maintenance',
          start: '2030-01-01T02:00:00Z',
          estimated_completion: '2029-01-01T00:00:00Z',
        },
      }),
    ).toEqual({ phase: 'scheduled', start: at('2030-01-01T02:00:00Z') });
  });
});
