import { afterEach, describe, expect, it } from 'vitest';
import { buildAgent, formatProblem, validateConfig } from '../../src/config/index.js';
import {
  createMaintenance,
  parseCron,
  type RecurringInput,
  resolveTimeZone,
  TimeZoneError,
} from '../../src/maintenance/index.js';
import { closeServers, seedStatus, serve } from './harness.js';

afterEach(closeServers);

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The first `count` starts of a cron schedule strictly after `from`. */
function starts(cron: string, timeZone: string, from: string, count = 3): string[] {
  const schedule = parseCron(cron, { timeZone });
  const out: string[] = [];
  let t = Date.parse(from);
  for (let i = 0; i < count; i++) {
    t = schedule.next(t)!;
    out.push(iso(t));
  }
  return out;
}

/** One recurring window under an injected clock: `at(time)` is the occurrence in progress then. */
function windowClock(window: RecurringInput, timeZone?: string) {
  let now = 0;
  const maintenance = createMaintenance(seedStatus(), {
    clock: () => now,
    announce: '0s',
    timeZone,
    recurring: [{ id: 'w', ...window }],
  });
  return (time: string) => {
    now = Date.parse(time);
    // refresh(), not state: some tests move the clock back, and state only moves forward.
    const [occurrence] = maintenance.refresh().active;
    return occurrence && `${iso(occurrence.start)} -> ${iso(occurrence.end!)}`;
  };
}

