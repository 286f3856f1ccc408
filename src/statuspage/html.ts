/**
 * The page, rendered on the server from the page data: complete without JavaScript (every bar a
 * list of days with its text, incidents with their timeline), then kept current by page.js,
 * which asks the JSON API. No CDN: the style and script are served next to the page.
 */
import type { BarDays } from './config.js';
import { formatDay, formatLength, formatPercent, formatTime } from './format.js';
import {
  LEVEL_TEXT,
  type PageData,
  type PageDay,
  type PageIncident,
  type PageMaintenanceItem,
  type PageTarget,
} from './model.js';
import { escapeXml as esc } from './xml.js';

export interface HtmlOptions {
  path: string;
  days: BarDays;
  refreshMs: number;
}

export function renderPage(data: PageData, options: HtmlOptions): string {
  const { path, days } = options;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(data.title)}</title>
<link rel="stylesheet" href="${esc(path)}/page.css">
<link rel="alternate" type="application/rss+xml" title="${esc(data.title)} (RSS)" href="${esc(path)}/feed.rss">
<link rel="alternate" type="application/atom+xml" title="${esc(data.title)} (Atom)" href="${esc(path)}/feed.atom">
</head>
<body>
<header class="page-head">
<h1>${esc(data.title)}</h1>
${data.description ? `<p class="page-description">${esc(data.description)}</p>` : ''}
</header>
<main id="page" data-api="${esc(path)}/api/status.json" data-refresh="${options.refreshMs}" data-days="${days}">
<section id="overall" class="overall level-${data.overall.level}" role="status" aria-live="polite">
<span class="overall-text">${esc(data.overall.status)}</span>
</section>
<section id="incidents" aria-labelledby="incidents-title">
<h2 id="incidents-title">Current incidents</h2>
<div id="incidents-list">${renderIncidents(data.incidents.open, 'No current incidents.')}</div>
</section>
<section id="maintenance" aria-labelledby="maintenance-title">
<h2 id="maintenance-title">Maintenance</h2>
<div id="maintenance-list">${renderMaintenance(data.maintenance.inProgress, data.maintenance.scheduled)}</div>
</section>
<section id="services" aria-labelledby="services-title">
<h2 id="services-title">Services</h2>
${renderRanges(path, days)}
${data.groups.map((group) => renderGroup(group, days)).join('\n')}
${renderLegend()}
</section>
<section id="history" aria-labelledby="history-title">
<h2 id="history-title">Past incidents (14 days)</h2>
<div id="history-list">${renderIncidents(data.incidents.recent, 'No incidents in the last 14 days.')}</div>
</section>
</main>
<footer class="page-foot">
<p>Subscribe: <a href="${esc(path)}/feed.rss">RSS</a> · <a href="${esc(path)}/feed.atom">Atom</a> · <a href="${esc(path)}/api/status.json">JSON</a></p>
<p>Updated <time id="generated" datetime="${esc(data.generatedAt)}">${esc(formatTime(data.generatedAt))}</time></p>
</footer>
<script src="${esc(path)}/page.js" defer></script>
</body>
</html>
`;
}

function renderRanges(path: string, days: BarDays): string {
  const links = ([30, 60, 90] as const).map((n) =>
    n === days
      ? `<a href="${esc(path)}?days=${n}" aria-current="page">${n} days</a>`
      : `<a href="${esc(path)}?days=${n}">${n} days</a>`,
  );
  return `<nav class="ranges" aria-label="Length of the bars">${links.join(' ')}</nav>`;
}

function renderGroup(group: PageData['groups'][number], days: BarDays): string {
  const heading = group.name ? `<h3 class="group-name">${esc(group.name)}</h3>` : '';
  const description = group.description ? `<p class="group-description">${esc(group.description)}</p>` : '';
  return `<section class="group">${heading}${description}
<ul class="targets">
${group.targets.map((target) => renderTarget(target, days)).join('\n')}
</ul>
</section>`;
}

export function renderTarget(target: PageTarget, days: BarDays): string {
  const shown = target.days.slice(-days);
  const uptime =
    days === 30 ? target.uptime.days30 : days === 60 ? target.uptime.days60 : target.uptime.days90;
  return `<li class="target" id="target-${esc(target.id)}" data-target="${esc(target.id)}">
