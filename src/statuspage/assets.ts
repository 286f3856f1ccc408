/**
 * The page's style and script, served by the page itself (`page.css`, `page.js`): nothing from a
 * CDN. Colours meet WCAG AA against white (text 4.5:1 and more, bars 3:1 and more), and every
 * colour comes with its text (a state's words, a day's label, the legend). Phone first: the base
 * rules are for a narrow screen, wider screens get more room.
 */
export const PAGE_CSS = `
:root { --ok: #116329; --warning: #7d4e00; --critical: #a40e26; --maintenance: #0550ae; --unknown: #57606a;
  --nodata: #8c959f; --text: #1f2328; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: var(--bg); }
.page-head, main, .page-foot { max-width: 56rem; margin: 0 auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 1rem 0 0.25rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
h3, h4 { font-size: 1rem; margin: 0; }
a { color: #0550ae; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.overall { padding: 0.75rem 1rem; border-radius: 0.5rem; color: #fff; font-weight: 600; background: var(--unknown); }
.overall.level-ok { background: var(--ok); } .overall.level-warning { background: var(--warning); }
.overall.level-critical { background: var(--critical); } .overall.level-maintenance { background: var(--maintenance); }
.ranges a { margin-right: 0.75rem; } .ranges a[aria-current] { font-weight: 700; text-decoration: none; color: var(--text); }
.group { margin-top: 1rem; } .group-name { font-size: 1.05rem; }
.targets, .incidents, .maintenance-items, .legend, .timeline { list-style: none; padding: 0; margin: 0; }
.target { border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.75rem; margin: 0.5rem 0; }
.target-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.5rem; align-items: center; }
.state { font-size: 0.875rem; font-weight: 600; padding: 0.1rem 0.5rem; border-radius: 1rem; color: #fff; background: var(--unknown); }
.state.level-ok { background: var(--ok); } .state.level-warning { background: var(--warning); }
.state.level-critical { background: var(--critical); } .state.level-maintenance { background: var(--maintenance); }
.target-description, .target-message, .response, .bar-foot, .incident-meta, .maintenance-meta, .page-foot { color: var(--muted); font-size: 0.875rem; margin: 0.25rem 0; }
.target-message { color: var(--text); }
.bar { display: flex; gap: 1px; height: 2rem; list-style: none; padding: 0; margin: 0.5rem 0 0; }
.day { position: relative; flex: 1 1 0; min-width: 1px; border-radius: 1px; background: var(--nodata); }
.day:hover > .visually-hidden { bottom: 110%; left: 50%; transform: translateX(-50%); width: max-content; max-width: 16rem; height: auto;
  clip: auto; white-space: normal; background: var(--text); color: #fff; padding: 0.25rem 0.5rem; border-radius: 0.25rem; font-size: 0.75rem; z-index: 1; }
.level-ok { background: var(--ok); } .level-warning { background: var(--warning); } .level-critical { background: var(--critical); }
.level-maintenance { background: var(--maintenance); } .level-unknown { background: var(--unknown); } .level-nodata { background: var(--nodata); }
.day.has-maintenance { box-shadow: inset 0 -0.5rem 0 var(--maintenance); }
.day.has-gap, .swatch.has-gap { background-image: repeating-linear-gradient(45deg, transparent 0 2px, rgba(255,255,255,0.6) 2px 4px); }
.swatch.has-gap { background-color: var(--ok); }
.bar-foot { display: flex; justify-content: space-between; }
.legend { display: flex; flex-wrap: wrap; gap: 0.75rem; font-size: 0.875rem; margin-top: 1rem; }
.swatch { display: inline-block; width: 0.9rem; height: 0.9rem; border-radius: 2px; margin-right: 0.3rem; vertical-align: -0.1rem; }
.incident, .maintenance-item { border-left: 4px solid var(--critical); padding: 0.5rem 0.75rem; margin: 0.5rem 0; background: #f6f8fa; }
.incident.status-resolved { border-left-color: var(--ok); } .maintenance-item { border-left-color: var(--maintenance); }
.timeline li { margin-top: 0.5rem; } .timeline p { margin: 0.1rem 0 0; }
.empty { color: var(--muted); }
@media (min-width: 48rem) { h1 { font-size: 2rem; } .bar { height: 2.5rem; gap: 2px; } }
@media (prefers-reduced-motion: no-preference) { .state, .overall { transition: background-color 0.3s; } }
`;

/**
 * Progressive enhancement: asks the JSON API (with its ETag, so an unchanged page costs a 304)
 * every `data-refresh` ms and updates the overall state, each target's state, message, bar and
 * uptime, and the incident and maintenance lists, in place. Without it the page is complete.
 */