describe('time-zone data', () => {
  it("Node's ICU knows the zones used here, and names are canonicalized", () => {
    const zones = Intl.supportedValuesOf('timeZone');
    for (const zone of ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe'])
      expect(zones).toContain(zone);
    // ICU lists Kolkata under its older name; the name as written is kept, with its case corrected.
    expect(zones).toContain('Asia/Calcutta');
    expect(resolveTimeZone('Asia/Kolkata').name).toBe('Asia/Kolkata');
    expect(resolveTimeZone('europe/paris').name).toBe('Europe/Paris');
    expect(resolveTimeZone('utc').name).toBe('UTC');
    expect(parseCron('0 2 * * sun').timeZone).toBe('UTC');
  });
});

describe('Europe/Paris', () => {
  it('follows daylight-saving time: 02:00 local is 01:00Z in winter, 00:00Z in summer', () => {
    // The time zone comes from the maintenance-wide default here.
    const at = windowClock({ weekly: { day: 'sun', at: '02:00' }, duration: '2h' }, 'Europe/Paris');
    expect(at('2025-01-05T00:30:00Z')).toBeUndefined();
    expect(at('2025-01-05T01:00:00Z')).toBe('2025-01-05T01:00:00Z -> 2025-01-05T03:00:00Z');
    expect(at('2025-07-06T00:30:00Z')).toBe('2025-07-06T00:00:00Z -> 2025-07-06T02:00:00Z');
    expect(at('2025-07-06T02:30:00Z')).toBeUndefined();
  });

  it('spring-forward week: a start in the gap runs when the gap ends; durations are elapsed time', () => {
    // 2025-03-30: 02:00 CET jumps to 03:00 CEST (01:00Z); 02:30 does not exist that night.
    expect(starts('30 2 * * sun', 'Europe/Paris', '2025-03-20T00:00:00Z')).toEqual([
      '2025-03-23T01:30:00Z',
      '2025-03-30T01:00:00Z',
      '2025-04-06T00:30:00Z',
    ]);
    const at = windowClock({ weekly: { day: 'sun', at: '02:30' }, duration: '1h', timeZone: 'Europe/Paris' });
    expect(at('2025-03-30T00:59:00Z')).toBeUndefined();
    // 03:00 to 04:00 CEST: one real hour.
    expect(at('2025-03-30T01:00:00Z')).toBe('2025-03-30T01:00:00Z -> 2025-03-30T02:00:00Z');
    expect(at('2025-03-30T02:00:00Z')).toBeUndefined();
    // "Every Sunday 02:00 for 2h": that night 03:00 to 05:00 CEST.
    const sunday = windowClock({
      weekly: { day: 'sun', at: '02:00' },
      duration: '2h',
      timeZone: 'Europe/Paris',
    });
    expect(sunday('2025-03-30T02:30:00Z')).toBe('2025-03-30T01:00:00Z -> 2025-03-30T03:00:00Z');
    // Two starts inside the gap run once, at its end.
    expect(starts('0,30 2 * * *', 'Europe/Paris', '2025-03-29T12:00:00Z')).toEqual([
      '2025-03-30T01:00:00Z',
      '2025-03-31T00:00:00Z',
      '2025-03-31T00:30:00Z',
    ]);
  });

  it('fall-back week: a local time shown twice starts once, at its first occurrence', () => {
    // 2025-10-26: 03:00 CEST goes back to 02:00 CET (01:00Z); 02:30 happens at 00:30Z and 01:30Z.
    expect(starts('30 2 * * sun', 'Europe/Paris', '2025-10-15T00:00:00Z')).toEqual([
      '2025-10-19T00:30:00Z',
      '2025-10-26T00:30:00Z',
      '2025-11-02T01:30:00Z',
    ]);
    const at = windowClock({ weekly: { day: 'sun', at: '02:30' }, duration: '1h', timeZone: 'Europe/Paris' });
    expect(at('2025-10-26T00:45:00Z')).toBe('2025-10-26T00:30:00Z -> 2025-10-26T01:30:00Z');
    expect(at('2025-10-26T01:30:00Z')).toBeUndefined();
    expect(at('2025-10-26T02:15:00Z')).toBeUndefined();
    expect(starts('*/30 2 * * *', 'Europe/Paris', '2025-10-25T12:00:00Z')).toEqual([
      '2025-10-26T00:00:00Z',
      '2025-10-26T00:30:00Z',
      '2025-10-27T01:00:00Z',
    ]);
  });

  it('a window crossing midnight over the spring-forward night lasts its elapsed duration', () => {
    const at = windowClock({ weekly: { day: 'sat', at: '23:00' }, duration: '4h', timeZone: 'Europe/Paris' });
    // Saturday 23:00 CET to Sunday 04:00 CEST: the clock shows five hours, four have passed.
    expect(at('2025-03-30T01:30:00Z')).toBe('2025-03-29T22:00:00Z -> 2025-03-30T02:00:00Z');
    expect(at('2025-03-30T02:00:00Z')).toBeUndefined();
  });
});

describe('other zones', () => {
  it('America/New_York: gap and repeated hour, and a Saturday-night window running into Sunday', () => {
    // 2025-03-09: 02:00 EST -> 03:00 EDT (07:00Z); 2025-11-02: 02:00 EDT -> 01:00 EST (06:00Z).
    expect(starts('30 2 * * *', 'America/New_York', '2025-03-08T12:00:00Z', 2)).toEqual([
      '2025-03-09T07:00:00Z',
      '2025-03-10T06:30:00Z',
    ]);
    expect(starts('30 1 * * *', 'America/New_York', '2025-11-01T12:00:00Z', 2)).toEqual([
      '2025-11-02T05:30:00Z',
      '2025-11-03T06:30:00Z',
    ]);
    const at = windowClock({
      weekly: { day: 'sat', at: '22:00' },
      duration: '3h',
      timeZone: 'America/New_York',
    });
    // Sunday 00:30 EST: the window that started on Saturday evening is still in progress.
    expect(at('2025-01-05T05:30:00Z')).toBe('2025-01-05T03:00:00Z -> 2025-01-05T06:00:00Z');
    // Friday 22:30 EST: not a Saturday.
    expect(at('2025-01-04T03:30:00Z')).toBeUndefined();
  });

  it('Asia/Kolkata: a +05:30 offset', () => {
    expect(starts('15 0 * * *', 'Asia/Kolkata', '2025-01-01T00:00:00Z', 2)).toEqual([
      '2025-01-01T18:45:00Z',
      '2025-01-02T18:45:00Z',
    ]);
  });

  it('Australia/Lord_Howe: a 30-minute daylight-saving shift', () => {
    // 2025-10-05: 02:00 (+10:30) jumps to 02:30 (+11); 2025-04-06: 02:00 (+11) goes back to 01:30 (+10:30).
    expect(starts('15 2 * * *', 'Australia/Lord_Howe', '2025-10-03T12:00:00Z')).toEqual([
      '2025-10-03T15:45:00Z',
      '2025-10-04T15:30:00Z',
      '2025-10-05T15:15:00Z',
    ]);
    expect(starts('45 1 * * *', 'Australia/Lord_Howe', '2025-04-04T12:00:00Z')).toEqual([
      '2025-04-04T14:45:00Z',
      '2025-04-05T14:45:00Z',
      '2025-04-06T15:15:00Z',
    ]);
  });
});

describe('unknown time zones', () => {
  const weekly = { day: 'sun', at: '02:00' };

  it('fail at creation with an error naming the value', () => {
    const typo = () =>
      createMaintenance(seedStatus(), {
        recurring: [{ id: 'reindex', weekly, duration: '2h', timeZone: 'Europe/Pari' }],
      });
    expect(typo).toThrow(TimeZoneError);
    expect(typo).toThrow(
      'recurring window "reindex" timeZone: unknown time zone "Europe/Pari"; did you mean "Europe/Paris"?',
    );
    // The maintenance-wide default is checked even before any recurring window uses it.
    expect(() => createMaintenance(seedStatus(), { timeZone: 'Mars/Olympus' })).toThrow(
      'maintenance timeZone: unknown time zone "Mars/Olympus"; expected an IANA name like "Europe/Paris", "America/New_York" or "UTC"',
    );
    expect(() => parseCron('0 2 * * *', { timeZone: '' })).toThrow(/expected an IANA time zone name.*got ""/);
  });

  it('through the config: accepted per window and maintenance-wide, refused when unknown', async () => {
    const config = (timeZone: string) => ({
      vitals: false,
      metrics: false,
      dashboard: false,
      maintenance: {
        timeZone,
        admin: { allowWithoutAccess: true },
        recurring: [
          { id: 'reindex', weekly, duration: '2h' },
          { id: 'backup', daily: { at: '01:00' }, duration: '1h', timeZone: 'America/New_York' },
        ],
      },
    });
    const good = validateConfig(config('Europe/Paris'));
    if (!good.ok) throw new Error(JSON.stringify(good.problems));
    const agent = await buildAgent(good.config);
    try {
      const response = await agent.status.fetch()(new Request('http://x/status/maintenance'));
      const list = (await response!.json()) as { recurring: { id: string; time_zone: string }[] };
      expect(list.recurring.map((w) => [w.id, w.time_zone])).toEqual([
        ['reindex', 'Europe/Paris'],
        ['backup', 'America/New_York'],
      ]);
    } finally {
      await agent.close();
    }
    // Validation catches an unknown zone with its path, before anything is built.
    const bad = validateConfig(config('Paris'));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems.map(formatProblem)).toEqual([
      'maintenance.timeZone: unknown time zone; did you mean "Europe/Paris"?, got "Paris"',
    ]);
  });
});

