/**
 * `watch replay`'s report for people and for programs: a summary per target, then the incidents
 * and notifications of both rule sets interleaved by time, each line saying which produced it.
 */
import type { Incident, Notified, TargetReplay } from './replay.js';
import { formatSpan, formatTable, formatTime } from './table.js';

export interface ReplayReport {
  config: string;
  history: string;
  start: number;
  end: number;
  targets: TargetReplay[];
}

const NOW = 'now';
const REPLAYED = 'replayed';

export function replayText(report: ReplayReport): string {
  const lines = [
    `replay of ${report.config} over ${report.history}: ${formatTime(report.start)} to ${formatTime(report.end)} (${formatSpan(report.end - report.start)})`,
    '',
  ];
  if (report.targets.length === 0) return `${lines.join('\n')}no samples of these targets in this window\n`;
  lines.push(
    formatTable(
      [
        'TARGET',
        'SAMPLES',
        'INCIDENTS NOW',
        'INCIDENTS REPLAYED',
        'NOTIFICATIONS NOW',
        'NOTIFICATIONS REPLAYED',
      ],
      report.targets.map((t) => [
        t.target,
        String(t.samples),
        String(t.recorded.incidents.length),
        String(t.replayed.incidents.length),
        String(t.recorded.notifications.length),
        String(t.replayed.notifications.length),
      ]),
    ),
  );
  const incidents = both(
    report,
    (outcome) => outcome.incidents,
    (i) => i.start,
  );
  lines.push('', 'INCIDENTS');
  if (incidents.length === 0) lines.push('none');
  else
    lines.push(
      formatTable(
        ['RULES', 'TARGET', 'START', 'END', 'LEVEL', 'MESSAGE'],
        incidents.map(([source, i]) => [
          source,
          i.target,
          formatTime(i.start),
          i.end === undefined ? '(open)' : formatTime(i.end),
          i.worst,
          i.message ?? '',
        ]),
      ),
    );
  const notifications = both(
    report,
    (outcome) => outcome.notifications,
    (n) => n.time,
  );
  lines.push('', 'NOTIFICATIONS');
  if (notifications.length === 0) lines.push('none');
  else
    lines.push(
      formatTable(
        ['RULES', 'TIME', 'TARGET', 'WHAT', 'MESSAGE'],
        notifications.map(([source, n]) => [source, formatTime(n.time), n.target, n.what, n.message ?? '']),
      ),
    );
  const notes = report.targets.flatMap((t) =>
    Object.entries(t.missing).map(
      ([key, count]) =>
        `note: ${t.target}: ${key} was not recorded in ${count} of ${t.samples} samples (no rule read it then): replayed as unknown`,
    ),
  );
  if (notes.length > 0) lines.push('', ...notes);
  return `${lines.join('\n')}\n`;
}

/** Both rule sets' items, by time, the recorded one first at equal times. */
function both<T>(
  report: ReplayReport,
  pick: (outcome: TargetReplay['recorded']) => T[],
  time: (item: T) => number,
): [string, T][] {
  const all = report.targets.flatMap((t) => [
    ...pick(t.recorded).map((item) => [NOW, item] as [string, T]),
    ...pick(t.replayed).map((item) => [REPLAYED, item] as [string, T]),
  ]);
  return all.sort((a, b) => time(a[1]) - time(b[1]) || (a[0] === NOW ? -1 : 1));
}

export function replayJson(report: ReplayReport): Record<string, unknown> {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  const incident = (i: Incident) => ({
    start: iso(i.start),
    end: iso(i.end),
    level: i.worst,
    message: i.message ?? null,
  });
  const notified = (n: Notified) => ({ time: iso(n.time), what: n.what, message: n.message ?? null });
  return {
    config: report.config,
    history: report.history,
    start: iso(report.start),
    end: iso(report.end),
    targets: report.targets.map((t) => ({
      name: t.target,
      samples: t.samples,
      now: {
        incidents: t.recorded.incidents.map(incident),
        notifications: t.recorded.notifications.map(notified),
      },
      replayed: {
        incidents: t.replayed.incidents.map(incident),
        notifications: t.replayed.notifications.map(notified),
      },
      missing: t.missing,
    })),
  };
}
