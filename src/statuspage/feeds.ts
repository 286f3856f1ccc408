/**
 * RSS 2.0 and Atom feeds of the incidents (open and of the last 14 days) and the maintenance
 * (in progress and scheduled): one item per incident, one per maintenance, every text escaped.
 */
import { statusText } from './html.js';
import type { PageData, PageIncident, PageMaintenanceItem } from './model.js';
import { escapeXml as esc } from './xml.js';

interface FeedEntry {
  id: string;
  title: string;
  updated: string;
  published: string;
  text: string;
}

function incidentEntry(incident: PageIncident): FeedEntry {
  const last = incident.updates.at(-1);
  const timeline = [...incident.updates]
    .reverse()
    .map((update) => `${update.at} ${statusText(update.status)}: ${update.message}`)
    .join('\n');
  return {
    id: `incident-${incident.id}`,
    title: `${incident.title} (${statusText(incident.status)})`,
    published: incident.openedAt,
    updated: last?.at ?? incident.openedAt,
    text: timeline,
  };
}

function maintenanceEntry(item: PageMaintenanceItem): FeedEntry {
  const targets = item.targets === 'all' ? 'All services' : item.targets.map((t) => t.name).join(', ');
  const label = item.status === 'in_progress' ? 'In progress' : 'Scheduled';
  return {
    id: `maintenance-${item.id}`,
    title: `Maintenance: ${item.title} (${label})`,
    published: item.start,
    updated: item.start,
    text: `${label}: ${targets}, from ${item.start}${item.end ? ` to ${item.end}` : ''}`,
  };
}

function entries(data: PageData): FeedEntry[] {
  const seen = new Set<number>();
  const incidents = [...data.incidents.open, ...data.incidents.recent].filter((incident) => {
    if (seen.has(incident.id)) return false;
    seen.add(incident.id);
    return true;
  });
  return [
    ...incidents.map(incidentEntry),
    ...[...data.maintenance.inProgress, ...data.maintenance.scheduled].map(maintenanceEntry),
  ].sort((a, b) => b.updated.localeCompare(a.updated));
}

export function renderRss(data: PageData, pageUrl: string): string {
  const items = entries(data)
    .map(
      (entry) => `<item>
<title>${esc(entry.title)}</title>
<link>${esc(pageUrl)}</link>
<guid isPermaLink="false">${esc(entry.id)}</guid>
<pubDate>${new Date(entry.published).toUTCString()}</pubDate>
<description>${esc(entry.text)}</description>
</item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${esc(data.title)}</title>
<link>${esc(pageUrl)}</link>
<atom:link href="${esc(pageUrl)}/feed.rss" rel="self" type="application/rss+xml"/>
<description>${esc(`Incidents and maintenance of ${data.title}`)}</description>
<lastBuildDate>${new Date(data.generatedAt).toUTCString()}</lastBuildDate>
${items}
</channel>
</rss>
`;
}

export function renderAtom(data: PageData, pageUrl: string): string {
  const all = entries(data);
  const items = all
    .map(
      (entry) => `<entry>
<id>${esc(`${pageUrl}#${entry.id}`)}</id>
<title>${esc(entry.title)}</title>
<link href="${esc(pageUrl)}"/>
<published>${esc(entry.published)}</published>
<updated>${esc(entry.updated)}</updated>
<content type="text">${esc(entry.text)}</content>
</entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${esc(pageUrl)}</id>
<title>${esc(data.title)}</title>
<link href="${esc(pageUrl)}"/>
<link rel="self" href="${esc(pageUrl)}/feed.atom"/>
<updated>${esc(all[0]?.updated ?? data.generatedAt)}</updated>
<author><name>${esc(data.title)}</name></author>
${items}
</feed>
`;
}