describe('through real HTTP (injected clock)', () => {
  it('the seed 002 notice appears during a zoned window and not outside it', async () => {
    let now = Date.parse('2025-07-06T01:30:00Z'); // 03:30 in Paris (CEST)
    const { call } = await serve(seedStatus(), {
      clock: () => now,
      announce: '0s',
      timeZone: 'Europe/Paris',
      recurring: [
        { id: 'reindex', message: 'Weekly reindex', weekly: { day: 'sun', at: '02:00' }, duration: '2h' },
      ],
    });
    const during = await call('GET', '/status', 'reader-key');
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('1800');
    expect(during.body.data.status).toBe('maintenance');
    expect(during.body.data.notice).toEqual({
      type: 'maintenance',
      message: 'Weekly reindex',
      estimated_completion: '2025-07-06T02:00:00Z',
    });
    const listed = await call('GET', '/status/maintenance', 'admin-key');
    expect(listed.body.recurring).toEqual([
      expect.objectContaining({ id: 'reindex', cron: '0 2 * * sun', time_zone: 'Europe/Paris' }),
    ]);

    now = Date.parse('2025-07-06T02:30:00Z'); // 04:30 in Paris: over, though 02:00-04:00 UTC is not
    const after = await call('GET', '/status', 'reader-key');
    expect(after.status).toBe(200);
    expect(after.body.data.status).toBe('operational');
    expect(after.body.data).not.toHaveProperty('notice');
  });
});