export const PAGE_JS = `(() => {
  'use strict';
  const main = document.getElementById('page');
  if (!main || !window.fetch) return;
  const api = main.dataset.api;
  const refresh = Math.max(200, Number(main.dataset.refresh) || 10000);
  const days = Number(main.dataset.days) || 90;
  const TEXT = { ok: 'Operational', warning: 'Degraded performance', critical: 'Major outage',
    maintenance: 'Under maintenance', unknown: 'Status unknown', nodata: 'No data' };
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const pct = (r) => r === undefined ? 'n/a' : (Math.floor(r * 10000 + 1e-9) / 100).toFixed(2) + ' %';
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const day = (date) => Number(date.slice(8, 10)) + ' ' + MONTHS[Number(date.slice(5, 7)) - 1] + ' ' + date.slice(0, 4);
  const when = (iso) => day(iso.slice(0, 10)) + ', ' + iso.slice(11, 16) + ' UTC';
  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  // The same words as the server's labels (html.ts dayLabel, format.ts).
  const length = (ms) => {
    if (ms < 60000) return ms < 1000 ? '0 min' : Math.round(ms / 1000) + ' s';
    const minutes = Math.round(ms / 60000);
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    if (hours === 0) return rest + ' min';
    return rest === 0 ? hours + ' h' : hours + ' h ' + rest + ' min';
  };
  const dayLabel = (d) => {
    const parts = [day(d.date) + ': ' + TEXT[d.level]];
    if (d.uptime !== undefined) parts.push(pct(d.uptime) + ' up');
    if (d.downMs > 0) parts.push('down ' + length(d.downMs));
    if (d.degradedMs > 0) parts.push('degraded ' + length(d.degradedMs));
    if (d.maintenanceMs > 0) parts.push('maintenance ' + length(d.maintenanceMs));
    if (d.gapMs >= 60000) parts.push('not observed ' + length(d.gapMs));
    return parts.join(', ');
  };
  const setLevel = (el, level) => { el.className = el.className.replace(/\\blevel-\\S+/g, '').trim() + ' level-' + level; };
  let etag;
  function incidents(list, empty) {
    if (list.length === 0) return '<p class="empty">' + esc(empty) + '</p>';
    return '<ul class="incidents">' + list.map((i) => {
      const affected = i.targets.map((t) => esc(t.name)).join(', ');
      const updates = i.updates.slice().reverse().map((u) => '<li><strong>' + esc(cap(u.status)) + '</strong> <time datetime="' + esc(u.at) + '">' + esc(when(u.at)) + '</time><p>' + esc(u.message) + '</p></li>').join('');
      return '<li class="incident impact-' + esc(i.impact) + ' status-' + esc(i.status) + '" data-incident="' + i.id + '"><h3 class="incident-title">' + esc(i.title) + '</h3>' +
        '<p class="incident-meta"><span class="incident-status">' + esc(cap(i.status)) + '</span>' + (affected ? ' · Affects ' + affected : '') + ' · Since <time datetime="' + esc(i.openedAt) + '">' + esc(when(i.openedAt)) + '</time></p>' +
        '<ol class="timeline" aria-label="Updates, newest first">' + updates + '</ol></li>';
    }).join('') + '</ul>';
  }
  function maintenance(m) {
    const all = m.inProgress.concat(m.scheduled);
    if (all.length === 0) return '<p class="empty">No maintenance in progress or scheduled.</p>';
    return '<ul class="maintenance-items">' + all.map((e) => {
      const targets = e.targets === 'all' ? 'All services' : e.targets.map((t) => esc(t.name)).join(', ');
      const span = '<time datetime="' + esc(e.start) + '">' + esc(when(e.start)) + '</time>' + (e.end ? ' to <time datetime="' + esc(e.end) + '">' + esc(when(e.end)) + '</time>' : '');
      return '<li class="maintenance-item status-' + esc(e.status) + '" data-maintenance="' + esc(e.id) + '"><strong class="maintenance-status">' + (e.status === 'in_progress' ? 'In progress' : 'Scheduled') + '</strong> ' + esc(e.title) + ' <span class="maintenance-meta">' + targets + ' · ' + span + '</span></li>';
    }).join('') + '</ul>';
  }
  function target(t) {
    const el = document.getElementById('target-' + t.id);
    if (!el) return false;
    const state = el.querySelector('.state');
    setLevel(state, t.level);
    state.querySelector('.state-text').textContent = t.status;
    const message = el.querySelector('.target-message');
    message.textContent = t.message || '';
    message.hidden = !t.message;
    const shown = t.days.slice(-days);
    const bar = el.querySelector('.bar');
    const cells = bar.children;
    shown.forEach((d, n) => {
      const cell = cells[n];
      if (!cell) return;
      cell.className = 'day level-' + d.level + (d.maintenanceMs > 0 && d.level !== 'maintenance' ? ' has-maintenance' : '') + (d.gapMs >= 60000 ? ' has-gap' : '');
      const label = dayLabel(d);
      cell.firstChild.textContent = label;
    });
    const uptime = days === 30 ? t.uptime.days30 : days === 60 ? t.uptime.days60 : t.uptime.days90;
    el.querySelector('.uptime').textContent = pct(uptime) + ' uptime';
    el.querySelector('.response-mean').textContent = t.responseTime.meanMs === undefined ? 'no data' : t.responseTime.meanMs + ' ms on average';
    return true;
  }
  function apply(data) {
    const overall = document.getElementById('overall');
    setLevel(overall, data.overall.level);
    overall.querySelector('.overall-text').textContent = data.overall.status;
    let complete = true;
    for (const group of data.groups) for (const t of group.targets) complete = target(t) && complete;
    document.getElementById('incidents-list').innerHTML = incidents(data.incidents.open, 'No current incidents.');
    document.getElementById('history-list').innerHTML = incidents(data.incidents.recent, 'No incidents in the last 14 days.');
    document.getElementById('maintenance-list').innerHTML = maintenance(data.maintenance);
    const generated = document.getElementById('generated');
    generated.dateTime = data.generatedAt;
    generated.textContent = when(data.generatedAt);
    // A target added since the page was rendered has no place yet: the next load shows it.
    if (!complete) main.dataset.stale = 'true';
    main.dataset.live = String(Number(main.dataset.live || 0) + 1);
  }
  async function tick() {
    try {
      const response = await fetch(api, { headers: etag ? { 'if-none-match': etag } : {}, cache: 'no-store' });
      if (response.status === 200) {
        etag = response.headers.get('etag') || undefined;
        apply(await response.json());
      }
    } catch (error) {
      // Offline for a moment: the page stays as it was and asks again.
    } finally {
      setTimeout(tick, refresh);
    }
  }
  setTimeout(tick, refresh);
})();
`;