<div class="target-head">
<h4 class="target-name">${esc(target.name)}</h4>
<span class="state level-${target.level}"><span class="state-text">${esc(target.status)}</span></span>
</div>
${target.description ? `<p class="target-description">${esc(target.description)}</p>` : ''}
<p class="target-message"${target.message ? '' : ' hidden'}>${esc(target.message ?? '')}</p>
<ol class="bar" aria-label="${esc(target.name)}: each day of the last ${days} days">${shown.map(renderDay).join('')}</ol>
<p class="bar-foot"><span>${days} days ago</span><span class="uptime">${esc(formatPercent(uptime))} uptime</span><span>Today</span></p>
<p class="response">Response time, last 24 h: <span class="response-mean">${target.responseTime.meanMs === undefined ? 'no data' : `${target.responseTime.meanMs} ms on average`}</span></p>
</li>`;
}

export function dayLabel(day: PageDay): string {
  const parts = [`${formatDay(day.date)}: ${LEVEL_TEXT[day.level]}`];
  if (day.uptime !== undefined) parts.push(`${formatPercent(day.uptime)} up`);
  if (day.downMs > 0) parts.push(`down ${formatLength(day.downMs)}`);
  if (day.degradedMs > 0) parts.push(`degraded ${formatLength(day.degradedMs)}`);
  if (day.maintenanceMs > 0) parts.push(`maintenance ${formatLength(day.maintenanceMs)}`);
  if (day.gapMs >= 60_000) parts.push(`not observed ${formatLength(day.gapMs)}`);
  return parts.join(', ');
}

function renderDay(day: PageDay): string {
  const label = dayLabel(day);
  const classes = ['day', `level-${day.level}`];
  if (day.maintenanceMs > 0 && day.level !== 'maintenance') classes.push('has-maintenance');
  if (day.gapMs >= 60_000) classes.push('has-gap');
  // The label once, as text (no `title` copy): screen readers read it, the style shows it on hover.
  return `<li class="${classes.join(' ')}"><span class="visually-hidden">${esc(label)}</span></li>`;
}

function renderLegend(): string {
  const items = (['ok', 'warning', 'critical', 'maintenance', 'nodata'] as const).map(
    (level) =>
      `<li><span class="swatch level-${level}" aria-hidden="true"></span>${esc(LEVEL_TEXT[level])}</li>`,
  );
  items.push('<li><span class="swatch has-gap" aria-hidden="true"></span>Partly not observed</li>');
  return `<ul class="legend" aria-label="What the colours mean">${items.join('')}</ul>`;
}

export function renderIncidents(incidents: readonly PageIncident[], empty: string): string {
  if (incidents.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return `<ul class="incidents">${incidents.map(renderIncident).join('')}</ul>`;
}

function renderIncident(incident: PageIncident): string {
  const affected = incident.targets.map((target) => esc(target.name)).join(', ');
  const updates = [...incident.updates].reverse();
  return `<li class="incident impact-${incident.impact} status-${incident.status}" data-incident="${incident.id}">
<h3 class="incident-title">${esc(incident.title)}</h3>
<p class="incident-meta"><span class="incident-status">${esc(statusText(incident.status))}</span>${affected ? ` · Affects ${affected}` : ''} · Since <time datetime="${esc(incident.openedAt)}">${esc(formatTime(incident.openedAt))}</time></p>
<ol class="timeline" aria-label="Updates, newest first">${updates
    .map(
      (update) =>
        `<li><strong>${esc(statusText(update.status))}</strong> <time datetime="${esc(update.at)}">${esc(formatTime(update.at))}</time><p>${esc(update.message)}</p></li>`,
    )
    .join('')}</ol>
</li>`;
}

export function statusText(status: string): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

export function renderMaintenance(
  inProgress: readonly PageMaintenanceItem[],
  scheduled: readonly PageMaintenanceItem[],
): string {
  if (inProgress.length + scheduled.length === 0)
    return '<p class="empty">No maintenance in progress or scheduled.</p>';
  const item = (entry: PageMaintenanceItem) => {
    const targets =
      entry.targets === 'all' ? 'All services' : entry.targets.map((t) => esc(t.name)).join(', ');
    const when = `<time datetime="${esc(entry.start)}">${esc(formatTime(entry.start))}</time>${
      entry.end ? ` to <time datetime="${esc(entry.end)}">${esc(formatTime(entry.end))}</time>` : ''
    }`;
    const label = entry.status === 'in_progress' ? 'In progress' : 'Scheduled';
    return `<li class="maintenance-item status-${entry.status}" data-maintenance="${esc(entry.id)}"><strong class="maintenance-status">${label}</strong> ${esc(entry.title)} <span class="maintenance-meta">${targets} · ${when}</span></li>`;
  };
  return `<ul class="maintenance-items">${[...inProgress, ...scheduled].map(item).join('')}</ul>`;
}
