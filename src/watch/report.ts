/**
 * `statuskit watch history`: transitions and availability per target over a window, from a history
 * file. Building the report reads the store; formatting it is pure.
 */
import type { Level } from '../model/levels.js';
import { type Availability, availability, formatPercent } from './availability.js';
import type { HistoryStore, TransitionRecord } from './history-store.js';
import type { ChangeRecord } from './rule-history.js';
import { formatSpan, formatTable, formatTime } from './table.js';

export interface TargetReport {
  name: string;
  url: string;
  level?: Level;
  since?: number;
  lastCheck?: number;
  availability: Availability;
  /** Time no live fleet member polled the target (a PostgreSQL history's observer gaps). */
  gapMs?: number;
}

export interface HistoryReport {
  file: string;
  start: number;
  end: number;
  targets: TargetReport[];
  transitions: TransitionRecord[];
  /** Value changes event rules saw (`changed()`, `becomes()`). */
  changes: ChangeRecord[];
}

export class UnknownTargetError extends Error {
  override name = 'UnknownTargetError';
}

export async function buildReport(
  store: HistoryStore,
  window: { start: number; end: number },
  target?: string,
): Promise<HistoryReport> {
  const known = await store.targets();
  if (target !== undefined && !known.some((t) => t.name === target)) {
    const names = known.map((t) => t.name).join(', ') || 'none';
    throw new UnknownTargetError(`no target "${target}" in ${store.file} (targets: ${names})`);
  }
  const chosen = known.filter((t) => target === undefined || t.name === target);
  const targets: TargetReport[] = [];
  for (const t of chosen) {
    targets.push({
      name: t.name,
      url: t.url,
      level: t.state.level,
      since: t.state.since,
      lastCheck: t.lastTime,
      ...(await availabilityOf(store, t.name, window)),
    });
  }
  return {
    file: store.file,
    start: window.start,
    end: window.end,
    targets,
    transitions: await store.transitions(window.start, target),
    changes: await store.changes(window.start, target),
  };
}

/** From the rollups where the store keeps them (PostgreSQL), else from the raw samples. */
async function availabilityOf(
  store: HistoryStore,
  name: string,
  window: { start: number; end: number },
): Promise<{ availability: Availability; gapMs?: number }> {
  const rolled = (store as Partial<RollupReader>).availabilityOf;
  if (rolled) {
    const { gapMs, ...found } = await rolled.call(store, name, window);
    return { availability: found, gapMs };
  }
  return { availability: availability(await store.levelSamples(name, window.start), window) };
}

interface RollupReader {
  availabilityOf(
    name: string,
    window: { start: number; end: number },
  ): Promise<Availability & { gapMs: number }>;
}

export function reportText(report: HistoryReport): string {
  const lines = [
    `${report.file}: ${formatTime(report.start)} to ${formatTime(report.end)} (${formatSpan(report.end - report.start)})`,
    '',
  ];
  if (report.targets.length === 0) return `${lines.join('\n')}no targets recorded yet\n`;
  // The gap column only for a history that records gaps (a fleet's): SQLite output stays as it was.
  const gaps = report.targets.some((t) => t.gapMs !== undefined);
  lines.push(
    formatTable(
      [
        'TARGET',
        'AVAILABILITY',
        'OK',
        'OBSERVED',
        'MAINTENANCE',
        ...(gaps ? ['GAPS'] : []),
        'NOW',
        'SINCE',
        'URL',
      ],
      report.targets.map((t) => [
        t.name,
        formatPercent(t.availability.ratio),
        formatSpan(t.availability.okMs),
        formatSpan(t.availability.observedMs),
        formatSpan(t.availability.maintenanceMs),
        ...(gaps ? [formatSpan(t.gapMs ?? 0)] : []),
        t.level ?? '-',
        t.since === undefined ? '-' : formatTime(t.since),
        t.url,
      ]),
    ),
    '',
  );
  if (report.transitions.length === 0) lines.push('no transitions in this window');
  else
    lines.push(
      formatTable(
        ['TIME', 'TARGET', 'FROM', 'TO', 'WORD', 'HTTP', 'MESSAGE'],
        report.transitions.map((t) => [
          formatTime(t.time),
          t.target,
          t.from ?? '(start)',
          t.to,
          t.word ?? '',
          t.httpCode === undefined ? '' : String(t.httpCode),
          t.message ?? '',
        ]),
      ),
    );
  if (report.changes.length > 0) {
    lines.push(
      '',
      formatTable(
        ['TIME', 'TARGET', 'RULE', 'CHANGE'],
        report.changes.map((c) => [
          formatTime(c.time),
          c.target,
          c.rule,
          `${c.message}${c.muted ? ' (muted)' : ''}`,
        ]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function reportJson(report: HistoryReport): Record<string, unknown> {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    file: report.file,
    start: iso(report.start),
    end: iso(report.end),
    targets: report.targets.map((t) => ({
      name: t.name,
      url: t.url,
      level: t.level ?? null,
      since: iso(t.since),
      lastCheck: iso(t.lastCheck),
      availability: {
        ratio: t.availability.ratio ?? null,
        percent: t.availability.ratio === undefined ? null : Math.round(t.availability.ratio * 1e6) / 1e4,
        okMs: t.availability.okMs,
        observedMs: t.availability.observedMs,
        maintenanceMs: t.availability.maintenanceMs,
        windowMs: t.availability.windowMs,
        byLevel: t.availability.byLevel,
        ...(t.gapMs === undefined ? {} : { gapMs: t.gapMs }),
      },
    })),
    transitions: report.transitions.map((t) => ({
      time: iso(t.time),
      target: t.target,
      url: t.url,
      from: t.from ?? null,
      to: t.to,
      word: t.word ?? null,
      httpCode: t.httpCode ?? null,
      message: t.message ?? null,
    })),
    changes: report.changes.map((c) => ({
      time: iso(c.time),
      target: c.target,
      url: c.url,
      rule: c.rule,
      message: c.message,
      muted: c.muted,
    })),
  };
}
